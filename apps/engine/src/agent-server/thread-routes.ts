import type { Context } from 'hono';
import type { OpenAPIHono as Hono } from '@hono/zod-openapi';
import { FlowError } from '@flowcraft/schema';
import type { ThreadState } from '@flowcraft/schema';
import type { ThreadRecord } from '../http/deps.js';
import { lgMetadata, toLgState, toLgThread } from './mappers.js';
import type { AgentServerDeps } from './request.js';
import { body, notFound, unsupported } from './request.js';
import {
  HistoryBody,
  StateCheckpointBody,
  ThreadCreateBody,
  ThreadPatchBody,
  ThreadSearchBody,
  UpdateStateBody,
} from './wire.js';

const HISTORY_PAGE = 100;

/** A thread's state before its first checkpoint. */
function emptyState(threadId: string, createdAt: string) {
  return {
    values: {},
    next: [],
    checkpoint: { thread_id: threadId, checkpoint_ns: '', checkpoint_id: null, checkpoint_map: null },
    metadata: {},
    created_at: createdAt,
    parent_checkpoint: null,
    tasks: [],
  };
}

const contains = (have: Record<string, unknown>, want: Record<string, unknown>) =>
  Object.entries(want).every(([k, v]) => JSON.stringify(have[k]) === JSON.stringify(v));

