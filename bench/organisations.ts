/**
 * Organisations benchmark: Resource Directory discovery and many accounts collected at once.
 *
 *   npx tsx bench/organisations.ts                 # both scenarios
 *   npx tsx bench/organisations.ts --budget        # 20 accounts × 3 regions under one request budget
 *   npx tsx bench/organisations.ts --sessions      # 20-second STS sessions during a collection of over a minute
 *   npx tsx bench/organisations.ts --budget --rate 60 --accounts 20 --regions 3
 *
 * --budget: a generated estate of 20 accounts × 3 regions served by the emulator as a Resource Directory
 * (the first account manages it), with the emulator's own limit per account × region × API on, and
 * collected with `discover` and `collect.rateLimit`. Prints wall time, the quota bound — requests
 * needed ÷ allowed rate: the run's budget over every request (minus its burst), or the slowest
 * account × region × API key under the emulator's limit, whichever is longer — and their ratio
 * (budget ≤ 1.15), with requests made, throttled, and whether every record arrived.
 *
 * --sessions: STS sessions that last 20 s (the emulator enforces it) during a throttled collection of
 * over a minute; prints the sessions each member used, requests refused as expired, and whether the
 * snapshot equals the one collected without faults or short sessions.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectSnapshot } from '../src/collect/index.js';
import { DEMO_CREDENTIALS, generateEstate, resourceDirectoryFor, startEmulator } from '../src/emulator/index.js';
import { readSnapshot } from '../src/model/snapshot-file.js';
import type { Account, Estate, Region } from '../src/model/snapshot.js';
import { configureLog } from '../src/util/log.js';

function arg(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}
const flag = (name: string) => process.argv.includes(`--${name}`);
const pages = (items: number, size: number) => Math.max(1, Math.ceil(items / size));

/** Minimum requests per (account, region, API) at the APIs' largest page sizes (as bench/collect.ts counts them). */
function regionRequests(region: Region): Record<string, number> {
  let rules = 0;
  for (const group of region.securityGroups) {
    if (group.vpcId) rules += pages(group.rules.length, 1000);
    else for (const nic of ['internet', 'intranet']) rules += pages(group.rules.filter((rule) => (rule.nicType ?? 'intranet') === nic).length, 1000);
  }
  return {
    DescribeSecurityGroups: pages(region.securityGroups.length, 100),
    DescribeSecurityGroupAttribute: rules,
    DescribeInstances: pages(region.instances.length, 100),
    DescribeNetworkInterfaces: pages(region.networkInterfaces.length, 500),
    DescribeEipAddresses: pages(region.eips.length, 100),
    DescribePrefixLists: pages(region.prefixLists.length, 100),
    DescribePrefixListAttributes: region.prefixLists.length,
  };
}

function records(accounts: readonly Account[]): Record<string, number> {
  const count = { securityGroup: 0, rule: 0, instance: 0, networkInterface: 0, eip: 0, prefixList: 0 };
  for (const account of accounts) {
    for (const region of account.regions) {
      count.securityGroup += region.securityGroups.length;
      count.rule += region.securityGroups.reduce((sum, group) => sum + group.rules.length, 0);
      count.instance += region.instances.length;
      count.networkInterface += region.networkInterfaces.length;
      count.eip += region.eips.length;
      count.prefixList += region.prefixLists.length;
    }
  }
  return count;
}

