/**
 * Thrown by the scripted model for an `error` reply. Carries `status` like provider SDK errors
 * (e.g. OpenAI's `APIError`) so retry classification treats both the same way.
 */
export class ScriptedModelError extends Error {
  readonly status: number | undefined;
  readonly nodeId: string;
  constructor(message: string, opts: { status?: number; nodeId: string }) {
    super(message);
    this.name = 'ScriptedModelError';
    this.status = opts.status;
    this.nodeId = opts.nodeId;
  }
}
