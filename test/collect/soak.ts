import { join } from 'node:path';
import { collectSnapshot, type CollectOptions } from '../../src/collect/index.js';
import { DEMO_CREDENTIALS, startEmulator, type FaultOptions } from '../../src/emulator/index.js';
import { createRandom } from '../../src/emulator/random.js';
import type { FaultKind } from '../../src/emulator/types.js';
import { readSnapshot } from '../../src/model/snapshot-file.js';
import type { Account, Coverage, CoverageApi, Estate, Region } from '../../src/model/snapshot.js';
import { canonicalAccounts } from './helpers.js';

/**
 * The fault soak (issue 16, item 4), shared by test/collect/soak.test.ts (bounded for CI) and
 * bench/soak.ts (the long variant): consecutive collections of one estate from the emulator, each
 * with its own seeded mix of throttling (with and without x-acs-retry-after), 5xx, resets, malformed
 * bodies and hung responses, and in some runs a region that turns Forbidden part-way. Every run is
 * compared with a fault-free collection: it must equal it, or leave out exactly what its coverage
 * marks incomplete — a record missing without an incomplete coverage entry saying so is lost.
 */

/** Every fault the emulator can inject at random, at rates that make each run meet several. */
export const SOAK_FAULTS: FaultOptions = {
  throttleRate: 0.06,
  retryAfterMs: 15,
  retryAfterShare: 0.5,
  errorRate: 0.04,
  resetRate: 0.02,
  malformedRate: 0.02,
  hangRate: 0.004,
};

/** Fast-failing knobs so a fault costs milliseconds (a hang costs the read timeout). */
export const FAST: Partial<CollectOptions> = {
  timeouts: { connectMs: 1000, readMs: 400 },
  retry: { maxAttempts: 12, baseDelayMs: 5, maxDelayMs: 100 },
};

export interface SoakOptions {
  estate: Estate;
  runs: number;
  /** Seeds the faults of every run (run i uses seed + i). */
  seed: number;
  /** Random fault rates applied to every run. */
  faults: FaultOptions;
  /** Every `flipEvery`-th run has one region flip to Forbidden.RAM after a seeded number of its requests; 0: never. */
  flipEvery: number;
  collect: Partial<CollectOptions>;
  dir: string;
  onRun?: (run: SoakRun) => void | Promise<void>;
}

interface SoakRun {
  run: number;
  /** The region that flipped to Forbidden and from which of its requests, if one did. */
  flip?: { regionId: string; after: number };
  requests: number;
  retries: number;
  faults: Partial<Record<FaultKind, number>>;
  /** Coverage entries not complete. */
  incomplete: Coverage[];
  /** Records of the fault-free snapshot left out, each under an incomplete coverage entry. */
  withheld: number;
  /** Records of the fault-free snapshot missing or different without coverage saying so (must be 0). */
  lost: number;
  /** Records the fault-free snapshot does not have (must be 0). */
  extra: number;
  /** Why the run breaks the promise (empty when it keeps it). */
  problems: string[];
  durationMs: number;
}

export interface SoakSummary {
  runs: SoakRun[];
  requests: number;
  retries: number;
  faults: Partial<Record<FaultKind, number>>;
  flipped: number;
  incompleteRuns: number;
  withheld: number;
  lost: number;
  extra: number;
  problems: string[];
}


async function collectOnce(estate: Estate, seed: number, faults: FaultOptions | undefined, options: Partial<CollectOptions>, out: string) {
  const emulator = await startEmulator({ estate, seed, ...(faults ? { faults } : {}) });
  try {
    const result = await collectSnapshot({ ...options, endpoint: emulator.url, credentials: DEMO_CREDENTIALS, out });
    const snapshot = await readSnapshot(result.path);
    return { result, snapshot, stats: emulator.stats() };
  } finally {
    await emulator.close();
  }
}

const byId = <T extends { id: string }>(items: readonly T[]) => new Map(items.map((item) => [item.id, item]));
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

interface Tally {
  withheld: number;
  lost: number;
  extra: number;
  problems: string[];
}

/**
 * One kind of record in one region: a complete API must give exactly the fault-free records; an
 * incomplete one must give none (a failed listing never reads as "none").
 */
function compareListing<T>(where: string, status: Coverage['status'] | undefined, clean: readonly T[], got: readonly T[], key: (item: T) => string, tally: Tally): void {
  if (status === undefined) {
    tally.problems.push(`${where}: no coverage entry`);
    return;
  }
  const cleanKeys = new Map(clean.map((item) => [key(item), item]));
  const gotKeys = new Map(got.map((item) => [key(item), item]));
  if (status !== 'complete') {
    if (got.length > 0) tally.problems.push(`${where}: ${status}, yet ${got.length} record(s) written`);
    tally.withheld += clean.length;
    tally.extra += got.length;
    return;
  }
  for (const [id, item] of cleanKeys) {
    const mine = gotKeys.get(id);
    if (mine === undefined || !same(mine, item)) {
      tally.lost++;
      tally.problems.push(`${where}: ${id} ${mine === undefined ? 'missing' : 'different'} while coverage says complete`);
    }
  }
  for (const id of gotKeys.keys()) if (!cleanKeys.has(id)) tally.extra++;
}

