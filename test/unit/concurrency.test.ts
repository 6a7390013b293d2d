import { describe, expect, it } from 'vitest';
import { settleInOrder } from '../../src/concurrency.js';

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('settleInOrder', () => {
  it('runs at most `limit` at once, settles every item, and reports them in item order', async () => {
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    const results = await settleInOrder(
      [40, 5, 20, 1, 10],
      2,
      async (ms, i) => {
        running++;
        peak = Math.max(peak, running);
        await wait(ms);
        running--;
        if (i === 2) throw new Error('third fails');
        return ms;
      },
      (i) => order.push(i),
    );
    expect(peak).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([40, 5, 'third fails', 1, 10]);
  });

  it('a limit of 1 runs one after another in item order', async () => {
    const started: number[] = [];
    await settleInOrder([3, 1, 2], 1, async (ms, i) => {
      started.push(i);
      await wait(ms);
    });
    expect(started).toEqual([0, 1, 2]);
  });
});
