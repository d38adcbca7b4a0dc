/**
 * Lets the event loop turn when evaluations have kept it busy for `sliceMs`: a node that evaluates
 * many expressions in a row (router rules, transform assignments, placeholders) would otherwise hold
 * the loop for the sum of their budgets, since awaiting a settled promise never yields to timers or I/O.
 */
const later: (fn: () => void) => void =
  typeof setImmediate === 'function' ? (fn) => setImmediate(fn) : (fn) => setTimeout(fn, 0);

let busySince: number | undefined;

function markBusy(): void {
  busySince = performance.now();
  later(() => {
    busySince = undefined;
  });
}

/** A promise to await when the loop should turn first; undefined (nothing to await) otherwise. */
export function yieldIfBusy(sliceMs: number): Promise<void> | undefined {
  if (busySince === undefined) {
    markBusy();
    return undefined;
  }
  if (performance.now() - busySince < sliceMs) return undefined;
  return new Promise<void>((resolve) =>
    later(() => {
      if (busySince === undefined) markBusy();
      resolve();
    }),
  );
}
