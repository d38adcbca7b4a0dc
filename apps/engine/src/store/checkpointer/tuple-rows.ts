import { and, desc, eq, sql } from 'drizzle-orm';
import type { Database } from '../db.js';
import { checkpointBlobs, checkpointWrites, checkpoints } from '../schema/index.js';

/** `(task_path, task_id, idx)`: LangGraph's order for pending writes (the columns are C-collated). */
const writesOrder = sql`${checkpointWrites.taskPath}, ${checkpointWrites.taskId}, ${checkpointWrites.idx}`;

/** `[channel, type, byte length]` of each blob, in the order they are packed. */
export type BlobEntry = [string, string, number];
/** `[task_id, task_path, idx, channel, type, byte length]` of each pending write, in LangGraph's order. */
export type WriteEntry = [string, string, number, string, string, number];

/**
 * One query per checkpoint (or page of checkpoints): each row carries the checkpoint, its channel
 * blobs (looked up by the `(channel, version)` pairs the checkpoint records, so unchanged values
 * are shared between checkpoints) and its pending writes in LangGraph's order, aggregated by two
 * lateral subqueries. Blobs come back concatenated into one bytea, described by a JSON list:
 * drivers parse arrays (a bytea[] of large elements above all) far slower than a bytea or JSON.
 */
function selectRows(db: Database) {
  const blobs = db
    .select({
      list: sql<
        BlobEntry[] | null
      >`json_agg(json_build_array(bl.channel, bl.type, length(bl.blob)) order by bl.channel)`.as('b_list'),
      packed: sql<Uint8Array | null>`string_agg(bl.blob, ''::bytea order by bl.channel)`.as('b_packed'),
    })
    .from(
      // One primary-key lookup per channel version: `limit 1` keeps the planner from flattening the
      // lateral into a hash join over every blob of the thread (estimates are poor for jsonb_each_text).
      sql`jsonb_each_text(${checkpoints.checkpoint} -> 'channel_versions') cv
        join lateral (select * from ${checkpointBlobs} b1 where b1.thread_id = ${checkpoints.threadId} and b1.checkpoint_ns = ${checkpoints.checkpointNs}
         and b1.channel = cv.key and b1.version = cv.value limit 1) bl on bl.type <> 'empty'`,
    )
    .as('b');
  const writes = db
    .select({
      list: sql<
        WriteEntry[] | null
      >`json_agg(json_build_array(${checkpointWrites.taskId}, ${checkpointWrites.taskPath}, ${checkpointWrites.idx}, ${checkpointWrites.channel}, coalesce(${checkpointWrites.type}, 'json'), length(${checkpointWrites.blob})) order by ${writesOrder})`.as(
        'w_list',
      ),
      packed: sql<Uint8Array | null>`string_agg(${checkpointWrites.blob}, ''::bytea order by ${writesOrder})`.as(
        'w_packed',
      ),
    })
    .from(checkpointWrites)
    .where(
      and(
        eq(checkpointWrites.threadId, checkpoints.threadId),
        eq(checkpointWrites.checkpointNs, checkpoints.checkpointNs),
        eq(checkpointWrites.checkpointId, checkpoints.checkpointId),
      ),
    )
    .as('w');
  return db
    .select({
      threadId: checkpoints.threadId,
      checkpointNs: checkpoints.checkpointNs,
      checkpointId: checkpoints.checkpointId,
      parentCheckpointId: checkpoints.parentCheckpointId,
      checkpoint: checkpoints.checkpoint,
      metadata: sql<string>`${checkpoints.metadata}::text`,
      blobList: blobs.list,
      blobPacked: blobs.packed,
      writeList: writes.list,
      writePacked: writes.packed,
    })
    .from(checkpoints)
    .leftJoinLateral(blobs, sql`true`)
    .leftJoinLateral(writes, sql`true`);
}

export type TupleRow = Awaited<ReturnType<ReturnType<typeof selectRows>['execute']>>[number];

const byThread = and(
  eq(checkpoints.threadId, sql.placeholder('threadId')),
  eq(checkpoints.checkpointNs, sql.placeholder('checkpointNs')),
);

