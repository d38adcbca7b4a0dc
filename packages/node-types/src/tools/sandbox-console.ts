import type { QuickJSContext, Scope } from 'quickjs-emscripten-core';

export const MAX_LOG_LINES = 100;
export const MAX_LOG_LINE_CHARS = 1000;

/** Collects console lines from sandboxed code, keeping at most MAX_LOG_LINES lines of bounded length. */
export class LogBuffer {
  private readonly lines: string[] = [];
  private dropped = 0;

  push(line: string): void {
    if (this.lines.length >= MAX_LOG_LINES) {
      this.dropped++;
      return;
    }
    this.lines.push(line.length > MAX_LOG_LINE_CHARS ? `${line.slice(0, MAX_LOG_LINE_CHARS)}… (truncated)` : line);
  }

  toArray(): string[] {
    return this.dropped === 0 ? [...this.lines] : [...this.lines, `… ${this.dropped} more log line(s) dropped`];
  }
}

/**
 * Installs `console` (log, info, debug, warn, error) inside the VM. Arguments are formatted in
 * the VM (strings as is, other values as JSON when possible) and cut to the line limit there, so
 * only one short string per call crosses into the host. The host callback is a closure argument,
 * never a global, so sandboxed code cannot reach it except through `console`.
 */
const INSTALL_CONSOLE = `(function (hostLog) {
  "use strict";
  const stringify = JSON.stringify;
  const show = (value) => {
    if (typeof value === "string") return value;
    try {
      if (value instanceof Error) return String(value);
      const json = stringify(value);
      return json === undefined ? String(value) : json;
    } catch {
      try { return String(value); } catch { return "[unprintable]"; }
    }
  };
  const make = (prefix) => (...args) => {
    hostLog((prefix + args.map(show).join(" ")).slice(0, ${MAX_LOG_LINE_CHARS + 1}));
  };
  const console = Object.freeze({
    log: make(""), info: make(""), debug: make(""), warn: make("[warn] "), error: make("[error] "),
  });
  Object.defineProperty(globalThis, "console", { value: console, writable: true, configurable: true });
})`;

/** Defines `console` in the context; throws (via unwrapResult) if the installer itself failed. */
export function installConsole(context: QuickJSContext, scope: Scope, logs: LogBuffer): void {
  const hostLog = scope.manage(
    context.newFunction('hostLog', (message) => {
      logs.push(context.typeof(message) === 'string' ? context.getString(message) : String(context.dump(message)));
    }),
  );
  const installer = scope.manage(
    context.unwrapResult(context.evalCode(INSTALL_CONSOLE, 'setup.js', { type: 'global' })),
  );
  scope.manage(context.unwrapResult(context.callFunction(installer, context.undefined, hostLog)));
}
