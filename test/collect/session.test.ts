import { describe, expect, it } from 'vitest';
import type { TemporaryCredentials } from '../../src/collect/alicloud/clients.js';
import { RefreshingCredentials } from '../../src/collect/alicloud/session.js';

/**
 * RefreshingCredentials on a fake clock: STS is a function that answers session N with keys
 * `AK-N`, valid `lifetimeMs` from when it is called (or fails, when told to).
 */
function harness(options: { lifetimeMs?: number; expiration?: boolean; refreshAt?: number } = {}) {
  const clock = { now: 1_000_000 };
  const lifetimeMs = options.lifetimeMs ?? 100_000;
  let issued = 0;
  const failures: unknown[] = [];
  let failNext = 0;
  let delayMs = 0;
  const pending: (() => void)[] = [];
  const assume = async (): Promise<TemporaryCredentials> => {
    const askedAt = clock.now;
    if (delayMs > 0) {
      // The answer comes once the test lets it (release()), after the clock moved on.
      await new Promise<void>((resolve) => pending.push(resolve));
    }
    if (failNext > 0) {
      failNext -= 1;
      throw Object.assign(new Error('Throttling.User'), { code: 'Throttling.User' });
    }
    issued += 1;
    return {
      accessKeyId: `AK-${issued}`,
      accessKeySecret: `secret-${issued}`,
      securityToken: `token-${issued}`,
      ...(options.expiration === false ? {} : { expiresAt: askedAt + lifetimeMs }),
    };
  };
  const sessions: string[] = [];
  const provider = new RefreshingCredentials(assume, {
    fallbackLifetimeMs: 50_000,
    now: () => clock.now,
    ...(options.refreshAt ? { refreshAt: options.refreshAt } : {}),
    onSession: (credentials) => sessions.push(credentials.accessKeyId),
    onRenewalFailed: (error) => failures.push(error),
  });
  const key = async () => (await provider.getCredentials()).accessKeyId;
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return {
    clock,
    provider,
    key,
    settle,
    sessions,
    failures,
    issued: () => issued,
    failTimes: (n: number) => (failNext = n),
    slow: (ms: number) => (delayMs = ms),
    release: () => pending.splice(0).forEach((resolve) => resolve()),
  };
}

describe('RefreshingCredentials', () => {
  it('hands the SDK the session keys, token and a provider name', async () => {
    const h = harness();
    await h.provider.start();
    expect(await h.provider.getCredentials()).toEqual({ accessKeyId: 'AK-1', accessKeySecret: 'secret-1', securityToken: 'token-1', providerName: 'sgaudit_assume_role' });
    expect(h.sessions).toEqual(['AK-1']);
  });

  it.each<[string, number, string, number]>([
    ['at 79 % of the lifetime: the same session, no AssumeRole', 79_000, 'AK-1', 1],
    ['at 80 %: this request still signs with the old session, a renewal runs behind it', 80_000, 'AK-1', 2],
    ['past the expiry margin: the request waits for the new session', 99_500, 'AK-2', 2],
    ['long expired: a new session', 500_000, 'AK-2', 2],
  ])('%s', async (_name, elapsed, expected, sessionsAfter) => {
    const h = harness();
    await h.provider.start();
    h.clock.now += elapsed;
    expect(await h.key()).toBe(expected);
    await h.settle();
    expect(h.issued()).toBe(sessionsAfter);
    if (sessionsAfter === 2) expect(await h.key()).toBe('AK-2');
  });

  it('renews once however many requests ask at the same time (single flight)', async () => {
    const h = harness();
    await h.provider.start();
    h.clock.now += 85_000;
    const keys = await Promise.all(Array.from({ length: 50 }, () => h.key()));
    expect(new Set(keys)).toEqual(new Set(['AK-1']));
    await h.settle();
    h.clock.now += 200_000; // the renewed session expired as well: 50 waiters, one AssumeRole
    const later = await Promise.all(Array.from({ length: 50 }, () => h.key()));
    expect(new Set(later)).toEqual(new Set(['AK-3']));
    expect(h.issued()).toBe(3);
  });

  it('measures the lifetime from when AssumeRole was asked: a slow answer shortens the session', async () => {
    const h = harness({ lifetimeMs: 10_000 });
    h.slow(1);
    const started = h.provider.start();
    await h.settle();
    h.clock.now += 6_000; // STS took 6 of the 10 seconds
    h.release();
    await started;
    h.clock.now += 2_100; // 81 % of the announced lifetime since it was asked for
    expect(await h.key()).toBe('AK-1');
    await h.settle();
    h.release();
    await h.settle();
    expect(h.issued()).toBe(2);
  });

  it('keeps a valid session when a renewal fails, says so, and tries again 5 s later', async () => {
    const h = harness();
    await h.provider.start();
    h.failTimes(1);
    h.clock.now += 80_000;
    expect(await Promise.all([h.key(), h.key(), h.key()])).toEqual(['AK-1', 'AK-1', 'AK-1']);
    await h.settle();
    expect(h.failures).toHaveLength(1); // one renewal, one report, however many requests saw it
    h.clock.now += 4_000;
    expect(await h.key()).toBe('AK-1'); // not yet
    await h.settle();
    expect(h.issued()).toBe(1);
    h.clock.now += 1_000;
    expect(await h.key()).toBe('AK-1'); // tries again, in the background
    await h.settle();
    expect(await h.key()).toBe('AK-2');
  });

  it('fails requests once the session ran out and STS still refuses', async () => {
    const h = harness();
    await h.provider.start();
    h.clock.now += 150_000;
    h.failTimes(1);
    await expect(h.key()).rejects.toMatchObject({ code: 'Throttling.User' });
    expect(await h.key()).toBe('AK-2');
  });

  it('an account whose role cannot be assumed fails at start', async () => {
    const h = harness();
    h.failTimes(1);
    await expect(h.provider.start()).rejects.toMatchObject({ code: 'Throttling.User' });
    expect(h.provider.sessions).toBe(0);
  });

  it('without an Expiration, assumes the lifetime asked for', async () => {
    const h = harness({ expiration: false });
    await h.provider.start();
    h.clock.now += 39_000;
    await h.key();
    await h.settle();
    expect(h.issued()).toBe(1);
    h.clock.now += 1_500; // 81 % of the 50 s fallback
    await h.key();
    await h.settle();
    expect(h.issued()).toBe(2);
  });

  it.each<[string, (h: ReturnType<typeof harness>) => number, boolean, number]>([
    ['a request signed with an older session: already renewed, retry without AssumeRole', () => 0, true, 1],
    ['the current session was refused: renew now', (h) => h.provider.generation, true, 2],
  ])('renew: %s', async (_name, seen, expected, issued) => {
    const h = harness();
    await h.provider.start();
    expect(await h.provider.renew(seen(h))).toBe(expected);
    expect(h.issued()).toBe(issued);
    expect(await h.key()).toBe(`AK-${issued}`);
  });

  it('renew: false when STS refuses the new session', async () => {
    const h = harness();
    await h.provider.start();
    h.failTimes(1);
    expect(await h.provider.renew(h.provider.generation)).toBe(false);
  });

  it('refuses a refresh share outside (0, 1)', () => {
    expect(() => harness({ refreshAt: 1 })).toThrow(/refreshAt/);
  });
});
