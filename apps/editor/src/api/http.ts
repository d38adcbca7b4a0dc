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
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
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

/** The session's CSRF token (the readable `flowcraft_csrf` cookie set at sign-in), sent on every write. */
function csrfToken(): string | undefined {
  if (typeof document === 'undefined') return undefined;
  const match = /(?:^|;\s*)flowcraft_csrf=([^;]+)/.exec(document.cookie);
  return match?.[1] ? decodeURIComponent(match[1]) : undefined;
}

let onUnauthorized: (() => void) | undefined;
/** Called when a request answers 401 (the session ended): the app shows the sign-in page. */
export function setUnauthorizedHandler(handler: (() => void) | undefined): void {
  onUnauthorized = handler;
}

/** Call the engine and parse the JSON answer with `schema`; throws `ApiError` on an HTTP error. */
export async function request<T>(path: string, schema: z.ZodType<T>, opts: RequestOptions = {}): Promise<T> {
  const method = opts.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  const init: RequestInit = { method, headers, credentials: 'same-origin' };
  if (opts.signal) init.signal = opts.signal;
  if (method !== 'GET') {
    const csrf = csrfToken();
    if (csrf) headers['x-csrf-token'] = csrf;
  }
  if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(opts.body);
  }
  const res = await fetch(urlOf(path, opts.query), init);
  if (res.status === 401 && !path.startsWith('/v1/auth/')) onUnauthorized?.();
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
