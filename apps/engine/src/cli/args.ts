import { parseArgs } from 'node:util';

export interface CliArgs {
  command: 'run' | 'validate' | 'help';
  file?: string;
  input?: string;
  resume?: string;
  script?: string;
  thread?: string;
  json: boolean;
  quiet: boolean;
}

export const USAGE = `Usage:
  pnpm flow run <workflow.json> [--input '<json>'] [--resume '<json>'] [--script <script.json>] [--json] [--quiet]
  pnpm flow validate <workflow.json> [--json]

run       validates, compiles and runs the workflow in-process, printing each node's start and finish
          with its state update and duration, then the final output. Human nodes ask on the terminal,
          or take --resume (a JSON answer used for every pause, e.g. '{"action":"approve"}').
validate  prints every problem and exits 2 when the document is invalid.

--script  a scripted-model side file (replaces the document's "script")
--json    print trace events and the result as JSON lines
Models: scripted:* runs offline; openai:* uses OPENAI_API_KEY and OPENAI_BASE_URL (any OpenAI-compatible server).
Exit codes: 0 ok, 1 run failed, 2 invalid document or usage.`;

export function parseCliArgs(argv: string[]): CliArgs {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      input: { type: 'string', short: 'i' },
      resume: { type: 'string' },
      script: { type: 'string' },
      thread: { type: 'string' },
      json: { type: 'boolean', default: false },
      quiet: { type: 'boolean', short: 'q', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [cmd, file] = positionals;
  const command = values.help || !cmd ? 'help' : cmd === 'run' || cmd === 'validate' ? cmd : 'help';
  return {
    command,
    file,
    input: values.input,
    resume: values.resume,
    script: values.script,
    thread: values.thread,
    json: values.json ?? false,
    quiet: values.quiet ?? false,
  };
}
