#!/usr/bin/env -S npx tsx
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseCliArgs, USAGE } from './args.js';

type Out = (line: string) => void;

/**
 * Entry point of `pnpm flow`; returns the exit code. Only argument parsing is loaded up front:
 * the schema, node types, LangGraph and the engine are imported when a command needs them.
 */
export async function main(
  argv: string[],
  out: Out = (l) => process.stdout.write(`${l}\n`),
  err: Out = (l) => process.stderr.write(`${l}\n`),
): Promise<number> {
  let args: ReturnType<typeof parseCliArgs>;
  try {
    args = parseCliArgs(argv);
  } catch (e) {
    err(e instanceof Error ? e.message : String(e));
    err(USAGE);
    return 2;
  }
  if (args.command === 'help' || !args.file) {
    // With --json, stdout carries only JSON lines: usage goes to stderr.
    (args.json ? err : out)(USAGE);
    return args.command === 'help' ? 0 : 2;
  }
  const { runCommand } = await import('./commands.js');
  return runCommand({ ...args, file: args.file }, out, err);
}

function invokedDirectly(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`Unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    },
  );
}
