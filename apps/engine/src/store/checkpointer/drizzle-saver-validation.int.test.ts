import { deltaChannelHistoryTests, specTest } from '@langchain/langgraph-checkpoint-validation';
import type { CheckpointSaverTestInitializer } from '@langchain/langgraph-checkpoint-validation';
import { describe } from 'vitest';
import { checkpointBlobs, checkpointWrites, checkpoints } from '../schema/index.js';
import { BACKENDS, useTestDatabase } from '../test-database.js';
import { DrizzleSaver } from './drizzle-saver.js';

// The official conformance suite, run as a library (its CLI is broken). Its `list` cases read
// across all threads and reuse fixed thread ids, so it gets a database of its own and is emptied
// between suites.
for (const kind of BACKENDS) {
  describe(`checkpoint-validation on ${kind}`, () => {
    const store = useTestDatabase(kind, { fresh: true });
    const initializer: CheckpointSaverTestInitializer<DrizzleSaver> = {
      checkpointerName: `DrizzleSaver (${kind})`,
      createCheckpointer: () => new DrizzleSaver(store.db),
      destroyCheckpointer: async () => {
        await store.db.delete(checkpointWrites);
        await store.db.delete(checkpointBlobs);
        await store.db.delete(checkpoints);
      },
    };
    specTest(initializer);
    deltaChannelHistoryTests(initializer);
  });
}
