/**
 * Calls `work` for every item with at most `concurrency` calls in flight; resolves when all have
 * settled. `work` reports its own failures (a rejection is passed to `onError`, the others go on).
 */
export async function forEachLimit<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<void>,
  onError: (err: unknown, item: T) => void = () => {},
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      const item = items[i] as T;
      try {
        await work(item, i);
      } catch (err) {
        onError(err, item);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, lane));
}
