import { FlowError } from '@flowcraft/schema';

/** Test helper: the FlowError a promise rejects with (fails if it resolves or rejects otherwise). */
export async function flowError(promise: Promise<unknown>): Promise<FlowError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof FlowError)) throw new Error(`expected a FlowError, got ${String(err)}`);
  return err;
}
