/**
 * Stop gracefully on SIGINT/SIGTERM; a second signal exits at once. Returns a function that
 * removes the handlers.
 */
export function stopOnSignals(
  stop: () => Promise<void>,
  opts: { signals?: NodeJS.Signals[]; exit?: (code: number) => void; onError?: (err: unknown) => void } = {},
): () => void {
  const signals = opts.signals ?? ['SIGINT', 'SIGTERM'];
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  const handler = () => {
    if (stopping) return exit(130);
    stopping = true;
    stop().then(
      () => exit(0),
      (err: unknown) => {
        opts.onError?.(err);
        exit(1);
      },
    );
  };
  for (const signal of signals) process.on(signal, handler);
  return () => {
    for (const signal of signals) process.off(signal, handler);
  };
}
