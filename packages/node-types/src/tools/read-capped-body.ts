import { FlowError } from '@flowcraft/schema';
import { formatBytes } from './format-bytes.js';

function tooLarge(limitBytes: number, where: string): FlowError {
  return new FlowError('http_error', `The response body from ${where} exceeds the ${formatBytes(limitBytes)} limit`, {
    retryable: false,
    details: { limitBytes },
  });
}

/**
 * Reads a response body, giving up (and cancelling the stream) as soon as it exceeds
 * `limitBytes`. A declared Content-Length over the limit fails before any byte is read.
 */
export async function readCappedBody(response: Response, limitBytes: number, where: string): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limitBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge(limitBytes, where);
  }
  if (response.body === null) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limitBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(limitBytes, where);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
