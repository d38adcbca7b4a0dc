import { FlowError } from '@flowcraft/schema';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { McpServerConfig } from './mcp-config.js';

/** How much of a stdio server's stderr is kept to explain a failure. */
const STDERR_TAIL_CHARS = 2000;

export interface McpConnection {
  client: Client;
  /** The last lines the server printed to stderr (stdio with `stderr: 'pipe'`), for error messages. */
  stderrTail(): string;
  close(): Promise<void>;
}

class TailBuffer {
  private text = '';
  push(chunk: unknown): void {
    this.text = (this.text + String(chunk)).slice(-STDERR_TAIL_CHARS);
  }
  toString(): string {
    return this.text.trim();
  }
}

/** Remembers the child's pid: the SDK forgets it as soon as it starts closing. */
class TrackedStdioTransport extends StdioClientTransport {
  spawnedPid: number | undefined;
  override async start(): Promise<void> {
    await super.start();
    this.spawnedPid = this.pid ?? undefined;
  }
}

/**
 * After a failed handshake the SDK closes the transport in the background (stdin EOF, then
 * SIGTERM after 2 s); a server that ignores EOF would outlive a short-lived engine. It failed:
 * stop it now.
 */
function killChild(transport: Transport): void {
  if (!(transport instanceof TrackedStdioTransport) || transport.spawnedPid === undefined) return;
  try {
    process.kill(transport.spawnedPid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function createTransport(server: McpServerConfig, stderr: TailBuffer): Transport {
  if (server.transport === 'http') {
    return new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: server.headers } });
  }
  const transport = new TrackedStdioTransport({
    command: server.command,
    args: server.args,
    env: server.env,
    ...(server.cwd === undefined ? {} : { cwd: server.cwd }),
    stderr: server.stderr,
  });
  // A PassThrough available before start(); it must be drained or the child blocks on a full pipe.
  transport.stderr?.on('data', (chunk: unknown) => stderr.push(chunk));
  return transport;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Starts or reaches one MCP server and completes the `initialize` handshake within
 * `connectTimeoutMs`. Throws FlowError('tool_error', retryable) naming the server, with the
 * tail of its stderr when it printed any; `cancelled` when `signal` aborts.
 */
export async function connectMcpServer(server: McpServerConfig, signal?: AbortSignal): Promise<McpConnection> {
  const stderr = new TailBuffer();
  const transport = createTransport(server, stderr);
  const client = new Client({ name: 'flowcraft-engine', version: '0.1.0' });
  const timeout = AbortSignal.timeout(server.connectTimeoutMs);
  const connectSignal = signal ? AbortSignal.any([signal, timeout]) : timeout;
  try {
    await client.connect(transport, { timeout: server.connectTimeoutMs, signal: connectSignal });
  } catch (err) {
    killChild(transport);
    await client.close().catch(() => undefined);
    if (signal?.aborted)
      throw new FlowError('cancelled', `Connecting to MCP server "${server.name}" was cancelled`, { cause: err });
    const timedOut = timeout.aborted || (err instanceof McpError && err.code === Number(ErrorCode.RequestTimeout));
    const reason = timedOut ? `no answer within ${server.connectTimeoutMs} ms` : messageOf(err);
    const tail = stderr.toString();
    throw new FlowError(
      'tool_error',
      `Could not connect to MCP server "${server.name}": ${reason}${tail ? `; its stderr: ${tail}` : ''}`,
      {
        retryable: true,
        details: { server: server.name, phase: 'connect', ...(tail ? { stderr: tail } : {}) },
        cause: err,
      },
    );
  }
  return {
    client,
    stderrTail: () => stderr.toString(),
    close: async () => {
      await client.close().catch(() => undefined);
    },
  };
}
