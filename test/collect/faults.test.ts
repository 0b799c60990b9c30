import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectSnapshot, type CollectOptions } from '../../src/collect/index.js';
import { DEMO_CREDENTIALS, generateEstate, startEmulator, type FaultOptions } from '../../src/emulator/index.js';
import { readSnapshot } from '../../src/model/snapshot-file.js';
import type { Estate } from '../../src/model/snapshot.js';
import { canonicalAccounts } from './helpers.js';

const estate: Estate = generateEstate({ instances: 120, groups: 60, rulesPerGroup: 6, enis: 520, eips: 110, accounts: 1, regions: 2, prefixLists: 3, seed: 23 });
const accountId = estate.accounts[0]!.accountId;
const regionIds = estate.accounts[0]!.regions.map((region) => region.regionId);

/** Fast-failing knobs so injected faults cost milliseconds, not the production defaults' seconds. */
const fastOptions: Partial<CollectOptions> = {
  accounts: [{ accountId }],
  regions: regionIds,
  timeouts: { connectMs: 1000, readMs: 800 },
  retry: { maxAttempts: 12, baseDelayMs: 10, maxDelayMs: 150 },
};

async function collectFrom(faults: FaultOptions | undefined, dir: string, name: string, overrides: Partial<CollectOptions> = {}) {
  const emulator = await startEmulator({ estate, seed: 5, ...(faults ? { faults } : {}) });
  try {
    const result = await collectSnapshot({ ...fastOptions, ...overrides, endpoint: emulator.url, credentials: DEMO_CREDENTIALS, out: join(dir, `${name}.jsonl.gz`) });
    return { result, snapshot: await readSnapshot(result.path), stats: emulator.stats() };
  } finally {
    await emulator.close();
  }
}

describe('collect under injected faults', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sgaudit-faults-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('5% throttling + 5% 5xx + resets + malformed bodies + one hung response: same snapshot as fault-free', async () => {
    const clean = await collectFrom(undefined, dir, 'clean');
    const faulty = await collectFrom({ throttleRate: 0.05, errorRate: 0.05, resetRate: 0.02, malformedRate: 0.02, hangRequests: [7], retryAfterMs: 20 }, dir, 'faulty');

    expect(faulty.stats.faults.throttle).toBeGreaterThan(0);
    expect(faulty.stats.faults.error5xx).toBeGreaterThan(0);
    expect(faulty.stats.faults.reset).toBeGreaterThan(0);
    expect(faulty.stats.faults.hang).toBe(1);
    expect(faulty.result.stats.retries).toBeGreaterThanOrEqual(faulty.stats.faults.throttle + faulty.stats.faults.error5xx + faulty.stats.faults.reset + faulty.stats.faults.hang);

    expect(faulty.result.header.coverage.filter((entry) => entry.status !== 'complete')).toEqual([]);
    expect(canonicalAccounts(faulty.snapshot.accounts)).toEqual(canonicalAccounts(clean.snapshot.accounts));
    expect(canonicalAccounts(clean.snapshot.accounts)).toEqual(canonicalAccounts(estate.accounts));
    // Coverage differs only in request counts (retries).
    const strip = (coverage: typeof clean.result.header.coverage) => coverage.map(({ requests: _requests, ...rest }) => rest);
    expect(strip(faulty.result.header.coverage)).toEqual(strip(clean.result.header.coverage));
  });

  it('a Forbidden region is denied with code and request id while the other region completes', async () => {
    const [allowed, forbidden] = regionIds as [string, string];
    const { result, snapshot } = await collectFrom({ forbidRegions: [forbidden] }, dir, 'forbidden');
    const denied = result.header.coverage.filter((entry) => entry.regionId === forbidden);
    expect(denied).toHaveLength(7);
    for (const entry of denied) {
      expect(entry.status).toBe('denied');
      expect(entry.code).toBe('Forbidden.RAM');
      expect(entry.requestId).toMatch(/\S+/);
    }
    expect(result.header.coverage.filter((entry) => entry.regionId === allowed).every((entry) => entry.status === 'complete')).toBe(true);
    const regions = snapshot.accounts[0]!.regions;
    const forbiddenRegion = regions.find((region) => region.regionId === forbidden);
    // Written as an empty region, never as resources that are not there; coverage says why.
    expect(forbiddenRegion?.securityGroups ?? []).toEqual([]);
    expect(regions.find((region) => region.regionId === allowed)?.securityGroups.length).toBeGreaterThan(0);
  });

  it('rule calls failing for every group: DescribeSecurityGroupAttribute failed, groups kept without rules', async () => {
    const { result, snapshot } = await collectFrom({ errorRate: 1, actions: ['DescribeSecurityGroupAttribute'] }, dir, 'failed', { retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 } });
    const rules = result.header.coverage.filter((entry) => entry.api === 'DescribeSecurityGroupAttribute');
    for (const entry of rules) {
      expect(entry.status).toBe('failed');
      expect(entry.resourceIds?.length).toBeGreaterThan(0);
      expect(entry.code).toMatch(/InternalError|ServiceUnavailable/);
    }
    // The groups themselves are still recorded (membership, references), with no rules.
    const groups = snapshot.accounts[0]!.regions.flatMap((region) => region.securityGroups);
    expect(groups.length).toBeGreaterThan(0);
    expect(groups.every((group) => group.rules.length === 0)).toBe(true);
    expect(result.header.coverage.filter((entry) => entry.api === 'DescribeSecurityGroups').every((entry) => entry.status === 'complete')).toBe(true);
  });

  it('rule calls failing for some groups: partial, naming exactly the groups whose rules are missing', async () => {
    const { result, snapshot } = await collectFrom({ errorRate: 0.3, actions: ['DescribeSecurityGroupAttribute'] }, dir, 'partial', { retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 5 } });
    const rules = result.header.coverage.filter((entry) => entry.api === 'DescribeSecurityGroupAttribute');
    const missing = new Set(rules.flatMap((entry) => entry.resourceIds ?? []));
    expect(rules.some((entry) => entry.status === 'partial')).toBe(true);
    expect(missing.size).toBeGreaterThan(0);
    const expectedRules = new Map(estate.accounts[0]!.regions.flatMap((region) => region.securityGroups.map((group) => [group.id, group.rules.length] as const)));
    for (const group of snapshot.accounts[0]!.regions.flatMap((region) => region.securityGroups)) {
      expect(group.rules.length).toBe(missing.has(group.id) ? 0 : expectedRules.get(group.id));
    }
  });

  it('an abort stops collection, throws, and leaves no file behind', async () => {
    const emulator = await startEmulator({ estate, faults: { rateLimit: 2 } });
    try {
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error('stop')), 300);
      const out = join(dir, 'aborted', 'a.jsonl.gz');
      await expect(collectSnapshot({ ...fastOptions, endpoint: emulator.url, credentials: DEMO_CREDENTIALS, signal: controller.signal, out })).rejects.toThrow(/aborted/);
      expect(await readdir(join(dir, 'aborted'))).toEqual([]);
    } finally {
      await emulator.close();
    }
  });
});
