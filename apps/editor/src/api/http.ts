import { z } from 'zod';
import { ErrorCode, Problem } from '@flowcraft/schema';

/** The engine's `application/problem+json` body (the fields the editor uses). */
export const ProblemDetails = z.object({
  status: z.number().optional(),
  title: z.string().optional(),
  detail: z.string().optional(),
  code: z.union([ErrorCode, z.string()]).optional(),
  problems: z.array(Problem).optional(),
});
export type ProblemDetails = z.infer<typeof ProblemDetails>;

/** An HTTP error from the engine, with its stable `code` and, for 422, the document problems. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly problems: Problem[];
  constructor(status: number, body: ProblemDetails | undefined, fallback: string) {
    super(body?.detail ?? body?.title ?? fallback);
    this.name = 'ApiError';
    this.status = status;
    this.code = typeof body?.code === 'string' ? body.code : 'internal';
    this.problems = body?.problems ?? [];
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  signal?: AbortSignal;
}

/** Base URL of the engine; same origin by default (the engine serves the editor, or Vite proxies it). */
let baseUrl = '';
export function setApiBase(url: string): void {
  baseUrl = url.replace(/\/$/, '');
}

function urlOf(path: string, query: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return `${baseUrl}${path}${qs ? `?${qs}` : ''}`;
}

async function errorOf(res: Response): Promise<ApiError> {
  let body: ProblemDetails | undefined;
  try {
    const parsed = ProblemDetails.safeParse(await res.json());
    body = parsed.success ? parsed.data : undefined;
  } catch {
    body = undefined;
  }
  return new ApiError(res.status, body, `${res.status} ${res.statusText}`);
}

/** Call the engine and parse the JSON answer with `schema`; throws `ApiError` on an HTTP error. */
export async function request<T>(path: string, schema: z.ZodType<T>, opts: RequestOptions = {}): Promise<T> {
  const init: RequestInit = { method: opts.method ?? 'GET', headers: { accept: 'application/json' } };
  if (opts.signal) init.signal = opts.signal;
  if (opts.body !== undefined) {
    init.headers = { accept: 'application/json', 'content-type': 'application/json' };
    init.body = JSON.stringify(opts.body);
  }
  const res = await fetch(urlOf(path, opts.query), init);
  if (!res.ok) throw await errorOf(res);
  if (res.status === 204) return schema.parse(undefined);
  return schema.parse(await res.json());
}

/** A human sentence for any error thrown by the API layer. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return `${err.message} (${err.code})`;
  if (err instanceof Error) return err.message;
  return String(err);
}
