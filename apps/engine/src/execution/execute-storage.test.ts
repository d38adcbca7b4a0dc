import { readFileSync } from 'node:fs';
import { MemorySaver } from '@langchain/langgraph';
import { describe, expect, it } from 'vitest';
import { createBuiltinRegistry } from '@flowcraft/node-types';
import { ModelScript } from '@flowcraft/schema';
import { compile } from '../compile/compile.js';
import { executeRun } from './execute.js';
import { createRunServices } from './services.js';

const pipeline = JSON.parse(
  readFileSync(new URL('../../../../examples/sequential-pipeline.json', import.meta.url), 'utf8'),
) as { script?: unknown };

/** A saver whose second checkpoint fails with `err` (the first, the input's, is stored). */
class FailingSaver extends MemorySaver {
  private puts = 0;
  constructor(private readonly err: Error) {
    super();
  }
  override async put(...args: Parameters<MemorySaver['put']>) {
    if (++this.puts === 2) throw this.err;
    return super.put(...args);
  }
}

const driverError = (code: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error('Failed query: insert into "checkpoints" …\nparams: run data'), {
    cause: Object.assign(new Error(code), { code, ...extra }),
  });

function run(err: Error) {
  const services = createRunServices({ script: ModelScript.parse(pipeline.script), env: {} });
  const compiled = compile(pipeline, createBuiltinRegistry(), services, { checkpointer: new FailingSaver(err) });
  return executeRun({ compiled, threadId: 't', input: { topic: 'tides' }, onEvent: () => undefined });
}

describe('executeRun when storing a checkpoint fails', () => {
  it('rejects when the database could not be reached: not the run’s failure (its executor hands it back)', async () => {
    const lost = driverError('CONNECTION_CLOSED');
    await expect(run(lost)).rejects.toBe(lost);
  });

  it('fails the run when the database refused the write', async () => {
    const outcome = await run(driverError('22P05', { severity: 'ERROR' }));
    expect(outcome).toMatchObject({ status: 'failed', error: { code: 'internal' } });
  });
});
