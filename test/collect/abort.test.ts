import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { onAbort } from '../../src/collect/abort.js';
import { RequestBudget } from '../../src/collect/budget.js';
import { sleep } from '../../src/collect/retry.js';

describe('one abort listener per signal', () => {
  it('200 pending sleeps and budget waits hold one listener; it goes when they end', async () => {
    const controller = new AbortController();
    const budget = new RequestBudget(1000, 1);
    const waits = [...Array.from({ length: 100 }, (_, i) => sleep(5 + (i % 10), controller.signal)), ...Array.from({ length: 100 }, () => budget.take(controller.signal))];
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    await Promise.all(waits);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('an abort reaches every pending wait, once, and leaves nothing on the signal', async () => {
    const controller = new AbortController();
    const budget = new RequestBudget(1, 1);
    await budget.take(controller.signal);
    const waits = [...Array.from({ length: 20 }, () => sleep(60_000, controller.signal)), ...Array.from({ length: 20 }, () => budget.take(controller.signal))];
    const settled = Promise.allSettled(waits);
    controller.abort(new Error('interrupted'));
    const results = await settled;
    expect(results.every((result) => result.status === 'rejected' && (result.reason as Error).message === 'interrupted')).toBe(true);
    expect(budget.waiting).toBe(0);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('unsubscribing twice, or the same callback subscribed twice, stays consistent', () => {
    const controller = new AbortController();
    let calls = 0;
    const callback = () => calls++;
    const first = onAbort(controller.signal, callback);
    const second = onAbort(controller.signal, callback);
    first();
    first();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort();
    expect(calls).toBe(1);
    second();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});