/** Groups with their rules, prefix lists with their entries: the detail API may name the resources it could not read. */
function compareWithDetails<T extends { id: string }>(
  where: string,
  list: Coverage | undefined,
  detail: Coverage | undefined,
  clean: readonly T[],
  got: readonly T[],
  withoutDetail: (item: T) => unknown,
  detailCount: (item: T) => number,
  tally: Tally,
): void {
  if (!list || !detail) {
    tally.problems.push(`${where}: no coverage entry`);
    return;
  }
  if (list.status !== 'complete') {
    compareListing(where, list.status, clean, got, (item) => item.id, tally);
    if (detail.status === 'complete') tally.problems.push(`${where}: ${detail.api} complete although ${list.api} is ${list.status}`);
    return;
  }
  const incomplete = new Set(detail.status === 'complete' ? [] : (detail.resourceIds ?? []));
  if (detail.status !== 'complete' && incomplete.size === 0) tally.problems.push(`${where}: ${detail.api} ${detail.status} without naming the resources`);
  const mine = byId(got);
  for (const item of clean) {
    const found = mine.get(item.id);
    if (!found) {
      tally.lost++;
      tally.problems.push(`${where}: ${item.id} missing while ${list.api} is complete`);
    } else if (incomplete.has(item.id)) {
      // Kept without its detail, and named in coverage.
      if (!same(withoutDetail(found), withoutDetail(item)) || detailCount(found) !== 0) {
        tally.lost++;
        tally.problems.push(`${where}: ${item.id} named incomplete but its listed fields differ or detail was written`);
      }
      tally.withheld += detailCount(item);
    } else if (!same(found, item)) {
      tally.lost++;
      tally.problems.push(`${where}: ${item.id} differs from the fault-free snapshot without coverage saying so`);
    }
  }
  for (const id of mine.keys()) if (!clean.some((item) => item.id === id)) tally.extra++;
}

/** The canonical (sorted) form of one account's regions, as canonicalAccounts gives them. */
function canonicalRegions(account: Account): Region[] {
  return (canonicalAccounts([account]) as { regions: Region[] }[])[0]?.regions ?? [];
}

function compareRun(clean: Account[], got: Account[], coverage: Coverage[], flip: SoakRun['flip'], tally: Tally): void {
  const entry = (accountId: string, regionId: string, api: CoverageApi) => coverage.find((c) => c.accountId === accountId && c.regionId === regionId && c.api === api);
  for (const cleanAccount of clean) {
    const account = got.find((a) => a.accountId === cleanAccount.accountId);
    const regions = account ? canonicalRegions(account) : [];
    for (const cleanRegion of canonicalRegions(cleanAccount)) {
      const where = `${cleanAccount.accountId}/${cleanRegion.regionId}`;
      const region = regions.find((r) => r.regionId === cleanRegion.regionId) ?? { regionId: cleanRegion.regionId, securityGroups: [], instances: [], networkInterfaces: [], eips: [], prefixLists: [] };
      const cov = (api: CoverageApi) => entry(cleanAccount.accountId, cleanRegion.regionId, api);
      compareWithDetails(
        `${where} groups`,
        cov('DescribeSecurityGroups'),
        cov('DescribeSecurityGroupAttribute'),
        cleanRegion.securityGroups,
        region.securityGroups,
        ({ rules: _rules, innerAccessPolicy: _policy, ...listed }) => listed,
        (group) => group.rules.length,
        tally,
      );
      compareListing(`${where} instances`, cov('DescribeInstances')?.status, cleanRegion.instances, region.instances, (i) => i.id, tally);
      compareListing(`${where} interfaces`, cov('DescribeNetworkInterfaces')?.status, cleanRegion.networkInterfaces, region.networkInterfaces, (n) => n.id, tally);
      compareListing(`${where} EIPs`, cov('DescribeEipAddresses')?.status, cleanRegion.eips, region.eips, (e) => e.allocationId, tally);
      compareWithDetails(
        `${where} prefix lists`,
        cov('DescribePrefixLists'),
        cov('DescribePrefixListAttributes'),
        cleanRegion.prefixLists,
        region.prefixLists,
        ({ entries: _entries, addressFamily: _family, ...listed }) => listed,
        (list) => list.entries.length,
        tally,
      );
    }
  }
  // Exactly the failed scope: only the region that turned Forbidden may be incomplete, and only as denied
  // (or partial, for details read before the flip) with its code. Anything else ran out of retries.
  for (const incomplete of coverage.filter((c) => c.status !== 'complete')) {
    const explained = flip !== undefined && incomplete.regionId === flip.regionId && incomplete.code === 'Forbidden.RAM' && (incomplete.status === 'denied' || incomplete.status === 'partial');
    if (!explained) tally.problems.push(`unexpected incomplete coverage: ${incomplete.accountId}/${incomplete.regionId} ${incomplete.api} ${incomplete.status} ${incomplete.code ?? ''}`);
    if (!incomplete.requestId) tally.problems.push(`${incomplete.accountId}/${incomplete.regionId} ${incomplete.api}: incomplete without a request id`);
  }
}

