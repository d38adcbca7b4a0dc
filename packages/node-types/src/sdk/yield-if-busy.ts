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

export async function yieldIfBusy(sliceMs: number): Promise<void> {
  if (busySince === undefined) {
    markBusy();
    return;
  }
  if (performance.now() - busySince < sliceMs) return;
  await new Promise<void>((resolve) => later(resolve));
  if (busySince === undefined) markBusy();
}
