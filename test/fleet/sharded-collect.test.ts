import { copyFile, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shardOf, unitKey } from '../../src/collect/shard.js';
import { DEMO_CREDENTIALS, generateEstate, resourceDirectoryFor, startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import type { FindingsDocument } from '../../src/model/findings.js';
import { readSnapshot } from '../../src/model/snapshot-file.js';
import type { Coverage, Snapshot } from '../../src/model/snapshot.js';
import { readFindingsDocument } from '../../src/report/read-findings.js';
import { canonicalAccounts } from '../collect/helpers.js';
import { runMainWithEnv, spawnCli, type CliRun } from '../ops/helpers.js';

/**
 * Sharded collection end to end: a Resource Directory of 20 accounts × 3 regions in the emulator,
 * collected by 4 shard processes side by side (regions found per account with DescribeRegions, one
 * shard taking its index from JOB_COMPLETION_INDEX as in a Kubernetes Indexed Job), merged: the
 * same records and coverage as one process collecting everything. Then a run whose last shard is
 * killed mid-collection: merge names it missing, its regions are "not collected" (never "removed"),
 * and `analyze --strict` exits 3.
 */
const COUNT = 4;
const estate = generateEstate({ accounts: 20, regions: 3, instances: 120, groups: 90, rulesPerGroup: 3, enis: 150, eips: 20, prefixLists: 3, seed: 21 });
const env = { ALIBABA_CLOUD_ACCESS_KEY_ID: DEMO_CREDENTIALS.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: DEMO_CREDENTIALS.accessKeySecret, SGAUDIT_CONFIG: '' };
const units = estate.accounts.flatMap((account) => account.regions.map((region) => unitKey(account.accountId, region.regionId)));

let emulator: RunningEmulator;
/** The same estate, slowly: the shard that is killed talks to it, so it is surely killed mid-collection. */
let slow: RunningEmulator;
let dir: string;
beforeAll(async () => {
  const directory = resourceDirectoryFor(estate);
  emulator = await startEmulator({ estate, resourceDirectory: directory, maxRecordedRequests: 10 });
  slow = await startEmulator({ estate, resourceDirectory: directory, faults: { latencyMs: 40 } });
  dir = await mkdtemp(join(tmpdir(), 'sgaudit-fleet-'));
});
afterAll(async () => {
  await Promise.all([emulator.close(), slow.close()]);
  await rm(dir, { recursive: true, force: true });
});

/** One shard as a process of its own; shard 1 learns its index from the environment of an Indexed Job. */
function shardProcess(index: number, store: string, endpoint: string) {
  const where = index === 1 ? { env: { JOB_COMPLETION_INDEX: '1', SGAUDIT_SHARD_COUNT: String(COUNT) }, args: [] } : { env: {}, args: ['--shard', `${index}/${COUNT}`] };
  return spawnCli(['--quiet', 'collect', '--discover', '--endpoint', endpoint, '--store', store, ...where.args], { env: { ...env, ...where.env } });
}

/** Coverage without what legitimately differs between one process and several (request and session counts). */
function coverageShape(coverage: readonly Coverage[]): unknown[] {
  return coverage.map(({ requests: _requests, items, ...entry }) => ({ ...entry, ...(entry.api === 'AssumeRole' ? {} : { items }) }));
}

const snapshotsIn = async (dir: string) => (await readdir(dir)).filter((name) => name.endsWith('.jsonl.gz')).map((name) => join(dir, name));

describe('collect --shard i/n and merge, 20 accounts × 3 regions, 4 shard processes', () => {
  let single: Snapshot;
  const shardRuns: CliRun[] = [];
  let killed: CliRun;

  beforeAll(async () => {
    const started = performance.now();
    // Run 1: all four shards at once, and a fifth process — shard 3 of run 2 — killed once it is collecting.
    const shards = Array.from({ length: COUNT }, (_, index) => shardProcess(index, join(dir, 'run1'), emulator.url));
    const victim = shardProcess(COUNT - 1, join(dir, 'run2'), slow.url);
    const killedWhenCollecting = (async () => {
      while (!slow.requests().some((request) => request.action === 'DescribeSecurityGroups')) await new Promise((resolve) => setTimeout(resolve, 5));
      victim.child.kill('SIGKILL');
      return victim.done;
    })();
    const single_ = runMainWithEnv(['--quiet', 'collect', '--discover', '--endpoint', emulator.url, '--store', join(dir, 'single')], env);
    shardRuns.push(...(await Promise.all(shards.map((shard) => shard.done))));
    killed = await killedWhenCollecting;
    const singleRun = await single_;
    expect(singleRun.code, singleRun.stderr).toBe(0);
    single = await readSnapshot(singleRun.stdout.trim());
    console.log(`4 shards + 1 killed + 1 single collection: ${Math.round(performance.now() - started)} ms`);
  });

  it('each shard collects its own units, and every unit is in exactly one shard', async () => {
    for (const run of shardRuns) expect(run.code, run.stderr).toBe(0);
    const files = await snapshotsIn(join(dir, 'run1'));
    expect(files).toHaveLength(COUNT);
    const seen = new Map<string, number>();
    for (const file of files) {
      const shard = await readSnapshot(file);
      expect(shard.shard?.count).toBe(COUNT);
      // Every shard entered every account to list its regions, so every shard knows every unit.
      expect(Object.values(shard.shard?.units ?? {}).flat()).toHaveLength(units.length);
      for (const account of shard.accounts) {
        for (const region of account.regions) {
          const key = unitKey(account.accountId, region.regionId);
          expect(seen.has(key), key).toBe(false);
          seen.set(key, shard.shard?.index as number);
          expect(shardOf(key, COUNT)).toBe(shard.shard?.index);
        }
      }
    }
    expect([...seen.keys()].sort()).toEqual([...units].sort());
    expect(new Set(seen.values()).size).toBe(COUNT);
  });

  it('merged, the shards equal one process collecting everything: records and coverage', async () => {
    const merged = join(dir, 'merged.jsonl.gz');
    const run = await runMainWithEnv(['merge', join(dir, 'run1'), '--expect-shards', String(COUNT), '-o', merged], env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe(merged);
    const snapshot = await readSnapshot(merged);
    expect(canonicalAccounts(snapshot.accounts)).toEqual(canonicalAccounts(single.accounts));
    expect(canonicalAccounts(snapshot.accounts)).toEqual(canonicalAccounts(estate.accounts));
    expect(snapshot.accounts.map((account) => account.alias).sort()).toEqual(single.accounts.map((account) => account.alias).sort());
    expect(coverageShape(snapshot.coverage)).toEqual(coverageShape(single.coverage));
    expect(snapshot.merged).toMatchObject({ count: COUNT, missing: [] });
    expect(snapshot.merged?.shards.map((shard) => shard.index)).toEqual([0, 1, 2, 3]);
    expect(snapshot.shard).toBeUndefined();

    // Merging the same shards again names the same snapshot.
    const again = await runMainWithEnv(['merge', ...(await snapshotsIn(join(dir, 'run1'))), '-o', join(dir, 'again.jsonl.gz')], env);
    expect(again.code, again.stderr).toBe(0);
    expect((await readSnapshot(join(dir, 'again.jsonl.gz'))).id).toBe(snapshot.id);
  });

  it('a shard killed mid-run: merge reports it missing, its regions are not collected (never removed), analyze --strict exits 3', async () => {
    expect(killed.signal).toBe('SIGKILL');
    // The killed shard left nothing in its store; the others of its run are copies of run 1's.
    const run2 = join(dir, 'run2');
    await mkdir(run2, { recursive: true });
    expect(await snapshotsIn(run2)).toEqual([]);
    for (const file of await snapshotsIn(join(dir, 'run1'))) {
      if ((await readSnapshot(file)).shard?.index !== COUNT - 1) await copyFile(file, join(run2, basename(file)));
    }
    const merged = join(dir, 'partial.jsonl.gz');
    const merge = await runMainWithEnv(['merge', run2, '-o', merged], { ...env, SGAUDIT_SHARD_COUNT: String(COUNT) });
    expect(merge.code, merge.stderr).toBe(0);
    expect(merge.stderr).toMatch(/shard\(s\) 3\/4 missing: their regions are recorded as not collected \(code ShardMissing\)/);

    const snapshot = await readSnapshot(merged);
    expect(snapshot.merged).toMatchObject({ count: COUNT, missing: [3] });
    const lost = units.filter((key) => shardOf(key, COUNT) === COUNT - 1).sort();
    expect(lost.length).toBeGreaterThan(5);
    const missingEntries = snapshot.coverage.filter((entry) => entry.code === 'ShardMissing');
    expect([...new Set(missingEntries.map((entry) => unitKey(entry.accountId, entry.regionId)))].sort()).toEqual(lost);
    expect(missingEntries.every((entry) => entry.status === 'failed' && /shard 3\/4/.test(entry.message ?? ''))).toBe(true);
    expect(missingEntries).toHaveLength(lost.length * 7);

    const relaxed = await runMainWithEnv(['analyze', merged, '-o', join(dir, 'findings.jsonl.gz'), '--against', join(dir, 'merged.jsonl.gz')], env);
    expect(relaxed.code, relaxed.stderr).toBe(0);
    expect(relaxed.stderr).toMatch(/INCOMPLETE: \d+ of \d+ scope\(s\) were not collected completely/);
    const document: FindingsDocument = await readFindingsDocument(join(dir, 'findings.jsonl.gz'));
    // Drift against the complete merge: the lost regions are "not compared", and nothing there reads as removed.
    const notCompared = new Set((document.notCompared ?? []).map((entry) => unitKey(entry.accountId, entry.regionId)));
    for (const key of lost) expect(notCompared.has(key), key).toBe(true);
    const lostSet = new Set(lost);
    expect(document.findings.filter((finding) => finding.check === 'drift' && lostSet.has(unitKey(finding.accountId, finding.regionId)))).toEqual([]);

    const strict = await runMainWithEnv(['analyze', merged, '--strict', '-o', join(dir, 'strict.jsonl.gz')], env);
    expect(strict.code).toBe(3);
    expect(strict.stderr).toMatch(/collection incomplete \(--strict\)/);
  });

  it('refuses shards of different counts, a wrong --expect-shards, and a snapshot that is no shard', async () => {
    const [shard] = await snapshotsIn(join(dir, 'run1'));
    const wrongCount = await runMainWithEnv(['merge', join(dir, 'run1'), '--expect-shards', '5', '-o', join(dir, 'x.jsonl.gz')], env);
    expect(wrongCount.code).toBe(2);
    expect(wrongCount.stderr).toMatch(/^error: --expect-shards 5, but the shard snapshots were collected as 4 shards/);
    const notShard = await runMainWithEnv(['merge', shard as string, (await snapshotsIn(join(dir, 'single')))[0] as string, '-o', join(dir, 'y.jsonl.gz')], env);
    expect(notShard.code).toBe(2);
    expect(notShard.stderr).toMatch(/not a shard snapshot \(it was collected without --shard or JOB_COMPLETION_INDEX\)/);
    // Nothing written for a refused merge.
    const written = await readdir(dir);
    expect(written).not.toContain('x.jsonl.gz');
    expect(written).not.toContain('y.jsonl.gz');
  });
});