export async function soak(options: SoakOptions): Promise<SoakSummary> {
  const clean = await collectOnce(options.estate, options.seed, undefined, options.collect, join(options.dir, 'clean.jsonl.gz'));
  if (clean.result.header.coverage.some((c) => c.status !== 'complete')) throw new Error('the fault-free collection is incomplete');
  const regionIds = [...new Set(options.estate.accounts.flatMap((account) => account.regions.map((region) => region.regionId)))].sort();
  const runs: SoakRun[] = [];
  for (let run = 1; run <= options.runs; run++) {
    const seed = options.seed + run;
    const draw = createRandom(seed);
    let flip: SoakRun['flip'];
    if (options.flipEvery > 0 && run % options.flipEvery === 0) {
      const regionId = regionIds[Math.floor(draw() * regionIds.length)] as string;
      // Somewhere in the region's run: its requests are a few dozen in a small estate.
      flip = { regionId, after: 1 + Math.floor(draw() * 40) };
    }
    const faults: FaultOptions = { ...options.faults, ...(flip ? { forbidRegionsAfter: { [flip.regionId]: flip.after } } : {}) };
    const started = performance.now();
    const { result, snapshot, stats } = await collectOnce(options.estate, seed, faults, options.collect, join(options.dir, `run-${run}.jsonl.gz`));
    const tally: Tally = { withheld: 0, lost: 0, extra: 0, problems: [] };
    compareRun(clean.snapshot.accounts, snapshot.accounts, result.header.coverage, flip, tally);
    const incomplete = result.header.coverage.filter((c) => c.status !== 'complete');
    if (incomplete.length === 0 && !same(canonicalAccounts(snapshot.accounts), canonicalAccounts(clean.snapshot.accounts))) tally.problems.push('complete coverage but a snapshot unlike the fault-free one');
    const faultsSeen = Object.fromEntries(Object.entries(stats.faults).filter(([, count]) => count > 0)) as Partial<Record<FaultKind, number>>;
    const record: SoakRun = {
      run,
      ...(flip ? { flip } : {}),
      requests: result.stats.requests,
      retries: result.stats.retries,
      faults: faultsSeen,
      incomplete,
      withheld: tally.withheld,
      lost: tally.lost,
      extra: tally.extra,
      problems: tally.problems,
      durationMs: Math.round(performance.now() - started),
    };
    runs.push(record);
    await options.onRun?.(record);
  }
  const faults: Partial<Record<FaultKind, number>> = {};
  for (const run of runs) for (const [kind, count] of Object.entries(run.faults) as [FaultKind, number][]) faults[kind] = (faults[kind] ?? 0) + count;
  const sum = (pick: (run: SoakRun) => number) => runs.reduce((total, run) => total + pick(run), 0);
  return {
    runs,
    requests: sum((r) => r.requests),
    retries: sum((r) => r.retries),
    faults,
    flipped: runs.filter((r) => r.flip).length,
    incompleteRuns: runs.filter((r) => r.incomplete.length > 0).length,
    withheld: sum((r) => r.withheld),
    lost: sum((r) => r.lost),
    extra: sum((r) => r.extra),
    problems: runs.flatMap((r) => r.problems.map((problem) => `run ${r.run}: ${problem}`)),
  };
}

/** `runs 50, requests 6,210, retries 702, faults throttle 310 …, records lost 0` */
export function describeSoak(summary: SoakSummary): string {
  const n = (value: number) => value.toLocaleString('en-US');
  const faults = Object.entries(summary.faults)
    .map(([kind, count]) => `${kind} ${n(count)}`)
    .join(', ');
  return [
    `runs ${summary.runs.length} (${summary.flipped} with a region turning Forbidden, ${summary.incompleteRuns} marked incomplete)`,
    `requests ${n(summary.requests)}, retries ${n(summary.retries)}`,
    `faults seen: ${faults || 'none'}`,
    `records withheld under incomplete coverage ${n(summary.withheld)}, records lost ${n(summary.lost)}, records invented ${n(summary.extra)}`,
  ].join('\n');
}
