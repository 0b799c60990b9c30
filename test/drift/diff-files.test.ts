import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeDrift, driftDocument } from '../../src/analyze/drift/index.js';
import { diffFiles } from '../../src/analyze/drift/load.js';
import { parseConfigText } from '../../src/config/load.js';
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
  dir = await mkdtemp(join(tmpdir(), 'sgaudit-diff-files-'));
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

describe('sgaudit diff on two snapshot files', () => {
  it('gives the document of computeDrift on two separate reads, though identical records are read once and shared', async () => {
    const document = await diffFiles(oldPath, newPath, { now });
    expect(JSON.stringify(document)).toBe(await inOneThread(oldPath, newPath));
    expect(document.findings.length).toBeGreaterThan(50);
    expect(new Set(document.findings.map((finding) => finding.regionId)).size).toBe(3);
  });

  it('lists a region missing from the new snapshot as not compared, with no findings there', async () => {
    const current = await readSnapshot(newPath);
    for (const account of current.accounts) account.regions = account.regions.filter((region) => region.regionId !== 'cn-shanghai');
    current.coverage = current.accounts.map((account) => ({ accountId: account.accountId, regionId: 'cn-shanghai', api: 'DescribeSecurityGroups', status: 'denied', code: 'Forbidden.RAM', requests: 1, items: 0 }));
    const denied = join(dir, 'denied.jsonl.gz');
    await writeSnapshot(denied, current);
    const document = await diffFiles(oldPath, denied, { now });
    expect(JSON.stringify(document)).toBe(await inOneThread(oldPath, denied));
    expect(document.notCompared?.filter((scope) => scope.regionId === 'cn-shanghai')).toHaveLength(2);
    expect(document.findings.filter((finding) => finding.regionId === 'cn-shanghai')).toEqual([]);
  });

  it('names a broken file exactly as a plain read does', async () => {
    const broken = join(dir, 'broken.jsonl.gz');
    await writeFile(broken, gzipSync(gunzipSync(await readFile(newPath)).toString().replace('"priority":1,', '"priority":"one",')));
    const plain = await readSnapshot(broken).then(() => undefined, (error: unknown) => (error as Error).message);
    expect(plain).toMatch(/invalid securityGroup/);
    await expect(diffFiles(oldPath, broken, { now })).rejects.toThrow(plain);
  });

  it("applies the config's allowed public ports to exposure drift", async () => {
    const config = parseConfigText('allowedPublicPorts: [tcp/80, tcp/443, tcp/3389]\n', undefined);
    const newRdp = (document: FindingsDocument) =>
      document.findings.filter((finding) => finding.detail.extra?.kind === 'new-exposure' && finding.detail.ports?.from === 3389 && finding.detail.ports.to === 3389).length;
    expect(newRdp(await diffFiles(oldPath, newPath, { now }))).toBeGreaterThan(0);
    expect(newRdp(await diffFiles(oldPath, newPath, { now, config }))).toBe(0);
  });
});
