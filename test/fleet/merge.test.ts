import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shardOf, unitKey } from '../../src/collect/shard.js';
import { createSnapshotWriter, readSnapshot } from '../../src/model/snapshot-file.js';
import { REGIONAL_COVERAGE_APIS, type Coverage, type Region } from '../../src/model/snapshot.js';
import { openStore } from '../../src/store/index.js';
import { runMain, runMainWithEnv } from '../ops/helpers.js';
import { s3Env, startS3 } from '../store/s3-server.js';

/**
 * `sgaudit merge` on shard snapshots written by hand: the rules the emulator run does not reach —
 * a shard index given twice keeps its newest snapshot, a shard holding a unit it does not own is
 * refused and nothing is written, a unit its owner recorded nothing for is "not collected".
 */
const COUNT = 2;
const ACCOUNTS = ['1000000000000001', '1000000000000002', '1000000000000003'];
const REGIONS = ['cn-hangzhou', 'cn-shanghai'];
const UNITS = Object.fromEntries(ACCOUNTS.map((accountId) => [accountId, REGIONS]));
const ownerOf = (accountId: string, regionId: string) => shardOf(unitKey(accountId, regionId), COUNT);

const region = (regionId: string, groupName: string): Region => ({
  regionId,
  securityGroups: [{ id: `sg-${groupName}`, name: groupName, description: '', type: 'normal', innerAccessPolicy: 'accept', serviceManaged: false, tags: {}, rules: [] }],
  instances: [],
  networkInterfaces: [],
  eips: [],
  prefixLists: [],
  addressGroups: [],
});

const complete = (accountId: string, regionId: string): Coverage[] => REGIONAL_COVERAGE_APIS.map((api) => ({ accountId, regionId, api, status: 'complete', requests: 1, items: 1 }));