/** Threads: create, get, patch, search, state (latest, at a checkpoint, update as a node), history. */
export function registerThreadRoutes(app: Hono, deps: AgentServerDeps): void {
  const describe = async (record: ThreadRecord) => {
    const [latest] = (await deps.runs.list({ threadId: record.id, limit: 1 })).items;
    const state = latest === undefined ? undefined : await deps.threads.getState(record.id);
    return toLgThread(record, latest, state);
  };
  const recordOf = async (c: Context) => {
    const id = c.req.param('threadId') ?? '';
    const record = await deps.threadRecords.get(id);
    if (record === undefined) notFound(`Thread "${id}" does not exist.`);
    return record;
  };

  app.post('/threads', async (c) => {
    const req = await body(c, ThreadCreateBody);
    const metadata = Object.fromEntries(Object.entries(req.metadata ?? {}).filter(([, v]) => v !== undefined));
    if (req.thread_id !== undefined) {
      const existing = await deps.threadRecords.get(req.thread_id);
      if (existing !== undefined) {
        if (req.if_exists === 'do_nothing') return c.json(await describe(existing), 200);
        throw new FlowError('conflict', `Thread "${req.thread_id}" already exists.`);
      }
    }
    const record = await deps.threadRecords.create({
      ...(req.thread_id === undefined ? {} : { id: req.thread_id }),
      metadata,
    });
    return c.json(await describe(record), 200);
  });

  app.post('/threads/search', async (c) => {
    const req = await body(c, ThreadSearchBody);
    const limit = req.limit ?? 10;
    const offset = req.offset ?? 0;
    // Status comes from the runs, so a status filter reads a wider window and filters here.
    const records = await deps.threadRecords.search({
      ...(req.metadata ? { metadata: req.metadata } : {}),
      ...(req.ids ? { ids: req.ids } : {}),
      limit: req.status ? 1000 : limit,
      offset: req.status ? 0 : offset,
    });
    const threads = await Promise.all(records.map(describe));
    const picked = req.status ? threads.filter((t) => t.status === req.status).slice(offset, offset + limit) : threads;
    return c.json(picked, 200);
  });

  app.get('/threads/:threadId', async (c) => c.json(await describe(await recordOf(c)), 200));

  app.patch('/threads/:threadId', async (c) => {
    const record = await recordOf(c);
    const req = await body(c, ThreadPatchBody);
    const updated = req.metadata ? await deps.threadRecords.mergeMetadata(record.id, req.metadata) : record;
    return c.json(await describe(updated ?? record), 200);
  });

  app.delete('/threads/:threadId', () => unsupported('Deleting a thread'));
  app.post('/threads/:threadId/copy', () => unsupported('Copying a thread'));

  app.get('/threads/:threadId/state', async (c) => {
    const record = await recordOf(c);
    const state = await deps.threads.getState(record.id);
    return c.json(state ? toLgState(state) : emptyState(record.id, record.createdAt), 200);
  });

  const stateAt = async (threadId: string, checkpointId: string) => {
    const state = await deps.threads.getStateAt(threadId, checkpointId);
    if (state === undefined) notFound(`Thread "${threadId}" has no checkpoint "${checkpointId}".`);
    return toLgState(state);
  };
  app.get('/threads/:threadId/state/:checkpointId', async (c) => {
    const record = await recordOf(c);
    return c.json(await stateAt(record.id, c.req.param('checkpointId')), 200);
  });
  app.post('/threads/:threadId/state/checkpoint', async (c) => {
    const record = await recordOf(c);
    const req = await body(c, StateCheckpointBody);
    if (req.checkpoint.checkpoint_id === undefined) {
      const state = await deps.threads.getState(record.id);
      return c.json(state ? toLgState(state) : emptyState(record.id, record.createdAt), 200);
    }
    return c.json(await stateAt(record.id, req.checkpoint.checkpoint_id), 200);
  });

  app.post('/threads/:threadId/state', async (c) => {
    const record = await recordOf(c);
    const req = await body(c, UpdateStateBody);
    if (deps.debug === undefined) unsupported('Updating state');
    if (Array.isArray(req.values)) unsupported('A list of state updates');
    const checkpointId = req.checkpoint_id ?? req.checkpoint?.checkpoint_id;
    const state = await deps.debug.updateState(record.id, {
      values: req.values ?? {},
      ...(checkpointId === undefined ? {} : { checkpointId }),
      ...(req.as_node === undefined ? {} : { asNode: req.as_node }),
    });
    if (state === undefined) notFound(`Thread "${record.id}" has no state to update yet.`);
    const ref = { thread_id: record.id, checkpoint_ns: '', checkpoint_id: state.checkpointId };
    // The server's answer is `{checkpoint}`; the SDK's type says `{configurable}`: both are given.
    return c.json({ checkpoint: ref, configurable: ref }, 200);
  });

  /** Newest first: after `before` (exclusive) or from `at` (inclusive), matching `metadata`. */
  const history = async (
    threadId: string,
    q: { limit: number; before?: string; at?: string; metadata?: Record<string, unknown> },
  ) => {
    const out: ThreadState[] = [];
    let taking = q.before === undefined && q.at === undefined;
    let cursor: string | undefined;
    do {
      const page = await deps.threads.history(threadId, { limit: HISTORY_PAGE, ...(cursor ? { cursor } : {}) });
      if (page === undefined) break;
      for (const state of page.items) {
        if (!taking && state.checkpointId === q.at) taking = true;
        if (taking && (q.metadata === undefined || contains(lgMetadata(state), q.metadata))) out.push(state);
        if (!taking && state.checkpointId === q.before) taking = true;
        if (out.length >= q.limit) break;
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined && out.length < q.limit);
    return out.map(toLgState);
  };

  app.post('/threads/:threadId/history', async (c) => {
    const record = await recordOf(c);
    const req = await body(c, HistoryBody);
    const before =
      typeof req.before === 'string'
        ? req.before
        : req.before && 'configurable' in req.before
          ? req.before.configurable.checkpoint_id
          : req.before?.checkpoint_id;
    const at = req.checkpoint?.checkpoint_id;
    return c.json(
      await history(record.id, {
        limit: req.limit ?? 10,
        ...(before === undefined ? {} : { before }),
        ...(at === undefined ? {} : { at }),
        ...(req.metadata === undefined ? {} : { metadata: req.metadata }),
      }),
      200,
    );
  });

  // The older GET form: `?limit=&before=<checkpoint id>`.
  app.get('/threads/:threadId/history', async (c) => {
    const record = await recordOf(c);
    const limit = Math.min(Math.max(Number(c.req.query('limit') ?? 10) || 10, 1), 1000);
    const before = c.req.query('before');
    return c.json(await history(record.id, { limit, ...(before ? { before } : {}) }), 200);
  });
}
