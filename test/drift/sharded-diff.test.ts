import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeDrift, driftDocument } from '../../src/analyze/drift/index.js';
import { diffFiles } from '../../src/analyze/drift/load.js';
import { driftOfFiles } from '../../src/analyze/drift/sharded-diff.js';
import { parseConfigText, resolveAnalyzerSettings } from '../../src/config/load.js';
import { generateEstate } from '../../src/emulator/generate.js';
import type { FindingsDocument } from '../../src/model/findings.js';
import type { Snapshot } from '../../src/model/snapshot.js';
import { readSnapshot, writeSnapshot } from '../../src/model/snapshot-file.js';

const now = new Date('2026-11-25T00:00:00Z');
let dir: string;
let oldPath: string;
let newPath: string;

/** A few changes of every kind in every region: rules, groups, membership, public IPs, EIPs, a new exposure. */
function mutate(baseline: Snapshot): Snapshot {
  const current = structuredClone(baseline);
  current.id = 'new';
  let n = 0;
  for (const region of current.accounts.flatMap((account) => account.regions)) {
    for (const group of region.securityGroups) {
      n++;
      if (n % 7 === 0) group.name = `${group.name}-renamed`;
      if (n % 5 === 0) group.rules = group.rules.slice(1);
      if (n % 6 === 0) group.rules.push({ id: `sgr-new-${n}`, direction: 'ingress', policy: 'accept', priority: 1, protocol: 'tcp', ports: { from: 3389, to: 3389 }, source: { cidr: '0.0.0.0/0' } });
    }
    region.securityGroups = region.securityGroups.filter((_, i) => i % 9 !== 4);
    region.instances.forEach((instance, i) => {
      if (i % 10 === 3) instance.publicIps = instance.publicIps.length ? [] : [`198.51.100.${i % 250}`];
    });
    region.eips.forEach((eip, i) => {
      if (i % 4 === 1) delete eip.boundInstanceId;
    });
  }
  return current;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sgaudit-sharded-diff-'));
  const estate = generateEstate({ instances: 300, groups: 60, rulesPerGroup: 8, regions: 3, accounts: 2, seed: 11 });
  const baseline: Snapshot = { schema: 'sgaudit/snapshot@1', id: 'old', takenAt: '2026-11-01T00:00:00Z', tool: { name: 'sgaudit', version: 'test' }, provider: 'alicloud', coverage: [], accounts: estate.accounts };
  oldPath = join(dir, 'old.jsonl.gz');
  newPath = join(dir, 'new.jsonl.gz');
  await writeSnapshot(oldPath, baseline);
  await writeSnapshot(newPath, mutate(baseline));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function inOneThread(a: string, b: string): Promise<string> {
  const [baseline, current] = [await readSnapshot(a), await readSnapshot(b)];
  return JSON.stringify(driftDocument(current, computeDrift(baseline, current), { now }));
}

describe('drift split by region over worker threads', () => {
  it('gives the document a single-thread diff gives, on an estate of 2 accounts × 3 regions', async () => {
    const expected = await inOneThread(oldPath, newPath);
    for (const workers of [1, 2, 6]) {
      const sharded = await driftOfFiles(oldPath, newPath, { workers, minParallelBytes: 0 });
      if ('fallback' in sharded) throw new Error(`fell back: ${sharded.fallback}`);
      expect(JSON.stringify(driftDocument(sharded.current, sharded.drift, { now }))).toBe(expected);
    }
    expect(JSON.parse(expected).findings.length).toBeGreaterThan(50);
  });

  it('reports not-compared scopes as one thread does when a region is missing from the new snapshot', async () => {
    const current = await readSnapshot(newPath);
    for (const account of current.accounts) account.regions = account.regions.filter((region) => region.regionId !== 'cn-shanghai');
    current.coverage = current.accounts.map((account) => ({ accountId: account.accountId, regionId: 'cn-shanghai', api: 'DescribeSecurityGroups', status: 'denied', code: 'Forbidden.RAM', requests: 1, items: 0 }));
    const denied = join(dir, 'denied.jsonl.gz');
    await writeSnapshot(denied, current);
    const sharded = await driftOfFiles(oldPath, denied, { minParallelBytes: 0 });
    if ('fallback' in sharded) throw new Error(`fell back: ${sharded.fallback}`);
    const document = driftDocument(sharded.current, sharded.drift, { now });
    expect(JSON.stringify(document)).toBe(await inOneThread(oldPath, denied));
    expect(document.notCompared?.filter((scope) => scope.regionId === 'cn-shanghai')).toHaveLength(2);
    expect(document.findings.filter((finding) => finding.regionId === 'cn-shanghai')).toEqual([]);
  });

  it('falls back to one thread when an ENI carries a group of another region, and the result is still right', async () => {
    const current = await readSnapshot(newPath);
    const regions = current.accounts[0]!.regions;
    const foreignGroup = regions[1]!.securityGroups[0]!.id;
    regions[0]!.networkInterfaces[0]!.securityGroupIds.push(foreignGroup);
    const linked = join(dir, 'linked.jsonl.gz');
    await writeSnapshot(linked, current);
    const sharded = await driftOfFiles(oldPath, linked, { minParallelBytes: 0 });
    expect(sharded).toEqual({ fallback: expect.stringContaining(foreignGroup) });
    const document = await diffFiles(oldPath, linked, { now, workers: 4 });
    expect(JSON.stringify(document)).toBe(await inOneThread(oldPath, linked));
  });

  it('falls back on a broken file, so diff names the problem exactly as a plain read does', async () => {
    const broken = join(dir, 'broken.jsonl.gz');
    await writeFile(broken, gzipSync(gunzipSync(await readFile(newPath)).toString().replace('"priority":1,', '"priority":"one",')));
    expect(await driftOfFiles(oldPath, broken, { minParallelBytes: 0 })).toEqual({ fallback: expect.stringMatching(/invalid securityGroup/) });
    const plain = await readSnapshot(broken).then(() => undefined, (error: unknown) => (error as Error).message);
    await expect(diffFiles(oldPath, broken, { now })).rejects.toThrow(plain);
  });

  it("applies the config's allowed public ports to exposure drift, in one thread and in workers", async () => {
    const config = parseConfigText('allowedPublicPorts: [tcp/80, tcp/443, tcp/3389]\n', undefined);
    const newRdp = (document: FindingsDocument) =>
      document.findings.filter((finding) => finding.detail.extra?.kind === 'new-exposure' && finding.detail.ports?.from === 3389 && finding.detail.ports.to === 3389).length;
    expect(newRdp(await diffFiles(oldPath, newPath, { now }))).toBeGreaterThan(0);
    expect(newRdp(await diffFiles(oldPath, newPath, { now, config }))).toBe(0);
    const sharded = await driftOfFiles(oldPath, newPath, { minParallelBytes: 0, settings: resolveAnalyzerSettings(config) });
    if ('fallback' in sharded) throw new Error(`fell back: ${sharded.fallback}`);
    expect(newRdp(driftDocument(sharded.current, sharded.drift, { now }))).toBe(0);
  });
});