/** A shard snapshot holding `units` (default: those it owns), each with one group named after `tag`. */
async function writeShard(path: string, index: number, options: { takenAt: string; tag: string; units?: [string, string][]; skip?: string }): Promise<void> {
  const units = options.units ?? ACCOUNTS.flatMap((accountId) => REGIONS.filter((regionId) => ownerOf(accountId, regionId) === index).map((regionId) => [accountId, regionId] as [string, string]));
  const writer = await createSnapshotWriter(path);
  const coverage: Coverage[] = [];
  for (const [accountId, regionId] of units) {
    if (unitKey(accountId, regionId) === options.skip) continue;
    await writer.addRegion({ accountId }, region(regionId, `${options.tag}-${accountId}-${regionId}`));
    coverage.push(...complete(accountId, regionId));
  }
  await writer.finish({ id: `${options.tag}-${index}`, takenAt: options.takenAt, tool: { name: 'sgaudit', version: 'test' }, coverage, shard: { index, count: COUNT, units: UNITS } });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sgaudit-merge-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('sgaudit merge: duplicates, foreign units, units nobody recorded', () => {
  it('the fixture has units in both shards', () => {
    const owners = ACCOUNTS.flatMap((accountId) => REGIONS.map((regionId) => ownerOf(accountId, regionId)));
    expect(new Set(owners)).toEqual(new Set([0, 1]));
  });

  it('a shard index given twice: its newest snapshot is merged, the other named in a warning', async () => {
    await writeShard(join(dir, 'old-0.jsonl.gz'), 0, { takenAt: '2026-11-25T01:00:00.000Z', tag: 'old' });
    await writeShard(join(dir, 'new-0.jsonl.gz'), 0, { takenAt: '2026-11-25T01:30:00.000Z', tag: 'new' });
    await writeShard(join(dir, 'one-1.jsonl.gz'), 1, { takenAt: '2026-11-25T01:05:00.000Z', tag: 'one' });
    const out = join(dir, 'merged.jsonl.gz');
    const run = await runMain(['merge', join(dir, 'new-0.jsonl.gz'), join(dir, 'old-0.jsonl.gz'), join(dir, 'one-1.jsonl.gz'), '-o', out]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/old-0\.jsonl\.gz: shard 0\/2 was given again with a newer snapshot; this one is not merged/);
    const merged = await readSnapshot(out);
    const names = merged.accounts.flatMap((account) => account.regions.flatMap((r) => r.securityGroups.map((group) => group.name.split('-')[0])));
    expect(new Set(names)).toEqual(new Set(['new', 'one']));
    expect(merged.merged?.shards).toEqual([
      { index: 0, id: 'new-0', takenAt: '2026-11-25T01:30:00.000Z' },
      { index: 1, id: 'one-1', takenAt: '2026-11-25T01:05:00.000Z' },
    ]);
    expect(merged.takenAt).toBe('2026-11-25T01:05:00.000Z');
    expect(merged.coverage.every((entry) => entry.status === 'complete')).toBe(true);
  });

  it('a shard holding a unit of another shard is refused, and nothing is written', async () => {
    const foreign = ACCOUNTS.flatMap((accountId) => REGIONS.map((regionId) => [accountId, regionId] as [string, string])).find(([a, r]) => ownerOf(a, r) === 1) as [string, string];
    await writeShard(join(dir, 'foreign-0.jsonl.gz'), 0, { takenAt: '2026-11-25T01:00:00.000Z', tag: 'foreign', units: [foreign] });
    const out = join(dir, 'refused.jsonl.gz');
    const run = await runMain(['merge', join(dir, 'foreign-0.jsonl.gz'), '-o', out]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`foreign-0.jsonl.gz: shard 0/2 holds ${unitKey(...foreign)}, which belongs to shard 1/2`);
    expect((await readdir(dir)).filter((name) => name.startsWith('refused') || name.startsWith('.sgaudit-tmp'))).toEqual([]);
  });

  it('a unit its shard recorded nothing for is not collected (NotCollectedByShard); a missing shard\'s units are ShardMissing', async () => {
    const [accountId, regionId] = ACCOUNTS.flatMap((a) => REGIONS.map((r) => [a, r] as [string, string])).find(([a, r]) => ownerOf(a, r) === 0) as [string, string];
    await writeShard(join(dir, 'gap-0.jsonl.gz'), 0, { takenAt: '2026-11-25T01:00:00.000Z', tag: 'gap', skip: unitKey(accountId, regionId) });
    const out = join(dir, 'gap.jsonl.gz');
    const run = await runMain(['merge', join(dir, 'gap-0.jsonl.gz'), '--expect-shards', '2', '-o', out]);
    expect(run.code, run.stderr).toBe(0);
    const merged = await readSnapshot(out);
    const byCode = (code: string) => [...new Set(merged.coverage.filter((entry) => entry.code === code).map((entry) => unitKey(entry.accountId, entry.regionId)))].sort();
    expect(byCode('NotCollectedByShard')).toEqual([unitKey(accountId, regionId)]);
    const ownedBy1 = ACCOUNTS.flatMap((a) => REGIONS.filter((r) => ownerOf(a, r) === 1).map((r) => unitKey(a, r))).sort();
    expect(byCode('ShardMissing')).toEqual(ownedBy1);
    expect(merged.merged?.missing).toEqual([1]);
  });

  it('reads the shards from an object store and publishes the merged snapshot to one, which analyze --strict reads', async () => {
    const server = await startS3(['fleet']);
    const env = s3Env(server.endpoint);
    const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
    Object.assign(process.env, env);
    try {
      // Shard 0 only, published as `collect --shard 0/2 --store s3://…` would: shard 1 is missing.
      const shards = openStore('s3://fleet/shards/2026-11-25');
      const staged = shards.pathFor('2026-11-25T01:00:00.000Z', 'gap-0');
      await copyFile(join(dir, 'new-0.jsonl.gz'), staged);
      await shards.publish(staged);
      const merge = await runMainWithEnv(['merge', 's3://fleet/shards/2026-11-25', '--expect-shards', '2', '--store', 's3://fleet/merged'], env);
      expect(merge.code, merge.stderr).toBe(0);
      expect(merge.stdout.trim()).toMatch(/^s3:\/\/fleet\/merged\/\d{8}T\d{6}Z-[0-9a-f]{8}\.jsonl\.gz$/);
      expect(merge.stderr).toMatch(/shard\(s\) 1\/2 missing/);
      const strict = await runMainWithEnv(['analyze', 's3://fleet/merged', '--strict', '-o', join(dir, 'from-s3.jsonl.gz')], env);
      expect(strict.code, strict.stderr).toBe(3);
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
      await server.stop();
    }
  });
});
