/** Anything with Hono's `request()`. */
export interface Requestable {
  request(input: string, init?: RequestInit): Response | Promise<Response>;
}

export interface CallResult {
  status: number;
  headers: Headers;
  /** Parsed JSON, or the text when the body is not JSON, or null when empty. */
  body: unknown;
}

/** Send a request through `app.request()`; a `json` body is serialized with its content type. */
export async function call(
  app: Requestable,
  method: string,
  path: string,
  init: { json?: unknown; body?: string; headers?: Record<string, string> } = {},
): Promise<CallResult> {
  const headers: Record<string, string> = { ...init.headers };
  let body = init.body;
  if (init.json !== undefined) {
    body = JSON.stringify(init.json);
    headers['Content-Type'] ??= 'application/json';
  }
  const res = await app.request(path, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await res.text();
  let parsed: unknown = text === '' ? null : text;
  if (text !== '' && /json/.test(res.headers.get('Content-Type') ?? '')) parsed = JSON.parse(text);
  return { status: res.status, headers: res.headers, body: parsed };
}
