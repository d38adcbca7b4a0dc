import { parseArgs } from 'node:util';

export interface CliArgs {
  command: 'run' | 'validate' | 'test' | 'help';
  file?: string;
  input?: string;
  resume?: string;
  script?: string;
  thread?: string;
  dataset?: string;
  concurrency?: string;
  evaluators?: string[];
  json: boolean;
  quiet: boolean;
}

export const USAGE = `Usage:
  pnpm flow run <workflow.json> [--input '<json>'] [--resume '<json>'] [--script <script.json>] [--json] [--quiet]
  pnpm flow validate <workflow.json> [--json]
  pnpm flow test <workflow.json> --dataset <cases.jsonl> [--concurrency N] [--evaluators <module>] [--json]

run       validates, compiles and runs the workflow in-process, printing each node's start and finish
          with its state update and duration, then the final output. Human nodes ask on the terminal,
          or take --resume (a JSON answer used for every pause, e.g. '{"action":"approve"}').
validate  prints every problem and exits 2 when the document is invalid.
test      runs every test case of a JSONL dataset in-process and judges it: one line per case, then
          "N passed, M failed". Exits 0 when all pass, 1 when any fails, 2 on invalid input.

--script  a scripted-model side file (replaces the document's "script")
--json    print trace events and the result as JSON lines
Models: scripted:* runs offline; openai:* uses OPENAI_API_KEY and OPENAI_BASE_URL (any OpenAI-compatible server).
Exit codes: 0 ok, 1 run (or a test case) failed, 2 invalid document, dataset or usage.`;

export function parseCliArgs(argv: string[]): CliArgs {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      input: { type: 'string', short: 'i' },
      resume: { type: 'string' },
      script: { type: 'string' },
      thread: { type: 'string' },
      dataset: { type: 'string', short: 'd' },
      concurrency: { type: 'string', short: 'c' },
      evaluators: { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
      quiet: { type: 'boolean', short: 'q', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [cmd, file] = positionals;
  const command = values.help || !cmd ? 'help' : cmd === 'run' || cmd === 'validate' || cmd === 'test' ? cmd : 'help';
  return {
    command,
    file,
    input: values.input,
    resume: values.resume,
    script: values.script,
    thread: values.thread,
    dataset: values.dataset,
    concurrency: values.concurrency,
    evaluators: values.evaluators,
    json: values.json ?? false,
    quiet: values.quiet ?? false,
  };
}
