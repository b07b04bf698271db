// A fixed number of workers over a list: at most `limit` calls in flight,
// and a slow one holds up only its own worker (chunks of `limit` would wait
// for each chunk's slowest call before starting the next).

/** Runs `work` over `items` with at most `limit` running at once; results in the items' order. */
export async function eachBounded<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await work(items[i]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
