import type { Context } from 'hono';
import type { OpenAPIHono as Hono } from '@hono/zod-openapi';
import { FlowError } from '@flowcraft/schema';
import { finalValues, launchRun, waitForStop } from './launch.js';
import { toLgRun } from './mappers.js';
import type { AgentServerDeps } from './request.js';
import { body, notFound } from './request.js';
import { parseEventId, runPath, streamRun } from './sse.js';
import { RunCreateBody, StreamMode } from './wire.js';

function modesOf(req: RunCreateBody): StreamMode[] {
  const m = req.stream_mode ?? ['values'];
  return Array.isArray(m) ? m : [m];
}

/** `POST /threads/{id}/runs[/stream|/wait]` and the stateless `/runs[...]`, plus a thread's runs. */
export function registerRunRoutes(app: Hono, deps: AgentServerDeps): void {
  const create = async (c: Context, threadId: string | undefined) => {
    const req = await body(c, RunCreateBody);
    const { run } = await launchRun(deps, threadId, req);
    c.header('Content-Location', runPath(run));
    return c.json(toLgRun(run, { ...(req.metadata ? { metadata: req.metadata } : {}) }), 200);
  };
  const stream = async (c: Context, threadId: string | undefined) => {
    const req = await body(c, RunCreateBody);
    const { run, afterSeq } = await launchRun(deps, threadId, req);
    return streamRun(c, deps, {
      run,
      modes: modesOf(req),
      afterSeq,
      resumable: req.stream_resumable === true,
      ...(req.on_disconnect ? { onDisconnect: req.on_disconnect } : {}),
    });
  };
  const wait = async (c: Context, threadId: string | undefined) => {
    const req = await body(c, RunCreateBody);
    const { run, afterSeq } = await launchRun(deps, threadId, req);
    const abort = new AbortController();
    c.req.raw.signal.addEventListener('abort', () => {
      abort.abort();
      if (req.on_disconnect === 'cancel') deps.runs.cancel(run.id, 'client disconnected').catch(() => undefined);
    });
    const last = await waitForStop(deps, run.id, afterSeq, abort.signal);
    c.header('Content-Location', runPath(run));
    return c.json(await finalValues(deps, run, last), 200);
  };

  app.post('/threads/:threadId/runs', (c) => create(c, c.req.param('threadId')));
  app.post('/threads/:threadId/runs/stream', (c) => stream(c, c.req.param('threadId')));
  app.post('/threads/:threadId/runs/wait', (c) => wait(c, c.req.param('threadId')));
  app.post('/runs', (c) => create(c, undefined));
  app.post('/runs/stream', (c) => stream(c, undefined));
  app.post('/runs/wait', (c) => wait(c, undefined));

  const runOf = async (c: Context) => {
    const run = await deps.runs.get(c.req.param('runId') ?? '');
    if (run === undefined || run.threadId !== c.req.param('threadId'))
      notFound(`Run "${c.req.param('runId')}" does not exist on thread "${c.req.param('threadId')}".`);
    return run;
  };

  app.get('/threads/:threadId/runs', async (c) => {
    const limit = Math.min(Math.max(Number(c.req.query('limit') ?? 10) || 10, 1), 100);
    const offset = Math.max(Number(c.req.query('offset') ?? 0) || 0, 0);
    const page = await deps.runs.list({ threadId: c.req.param('threadId'), limit: Math.min(offset + limit, 100) });
    return c.json(
      page.items.slice(offset, offset + limit).map((r) => toLgRun(r)),
      200,
    );
  });

  app.get('/threads/:threadId/runs/:runId', async (c) => c.json(toLgRun(await runOf(c)), 200));

  app.post('/threads/:threadId/runs/:runId/cancel', async (c) => {
    const run = await runOf(c);
    await deps.runs.cancel(run.id, `cancelled (${c.req.query('action') ?? 'interrupt'})`);
    if (c.req.query('wait') === '1' || c.req.query('wait') === 'true') {
      await waitForStop(deps, run.id, run.lastSeq, AbortSignal.timeout(60_000));
      return c.body(null, 204);
    }
    return c.body(null, 202);
  });

  app.get('/threads/:threadId/runs/:runId/join', async (c) => {
    const run = await runOf(c);
    const last = await waitForStop(deps, run.id, run.lastSeq > 0 ? run.lastSeq - 1 : 0, c.req.raw.signal);
    return c.json(await finalValues(deps, run, last), 200);
  });

  app.get('/threads/:threadId/runs/:runId/stream', async (c) => {
    const run = await runOf(c);
    const requested = c.req.queries('stream_mode') ?? [];
    const modes = requested.flatMap((m) => {
      const parsed = StreamMode.safeParse(m);
      return parsed.success ? [parsed.data] : [];
    });
    if (requested.length > modes.length)
      throw new FlowError('invalid_request', `Unknown stream_mode in ${requested.join(', ')}.`);
    const resumeFrom = parseEventId(c.req.header('Last-Event-ID'));
    const onDisconnect = c.req.query('cancel_on_disconnect') === '1' ? ('cancel' as const) : ('continue' as const);
    return streamRun(c, deps, {
      run,
      modes: modes.length > 0 ? modes : ['values'],
      afterSeq: 0,
      resumable: true,
      ...(resumeFrom ? { resumeFrom } : {}),
      onDisconnect,
    });
  });
}
