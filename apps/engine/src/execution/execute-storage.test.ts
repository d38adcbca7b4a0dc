import { readFileSync } from 'node:fs';
import { MemorySaver } from '@langchain/langgraph';
import { describe, expect, it } from 'vitest';
import { createBuiltinRegistry } from '@flowcraft/node-types';
import { ModelScript, isStorageUnavailable } from '@flowcraft/schema';
import { compile } from '../compile/compile.js';
import { StorageLostError, executeRun } from './execute.js';
import { createRunServices } from './services.js';

const pipeline = JSON.parse(
  readFileSync(new URL('../../../../examples/sequential-pipeline.json', import.meta.url), 'utf8'),
) as { script?: unknown };

/** A saver whose `failAt`th checkpoint fails with `err` (the first, the input's, is stored). */
class FailingSaver extends MemorySaver {
  private puts = 0;
  constructor(
    private readonly err: Error,
    private readonly failAt = 2,
  ) {
    super();
  }
  override async put(...args: Parameters<MemorySaver['put']>) {
    if (++this.puts === this.failAt) throw this.err;
    return super.put(...args);
  }
}

const driverError = (code: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error('Failed query: insert into "checkpoints" …\nparams: run data'), {
    cause: Object.assign(new Error(code), { code, ...extra }),
  });

function run(err: Error, failAt?: number) {
  const services = createRunServices({ script: ModelScript.parse(pipeline.script), env: {} });
  const compiled = compile(pipeline, createBuiltinRegistry(), services, {
    checkpointer: new FailingSaver(err, failAt),
  });
  return executeRun({ compiled, threadId: 't', input: { topic: 'tides' }, onEvent: () => undefined });
}

describe('executeRun when storing a checkpoint fails', () => {
  it('rejects when the database could not be reached: not the run’s failure (its executor hands it back)', async () => {
    const lost = driverError('CONNECTION_CLOSED');
    const rejected = await run(lost).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(rejected).toBeInstanceOf(StorageLostError);
    expect((rejected as StorageLostError).cause).toBe(lost);
    expect(isStorageUnavailable(rejected)).toBe(true);
    // Before any model call: nothing spent.
    expect((rejected as StorageLostError).tokens).toEqual({ input: 0, output: 0 });
  });

  it('says what the model calls before the lost write used (the run is handed back; its usage counts them)', async () => {
    // Checkpoints: input, after start, after researcher (42 in / 61 out), after outliner (88 / 30): the 5th fails.
    const rejected = await run(driverError('57P01'), 5).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(rejected).toBeInstanceOf(StorageLostError);
    expect((rejected as StorageLostError).tokens).toEqual({ input: 130, output: 91 });
  });

  it('fails the run when the database refused the write', async () => {
    const outcome = await run(driverError('22P05', { severity: 'ERROR' }));
    expect(outcome).toMatchObject({ status: 'failed', error: { code: 'internal' } });
  });
});
