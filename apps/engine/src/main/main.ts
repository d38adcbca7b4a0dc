import { fileURLToPath } from 'node:url';
import { loadConfig } from '../config/config.js';
import { hasEditorBuild } from '../http/editor-static.js';
import { installProcessGuard } from '../server/process-guard.js';
import { stopOnSignals } from '../server/shutdown-signals.js';
import { startEngine } from './engine.js';
import { startFailure } from './start-failure.js';

/** `pnpm start`: the engine on the configured database (embedded PGlite by default), examples imported on first start. */
const EXAMPLES_DIR = fileURLToPath(new URL('../../../../examples', import.meta.url));
/** The editor's production build, served at `/` when present (`pnpm build:editor`). */
const EDITOR_DIST = fileURLToPath(new URL('../../../editor/dist', import.meta.url));

async function main(): Promise<void> {
  installProcessGuard();
  const loaded = loadConfig(process.env);
  const config =
    loaded.editorDir === undefined && hasEditorBuild(EDITOR_DIST) ? { ...loaded, editorDir: EDITOR_DIST } : loaded;
  const engine = await startEngine({ config, examplesDir: EXAMPLES_DIR });
  stopOnSignals(engine.stop, { onError: (err) => console.error('Shutdown failed:', err) });
}

main().catch((err: unknown) => {
  console.error(startFailure(err, process.env.DATABASE_URL || undefined));
  process.exit(1);
});
