import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.js';
import type { ItemOutcome } from './group-commit.js';

const refused = Object.assign(new Error('Failed query: …'), {
  cause: Object.assign(new Error('invalid byte sequence'), { code: '22021', severity: 'ERROR' }),
});
const lost = Object.assign(new Error('Failed query: …'), {
  cause: Object.assign(new Error('write CONNECTION_CLOSED'), { code: 'CONNECTION_CLOSED' }),
});

/** A group commit whose statement `fail` decides on; records the groups it was given. */
function groupCommit(fail: (items: string[]) => Error | undefined) {
  const statements: string[][] = [];
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => (release = r));
  const group = new GroupCommit<string>(
    (item) => item,
    async (items): Promise<ItemOutcome[]> => {
      statements.push(items);
      // The first statement waits, so the items submitted meanwhile go together in the next.
      if (statements.length === 1) await gate;
      const err = fail(items);
      if (err) throw err;
      return items.map(() => ({ ok: true }));
    },
  );
  return { group, statements, release };
}

describe('GroupCommit', () => {
  it('retries a refused group item by item: only the caller whose value was refused fails', async () => {
    const { group, statements, release } = groupCommit((items) => (items.includes('bad') ? refused : undefined));
    const first = group.submit('first');
    const rest = ['a', 'bad', 'b'].map((item) =>
      group.submit(item).then(
        () => 'stored',
        (err: unknown) => err,
      ),
    );
    release();
    await first;
    expect(await Promise.all(rest)).toEqual(['stored', refused, 'stored']);
    expect(statements).toEqual([['first'], ['a', 'bad', 'b'], ['a'], ['bad'], ['b']]);
  });

  it('does not retry a group whose connection was lost (it may have committed): every caller gets the error', async () => {
    const { group, statements, release } = groupCommit((items) => (items.length > 1 ? lost : undefined));
    const first = group.submit('first');
    const rest = ['a', 'b', 'c'].map((item) =>
      group.submit(item).then(
        () => 'stored',
        (err: unknown) => err,
      ),
    );
    release();
    await first;
    expect(await Promise.all(rest)).toEqual([lost, lost, lost]);
    expect(statements).toEqual([['first'], ['a', 'b', 'c']]);
  });
});