/** Prepared once per saver: `getTuple` by id and latest-of-thread (SQL built once, plans cached by postgres.js). */
export function prepareTupleQueries(db: Database) {
  const byId = selectRows(db)
    .where(and(byThread, eq(checkpoints.checkpointId, sql.placeholder('checkpointId'))))
    .prepare('flowcraft_checkpoint_by_id');
  const latest = selectRows(db)
    .where(byThread)
    .orderBy(desc(checkpoints.checkpointId))
    .limit(1)
    .prepare('flowcraft_checkpoint_latest');
  return {
    async get(threadId: string, checkpointNs: string, checkpointId: string | undefined): Promise<TupleRow | undefined> {
      const rows =
        checkpointId === undefined
          ? await latest.execute({ threadId, checkpointNs })
          : await byId.execute({ threadId, checkpointNs, checkpointId });
      return rows[0];
    },
  };
}

/** Position after the last row of a page, newest first: `(checkpoint_id, thread_id, checkpoint_ns)` descending. */
export interface RowCursor {
  checkpointId: string;
  threadId: string;
  checkpointNs: string;
}

/** What a `list` page filters on; absent fields do not filter. */
export interface ListArgs {
  threadId?: string;
  checkpointNs?: string;
  checkpointId?: string;
  /** Metadata subset as JSON (`metadata @> filter`). */
  filter?: string;
  /** Only checkpoints with a smaller id. */
  before?: string;
  after?: RowCursor;
  limit: number;
}

type Shape = Record<'threadId' | 'checkpointNs' | 'checkpointId' | 'filter' | 'before' | 'after', boolean>;

function buildListStatement(db: Database, shape: Shape, name: string) {
  const p = sql.placeholder;
  return selectRows(db)
    .where(
      and(
        shape.threadId ? eq(checkpoints.threadId, p('threadId')) : undefined,
        shape.checkpointNs ? eq(checkpoints.checkpointNs, p('checkpointNs')) : undefined,
        shape.checkpointId ? eq(checkpoints.checkpointId, p('checkpointId')) : undefined,
        shape.filter ? sql`${checkpoints.metadata} @> ${p('filter')}::jsonb` : undefined,
        shape.before ? sql`${checkpoints.checkpointId} < ${p('before')}` : undefined,
        shape.after
          ? sql`(${checkpoints.checkpointId}, ${checkpoints.threadId}, ${checkpoints.checkpointNs}) < (${p('afterId')}, ${p('afterThread')}, ${p('afterNs')})`
          : undefined,
      ),
    )
    .orderBy(desc(checkpoints.checkpointId), desc(checkpoints.threadId), desc(checkpoints.checkpointNs))
    .limit(p('limit'))
    .prepare(name);
}

/** `list` pages: one prepared statement per combination of filters used, built on first use. */
export function prepareListQueries(db: Database) {
  const statements = new Map<string, ReturnType<typeof buildListStatement>>();
  return {
    async page(args: ListArgs): Promise<TupleRow[]> {
      const shape: Shape = {
        threadId: args.threadId !== undefined,
        checkpointNs: args.checkpointNs !== undefined,
        checkpointId: args.checkpointId !== undefined,
        filter: args.filter !== undefined,
        before: args.before !== undefined,
        after: args.after !== undefined,
      };
      const key = Object.values(shape).map(Number).join('');
      let statement = statements.get(key);
      if (statement === undefined) {
        statement = buildListStatement(db, shape, `flowcraft_checkpoint_list_${key}`);
        statements.set(key, statement);
      }
      const { after, ...rest } = args;
      return statement.execute({
        ...rest,
        afterId: after?.checkpointId,
        afterThread: after?.threadId,
        afterNs: after?.checkpointNs,
      });
    },
  };
}

/** Pending sends (`__pregel_tasks` writes) of parent checkpoints, for migrating checkpoints older than v4. */
export async function selectPendingSends(
  db: Database,
  threadId: string,
  checkpointNs: string,
  parentIds: string[],
  tasksChannel: string,
) {
  return db
    .select({ checkpointId: checkpointWrites.checkpointId, type: checkpointWrites.type, blob: checkpointWrites.blob })
    .from(checkpointWrites)
    .where(
      and(
        eq(checkpointWrites.threadId, threadId),
        eq(checkpointWrites.checkpointNs, checkpointNs),
        sql`${checkpointWrites.checkpointId} in ${parentIds}`,
        eq(checkpointWrites.channel, tasksChannel),
      ),
    )
    .orderBy(checkpointWrites.checkpointId, checkpointWrites.taskPath, checkpointWrites.taskId, checkpointWrites.idx);
}
