import { describe, expect, it } from 'vitest';
import { RequestBudget } from '../../src/collect/budget.js';
import { isExpiredToken, withRetry, type ApiFailure } from '../../src/collect/retry.js';

const sdkError = (code: string, statusCode = 400) => Object.assign(new Error(code), { code, statusCode, data: { RequestId: `R-${code}`, Code: code } });
const POLICY = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 };

describe('expired security tokens', () => {
  it.each([
    ['InvalidSecurityToken.Expired', true],
    ['SecurityTokenExpired', true],
    ['SecurityToken.Expired', true],
    ['InvalidSecurityToken.MismatchWithAccessKey', false],
    ['InvalidAccessKeyId.NotFound', false],
    ['Throttling.User', false],
  ])('%s → %s', (code, expected) => {
    expect(isExpiredToken({ code, message: '', retryable: false, denied: true })).toBe(expected);
  });

  // Each row: the failures the call meets in turn, what renew answers, and what withRetry ends with.
  it.each<[string, string[], boolean, { value?: string; error?: string; calls: number; renewals: number }]>([
    ['expired once, renewed: tried again at once and succeeds', ['InvalidSecurityToken.Expired'], true, { value: 'ok', calls: 2, renewals: 1 }],
    ['expired twice: renewed once only, the second stands', ['InvalidSecurityToken.Expired', 'InvalidSecurityToken.Expired'], true, { error: 'InvalidSecurityToken.Expired', calls: 2, renewals: 1 }],
    ['renewal impossible: the failure stands', ['InvalidSecurityToken.Expired'], false, { error: 'InvalidSecurityToken.Expired', calls: 1, renewals: 1 }],
    ['a permission error is offered, refused, not retried', ['NoPermission'], false, { error: 'NoPermission', calls: 1, renewals: 1 }],
    ['throttling never reaches renew', ['Throttling.User', 'InvalidSecurityToken.Expired'], true, { value: 'ok', calls: 3, renewals: 1 }],
  ])('%s', async (_name, failures, renewAnswer, expected) => {
    let calls = 0;
    const offered: ApiFailure[] = [];
    const retried: string[] = [];
    const call = async () => {
      const code = failures[calls];
      calls += 1;
      if (code) throw sdkError(code);
      return 'ok';
    };
    const run = withRetry(call, POLICY, {
      renew: async (failure) => {
        offered.push(failure);
        return renewAnswer && isExpiredToken(failure);
      },
      onRetry: (failure) => retried.push(failure.code),
    });
    if (expected.error) await expect(run).rejects.toMatchObject({ failure: { code: expected.error, requestId: `R-${expected.error}` } });
    else expect((await run).value).toBe(expected.value);
    expect(calls).toBe(expected.calls);
    expect(offered).toHaveLength(expected.renewals);
    expect(offered.every((failure) => !failure.retryable)).toBe(true);
    expect(retried).toEqual(failures.slice(0, expected.calls - 1));
  });
});

describe('RequestBudget: one rate for the whole run', () => {
  it('lets a burst through at once, then spaces requests at the rate, first come first served', async () => {
    const budget = new RequestBudget(50, 5);
    const started = performance.now();
    const order: number[] = [];
    const at: number[] = [];
    await Promise.all(
      Array.from({ length: 30 }, (_, index) =>
        budget.take().then(() => {
          order.push(index);
          at.push(performance.now() - started);
        }),
      ),
    );
    expect(order).toEqual(Array.from({ length: 30 }, (_, index) => index));
    // 5 at once, 25 more at 50/s: 0.5 s; no faster than the bucket allows, and not idling either.
    expect(at.filter((ms) => ms < 15)).toHaveLength(5);
    const elapsed = at.at(-1) as number;
    expect(elapsed).toBeGreaterThanOrEqual(480);
    expect(elapsed).toBeLessThan(2_000); // generous: a shared machine may stall timers
    // Over any window, at most burst + rate × window requests started.
    for (let i = 0; i < at.length; i++) {
      for (let j = i; j < at.length; j++) expect(j - i + 1).toBeLessThanOrEqual(5 + Math.ceil(((at[j] as number) - (at[i] as number) + 2) / 20));
    }
  });

  it('an aborted waiter leaves the queue and does not use a token', async () => {
    const budget = new RequestBudget(20, 1);
    await budget.take();
    const controller = new AbortController();
    const aborted = budget.take(controller.signal);
    const next = budget.take();
    controller.abort(new Error('stop'));
    await expect(aborted).rejects.toThrow('stop');
    const started = performance.now();
    await next;
    expect(performance.now() - started).toBeLessThan(80);
    expect(budget.waiting).toBe(0);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('refuses a rate of %s', (rate) => {
    expect(() => new RequestBudget(rate)).toThrow(/positive/);
  });
});
