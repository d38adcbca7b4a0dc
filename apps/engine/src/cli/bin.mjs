#!/usr/bin/env node
// `pnpm flow` (the engine's bin): TypeScript through tsx's loader in this process — no second
// process, no npx — and nothing but the command's own output on stdout (no pnpm script banner).
import { register } from 'tsx/esm/api';

register();
try {
  const { main } = await import('./main.ts');
  process.exit(await main(process.argv.slice(2)));
} catch (e) {
  process.stderr.write(`Unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
}