async function inTemp<T>(run: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'sgaudit-bench-org-'));
  try {
    return await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function budget(): Promise<void> {
  const accounts = arg('accounts', 20);
  const regions = arg('regions', 3);
  const rate = arg('rate', 40);
  const perKey = arg('per-key-rate', 8);
  const estate: Estate = generateEstate({ accounts, regions, instances: accounts * regions * 20, groups: accounts * regions * 12, rulesPerGroup: 5, enis: accounts * regions * 25, eips: accounts * regions * 2, prefixLists: accounts * regions, seed: 42 });
  const regionIds = estate.accounts[0]!.regions.map((region) => region.regionId);
  // Discovery and entering the members: GetCallerIdentity, one ListAccounts page per 100 members, one AssumeRole per member.
  const management = 1 + pages(accounts, 100) + (accounts - 1);
  const perKeyNeeded: number[] = [];
  let regional = 0;
  for (const account of estate.accounts) {
    for (const region of account.regions) {
      for (const count of Object.values(regionRequests(region))) {
        perKeyNeeded.push(count);
        regional += count;
      }
    }
  }
  const needed = management + regional;
  const emulator = await startEmulator({ estate, resourceDirectory: resourceDirectoryFor(estate), faults: { rateLimit: perKey, rateLimitBurst: perKey }, maxRecordedRequests: 10 });
  try {
    await inTemp(async (dir) => {
      const started = performance.now();
      const result = await collectSnapshot({
        endpoint: emulator.url,
        credentials: DEMO_CREDENTIALS,
        discover: {},
        regions: regionIds,
        rateLimit: rate,
        concurrency: { accounts: 8 },
        out: join(dir, 'org.jsonl.gz'),
      });
      const wallSeconds = (performance.now() - started) / 1000;
      const budgetBound = Math.max(0, needed - rate) / rate;
      const keyBound = Math.max(...perKeyNeeded.map((count) => Math.max(0, count - perKey) / perKey));
      const bound = Math.max(budgetBound, keyBound);
      const snapshot = await readSnapshot(result.path);
      const expected = records(estate.accounts);
      const seen = records(snapshot.accounts);
      const cpu = process.cpuUsage();
      console.log(
        JSON.stringify({
          scenario: 'budget',
          accounts,
          regions,
          estate: expected,
          rateLimit: rate,
          emulatorRatePerKey: perKey,
          requestsNeeded: needed,
          requestsMade: result.stats.requests,
          throttled: result.stats.throttled,
          sessions: result.stats.sessions,
          wallSeconds: +wallSeconds.toFixed(2),
          quotaBoundSeconds: +bound.toFixed(2),
          boundBy: budgetBound >= keyBound ? 'run budget' : 'emulator per-key limit',
          ratio: +(wallSeconds / bound).toFixed(3),
          withinBudget: wallSeconds / bound <= 1.15,
          collectorCpuSeconds: +((cpu.user + cpu.system) / 1e6).toFixed(1),
          peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
          lostRecords: Object.keys(expected).filter((kind) => seen[kind] !== expected[kind]),
          incompleteCoverage: snapshot.coverage.filter((entry) => entry.status !== 'complete').length,
        }),
      );
    });
  } finally {
    await emulator.close();
  }
}

function canonical(accounts: readonly Account[]): string {
  const byId = <T extends { id: string }>(items: readonly T[]) => [...items].sort((a, b) => a.id.localeCompare(b.id));
  return JSON.stringify(
    [...accounts]
      .sort((a, b) => a.accountId.localeCompare(b.accountId))
      .map((account) => ({
        accountId: account.accountId,
        regions: [...account.regions]
          .sort((a, b) => a.regionId.localeCompare(b.regionId))
          .map((region) => ({
            ...region,
            securityGroups: byId(region.securityGroups).map((group) => ({ ...group, rules: [...group.rules].map((rule) => JSON.stringify(rule)).sort() })),
            instances: byId(region.instances),
            networkInterfaces: byId(region.networkInterfaces),
            eips: [...region.eips].sort((a, b) => a.allocationId.localeCompare(b.allocationId)),
            prefixLists: byId(region.prefixLists),
          })),
      })),
  );
}

async function sessions(): Promise<void> {
  const lifetime = arg('lifetime', 20);
  const skewMs = arg('skew-ms', 0);
  const perKey = arg('per-key-rate', 4);
  // Two accounts × two regions, ~250 groups per region: over a minute at 4 requests per second per API.
  const estate: Estate = generateEstate({ accounts: 2, regions: 2, instances: 400, groups: arg('groups', 1000), rulesPerGroup: 3, prefixLists: 4, seed: 9 });
  const accounts = estate.accounts.map((account, index) => (index === 0 ? { accountId: account.accountId } : { accountId: account.accountId, roleArn: `acs:ram::${account.accountId}:role/sgaudit-readonly` }));
  const member = estate.accounts[1]!.accountId;
  const reference = await (async () => {
    const plain = await startEmulator({ estate });
    try {
      return await inTemp(async (dir) => canonical((await readSnapshot((await collectSnapshot({ endpoint: plain.url, credentials: DEMO_CREDENTIALS, accounts, out: join(dir, 'ref.jsonl.gz') })).path)).accounts));
    } finally {
      await plain.close();
    }
  })();
  const emulator = await startEmulator({ estate, sts: { lifetimeSeconds: lifetime, expireEarlyMs: skewMs }, faults: { rateLimit: perKey, rateLimitBurst: 2 } });
  try {
    await inTemp(async (dir) => {
      const result = await collectSnapshot({ endpoint: emulator.url, credentials: DEMO_CREDENTIALS, accounts, out: join(dir, 'long.jsonl.gz') });
      const snapshot = await readSnapshot(result.path);
      const issued = emulator.stsSessions().filter((session) => session.accountId === member);
      const requests = emulator.requests();
      console.log(
        JSON.stringify({
          scenario: 'sessions',
          sessionLifetimeSeconds: lifetime,
          clockSkewMs: skewMs,
          collectionSeconds: +(result.stats.durationMs / 1000).toFixed(1),
          requestsMade: result.stats.requests,
          throttled: result.stats.throttled,
          memberSessions: issued.length,
          renewedBeforeExpiry: issued.slice(1).every((session, i) => session.issuedAt < (issued[i] as (typeof issued)[number]).expiresAt),
          refusedAsExpired: requests.filter((request) => request.code === 'InvalidSecurityToken.Expired').length,
          retriedWithNewSession: result.stats.renewedAfterExpiry,
          incompleteCoverage: snapshot.coverage.filter((entry) => entry.status !== 'complete').length,
          equalToFaultFree: canonical(snapshot.accounts) === reference,
        }),
      );
    });
  } finally {
    await emulator.close();
  }
}

configureLog({ level: 'quiet' });
const both = !flag('budget') && !flag('sessions');
if (both || flag('budget')) await budget();
if (both || flag('sessions')) await sessions();
