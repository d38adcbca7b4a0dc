/**
 * Measures how long the event loop stays blocked while `fn` runs: a timer asks to fire every
 * `intervalMs`; the largest delay past that is the longest stretch the loop could not turn.
 * Used by the expression tests (an outcome: the loop stayed responsive) and bench/expression-budget.ts.
 */
export async function withLagProbe<T>(
  fn: () => Promise<T>,
  intervalMs = 5,
): Promise<{ value: T | undefined; error: unknown; maxLagMs: number; elapsedMs: number }> {
  let maxLagMs = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    maxLagMs = Math.max(maxLagMs, now - last - intervalMs);
    last = now;
  }, intervalMs);
  const t0 = performance.now();
  let value: T | undefined;
  let error: unknown;
  try {
    value = await fn();
  } catch (err) {
    error = err;
  }
  const elapsedMs = performance.now() - t0;
  // One more tick, so a block at the very end is measured too.
  await new Promise((resolve) => setTimeout(resolve, intervalMs * 2));
  clearInterval(timer);
  return { value, error, maxLagMs, elapsedMs };
}
