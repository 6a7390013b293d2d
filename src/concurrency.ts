import { availableParallelism } from 'node:os';

/** Sandboxes handled at once by default: their time is mostly waiting on the engine, so twice the CPUs, at most 8. */
export function defaultConcurrency(): number {
  return Math.max(1, Math.min(8, availableParallelism() * 2));
}

/**
 * Runs `fn` over the items, at most `limit` at a time, and settles each one (a failure does not stop
 * the others). `done(i)` is called in item order as soon as items 0..i have all settled.
 */
export async function settleInOrder<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>, done?: (index: number) => void): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  const settled = new Array<boolean>(items.length).fill(false);
  let next = 0;
  let reported = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      try {
        results[i] = { status: 'fulfilled', value: await fn(items[i], i) };
      } catch (reason) {
        results[i] = { status: 'rejected', reason };
      }
      settled[i] = true;
      for (; reported < items.length && settled[reported]; reported++) done?.(reported);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return results;
}
