/**
 * The process-wide guard: a promise rejection or exception nothing handled is logged, not fatal.
 * Runs fail through their own guard (`RunExecutor`); this catches whatever escapes elsewhere
 * (a library callback, a timer) so no request can end the engine. Returns a function that removes it.
 */
export function installProcessGuard(log: (message: string, err: unknown) => void = defaultLog): () => void {
  const onRejection = (reason: unknown) => log('Unhandled promise rejection (the engine keeps running)', reason);
  const onException = (err: unknown) => log('Uncaught exception (the engine keeps running)', err);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  };
}

function defaultLog(message: string, err: unknown): void {
  console.error(
    `${new Date().toISOString()} ERROR ${message}:`,
    err instanceof Error ? (err.stack ?? err.message) : err,
  );
}
