/** A deterministic clock for fakes: each call is one second after the previous. */
export function steppingClock(start = Date.parse('2025-01-01T00:00:00.000Z')): () => string {
  let t = start;
  return () => {
    const now = new Date(t).toISOString();
    t += 1000;
    return now;
  };
}
