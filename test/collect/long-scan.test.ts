import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectSnapshot } from '../../src/collect/index.js';
import { DEMO_CREDENTIALS, generateEstate, startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { readSnapshot } from '../../src/model/snapshot-file.js';
import type { Estate } from '../../src/model/snapshot.js';
import { configureLog } from '../../src/util/log.js';
import { canonicalAccounts, withTempDir } from './helpers.js';

/**
 * Collections that outlive their STS sessions, and many accounts under one request budget.
 *
 * The issue asks for 20-second sessions during a collection of over a minute; the suite runs the
 * same scenario scaled down (3-second sessions, a collection of ~10 s, so more than three sessions
 * per account) to stay fast. `npx tsx bench/organisations.ts --sessions` runs the full-size one.
 */
const LIFETIME_S = 3;

/** Two accounts (the second entered through AssumeRole) × 2 regions, ~40 groups per region: ~10 s at 4 requests/s per API. */
const estate = generateEstate({ instances: 60, groups: 160, rulesPerGroup: 3, accounts: 2, regions: 2, prefixLists: 2, seed: 7 });
const accounts = estate.accounts.map((account, index) => (index === 0 ? { accountId: account.accountId } : { accountId: account.accountId, alias: account.alias, roleArn: `acs:ram::${account.accountId}:role/sgaudit-readonly` }));
const member = estate.accounts[1]!.accountId;
/** ~5 s at 4 requests/s per API: long enough to outlive one 2-second session. */
const small = generateEstate({ instances: 30, groups: 80, rulesPerGroup: 2, accounts: 2, regions: 2, seed: 8 });
const smallAccounts = small.accounts.map((account, index) => (index === 0 ? { accountId: account.accountId } : { accountId: account.accountId, roleArn: `acs:ram::${account.accountId}:role/sgaudit-readonly` }));
const smallMember = small.accounts[1]!.accountId;

let reference: unknown;
beforeAll(async () => {
  configureLog({ level: 'quiet' });
  const faultFree = await startEmulator({ estate });
  try {
    await withTempDir(async (dir) => {
      const result = await collectSnapshot({ endpoint: faultFree.url, credentials: DEMO_CREDENTIALS, accounts, out: join(dir, 'reference.jsonl.gz') });
      expect(result.header.coverage.every((entry) => entry.status === 'complete')).toBe(true);
      reference = canonicalAccounts((await readSnapshot(result.path)).accounts);
    });
  } finally {
    await faultFree.close();
  }
});
afterAll(() => configureLog({ level: 'normal' }));

async function collectWithShortSessions(expireEarlyMs: number) {
  const emulator = await startEmulator({ estate, sts: { lifetimeSeconds: LIFETIME_S, expireEarlyMs }, faults: { rateLimit: 4, rateLimitBurst: 2 } });
  try {
    return await withTempDir(async (dir) => {
      const result = await collectSnapshot({ endpoint: emulator.url, credentials: DEMO_CREDENTIALS, accounts, out: join(dir, 'long.jsonl.gz') });
      return { result, snapshot: await readSnapshot(result.path), requests: emulator.requests(), sessions: emulator.stsSessions() };
    });
  } finally {
    await emulator.close();
  }
}

describe('STS sessions shorter than the collection', () => {
  it.concurrent('3 s sessions, a ~10 s throttled collection: each renewed before it expired, nothing refused, nothing lost, the fault-free snapshot', async () => {
    const { result, snapshot, requests, sessions } = await collectWithShortSessions(0);
    expect(result.stats.durationMs).toBeGreaterThan(3 * LIFETIME_S * 1000);
    expect(result.stats.throttled).toBeGreaterThan(20);
    // At least one session per lifetime that passed, each obtained before the one before it ran out.
    const own = sessions.filter((session) => session.accountId === member);
    expect(own.length).toBeGreaterThanOrEqual(Math.floor(result.stats.durationMs / (LIFETIME_S * 1000)));
    for (let i = 1; i < own.length; i++) expect(own[i]!.issuedAt, `session ${i + 1}`).toBeLessThan(own[i - 1]!.expiresAt);
    expect(result.stats.sessions).toBe(own.length);
    expect(snapshot.coverage.find((entry) => entry.accountId === member && entry.api === 'AssumeRole')).toMatchObject({ status: 'complete', items: own.length, requests: own.length });
    // No request was signed with an expired session, and every request of the member used a session that was valid.
    expect(requests.filter((request) => request.code?.startsWith('InvalidSecurityToken'))).toEqual([]);
    expect(result.stats.renewedAfterExpiry).toBe(0);
    const byKey = new Map(own.map((session) => [session.accessKeyId, session]));
    const memberCalls = requests.filter((request) => request.accountId === member && request.product === 'ecs');
    expect(memberCalls.length).toBeGreaterThan(40);
    expect(new Set(memberCalls.map((request) => request.accessKeyId)).size).toBeGreaterThanOrEqual(3);
    for (const request of memberCalls) expect(byKey.has(request.accessKeyId)).toBe(true);

    expect(snapshot.coverage.filter((entry) => entry.status !== 'complete')).toEqual([]);
    expect(canonicalAccounts(snapshot.accounts)).toEqual(reference);
  });

  it.concurrent('a client clock 1 s behind STS: requests refused as expired get a new session and are tried once more; nothing lost', async () => {
    const { result, snapshot, requests } = await collectWithShortSessions(1_000);
    const expired = requests.filter((request) => request.code === 'InvalidSecurityToken.Expired');
    expect(expired.length).toBeGreaterThan(0);
    expect(result.stats.renewedAfterExpiry).toBe(expired.length);
    // Each refused request was sent again, with other keys, and answered.
    for (const refused of expired) {
      const again = requests.find((request) => request.seq > refused.seq && request.action === refused.action && request.accessKeyId !== refused.accessKeyId && JSON.stringify(request.params) === JSON.stringify(refused.params) && request.status === 200);
      expect(again, `${refused.action} #${refused.seq}`).toBeDefined();
    }
    expect(snapshot.coverage.filter((entry) => entry.status !== 'complete')).toEqual([]);
    expect(canonicalAccounts(snapshot.accounts)).toEqual(reference);
  });

  it.concurrent('a session that cannot be renewed: the member’s requests after its expiry are recorded with the AssumeRole refusal; the other account completes', async () => {
    const faults: { rateLimit: number; rateLimitBurst: number; denyAssumeRoleAccounts: string[] } = { rateLimit: 4, rateLimitBurst: 2, denyAssumeRoleAccounts: [] };
    const emulator = await startEmulator({ estate: small, sts: { lifetimeSeconds: 2 }, faults });
    try {
      await withTempDir(async (dir) => {
        const running = collectSnapshot({ endpoint: emulator.url, credentials: DEMO_CREDENTIALS, accounts: smallAccounts, retry: { maxAttempts: 2, baseDelayMs: 10 }, out: join(dir, 'revoked.jsonl.gz') });
        // Once the first session is out, the role stops trusting the caller.
        await expect.poll(() => emulator.stsSessions().length, { timeout: 5_000, interval: 20 }).toBe(1);
        faults.denyAssumeRoleAccounts.push(smallMember);
        const result = await running;
        const own = result.header.coverage.filter((entry) => entry.accountId === smallMember && entry.api !== 'AssumeRole');
        const failed = own.filter((entry) => entry.status !== 'complete');
        expect(failed.length).toBeGreaterThan(0);
        for (const entry of failed) {
          expect(entry).toMatchObject({ code: 'NoPermission', requestId: expect.stringMatching(/^[0-9A-F-]{36}$/) });
          expect(entry.message).toMatch(/^the STS session could not be renewed \(AssumeRole NoPermission\): /);
        }
        const other = result.header.coverage.filter((entry) => entry.accountId !== smallMember);
        expect(other.every((entry) => entry.status === 'complete')).toBe(true);
        expect(result.header.coverage.find((entry) => entry.accountId === smallMember && entry.api === 'AssumeRole')).toMatchObject({ status: 'complete', items: 1 });
      });
    } finally {
      await emulator.close();
    }
  });
});

describe('accounts in parallel under one request budget', () => {
  const many: Estate = generateEstate({ instances: 48, groups: 36, rulesPerGroup: 2, accounts: 6, regions: 2, prefixLists: 1, seed: 5 });
  const roles = many.accounts.map((account, index) => (index === 0 ? { accountId: account.accountId } : { accountId: account.accountId, roleArn: `acs:ram::${account.accountId}:role/r` }));
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startEmulator({ estate: many, faults: { latencyMs: 40 } });
  });
  afterAll(() => emulator.close());

  it('6 accounts at once: the whole run keeps to 30 requests/s (burst 30), accounts overlap, nothing lost', async () => {
    await withTempDir(async (dir) => {
      const since = emulator.requests().length;
      const result = await collectSnapshot({ endpoint: emulator.url, credentials: DEMO_CREDENTIALS, accounts: roles, rateLimit: 30, concurrency: { accounts: 6 }, out: join(dir, 'budget.jsonl.gz') });
      const requests = emulator.requests().slice(since);
      expect(result.header.coverage.filter((entry) => entry.status !== 'complete')).toEqual([]);
      expect(canonicalAccounts((await readSnapshot(result.path)).accounts)).toEqual(canonicalAccounts(many.accounts));
      // The budget: after the first burst, no 1-second window holds more than the rate (+1 for timer rounding).
      const times = requests.map((request) => request.at).sort((a, b) => a - b);
      expect(times.length).toBe(result.stats.requests);
      const start = times[0] as number;
      let busiest = 0;
      for (let i = 0, j = 0; j < times.length; j++) {
        while ((times[j] as number) - (times[i] as number) >= 1000) i++;
        if ((times[i] as number) - start >= 1000) busiest = Math.max(busiest, j - i + 1);
      }
      expect(busiest).toBeLessThanOrEqual(31);
      expect(((times.at(-1) as number) - start) / 1000).toBeGreaterThanOrEqual((times.length - 30) / 30 - 0.1);
      // …and it is used: well above what one account at a time would reach.
      expect(busiest).toBeGreaterThanOrEqual(24);
      // Accounts are collected side by side, not one after another.
      const spans = many.accounts.map((account) => {
        const own = requests.filter((request) => request.accountId === account.accountId && request.product === 'ecs').map((request) => request.at);
        return [Math.min(...own), Math.max(...own)] as const;
      });
      const overlapping = spans.filter(([from]) => spans.every(([, to]) => from < to)).length;
      expect(overlapping).toBe(6);
    });
  });

  it('perAccount bounds one account’s requests in flight across its regions', async () => {
    await withTempDir(async (dir) => {
      const since = emulator.requests().length;
      await collectSnapshot({ endpoint: emulator.url, credentials: DEMO_CREDENTIALS, accounts: [roles[0]!], concurrency: { perAccount: 2 }, out: join(dir, 'one.jsonl.gz') });
      const times = emulator.requests().slice(since).filter((request) => request.product === 'ecs').map((request) => request.at).sort((a, b) => a - b);
      // Every answer takes ≥ 40 ms: arrivals closer together than that overlap in flight.
      let most = 0;
      for (let i = 0, j = 0; j < times.length; j++) {
        while ((times[j] as number) - (times[i] as number) >= 35) i++;
        most = Math.max(most, j - i + 1);
      }
      expect(times.length).toBeGreaterThan(10);
      expect(most).toBeLessThanOrEqual(2);
    });
  });
});
