import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { DEMO_CREDENTIALS, sampleEstate, startEmulator } from '../../src/emulator/index.js';
import type { Estate } from '../../src/model/snapshot.js';
import { runScan } from '../../src/pipeline/scan.js';
import { resolveBaseline } from '../../src/store/baseline.js';
import { configureLog } from '../../src/util/log.js';

let dir: string;
beforeAll(async () => {
  configureLog({ level: 'quiet' });
  dir = await mkdtemp(join(tmpdir(), 'sgaudit-scan-baseline-'));
});
afterAll(async () => {
  configureLog({ level: 'normal' });
  await rm(dir, { recursive: true, force: true });
});

/** One scan of `estate` through the emulator into the shared store, compared with the previous snapshot. */
async function scanOnce(estate: Estate, name: string, faults: Parameters<typeof startEmulator>[0]['faults'] = {}) {
  const emulator = await startEmulator({ estate, faults });
  try {
    const account = estate.accounts[0]!;
    return await runScan({
      config: parseConfigText('', undefined),
      endpoint: emulator.url,
      credentials: { ...DEMO_CREDENTIALS },
      accounts: [{ accountId: account.accountId }],
      regions: account.regions.map((region) => region.regionId),
      storeDir: join(dir, 'snapshots'),
      outDir: join(dir, 'reports', name),
      formats: ['json', 'md'],
      baseline: 'previous',
      resolveBaseline,
    });
  } finally {
    await emulator.close();
  }
}

function withOpenedRedis(estate: Estate): Estate {
  const copy = structuredClone(estate);
  const group = copy.accounts[0]!.regions[0]!.securityGroups.find((g) => g.rules.some((r) => r.source?.cidr === '0.0.0.0/0' && r.policy === 'accept'))!;
  group.rules.push({ id: 'sgr-new-redis', direction: 'ingress', policy: 'accept', priority: 1, protocol: 'tcp', ports: { from: 6379, to: 6379 }, source: { cidr: '0.0.0.0/0' } });
  return copy;
}

describe('scan against the previous snapshot', () => {
  it('first run has no baseline; a later run reports new exposure as drift; a denied region is not compared, never removed', async () => {
    const base = { accounts: [sampleEstate().accounts[0]!] };
    const first = await scanOnce(base, 'one');
    expect(first.baselinePath).toBeUndefined();
    expect(first.document.findings.filter((f) => f.check === 'drift')).toEqual([]);

    const second = await scanOnce(withOpenedRedis(base), 'two');
    expect(second.baselinePath).toBe(first.snapshotPath);
    const drift = second.document.findings.filter((f) => f.check === 'drift');
    const kinds = drift.map((f) => f.detail.extra?.kind);
    expect(kinds).toContain('rule-added');
    expect(kinds).toContain('new-exposure');
    const exposure = drift.filter((f) => f.detail.extra?.kind === 'new-exposure');
    // 0.0.0.0/0 → tcp/6379 (Redis) is critical in the scan, and so in the drift report.
    const redis = exposure.find((f) => f.detail.ports?.from === 6379);
    expect(redis).toMatchObject({ severity: 'critical', breadth: { class: 'internet' } });
    expect(second.document.summary.bySeverity.critical).toBeGreaterThan(0);
    expect(exposure.some((f) => f.detail.ports?.from === 6379 || JSON.stringify(f.detail).includes('6379'))).toBe(true);
    expect(second.document.baselineId).toBe(first.document.snapshotId);

    const deniedRegion = base.accounts[0]!.regions[1]!.regionId;
    const third = await scanOnce(withOpenedRedis(base), 'three', { forbidRegions: [deniedRegion] });
    expect(third.incomplete).toBeGreaterThan(0);
    const removed = third.document.findings.filter((f) => f.check === 'drift' && String(f.detail.extra?.kind).endsWith('-removed') && f.regionId === deniedRegion);
    expect(removed).toEqual([]);
    expect(third.document.notCompared?.map((n) => n.regionId)).toEqual([deniedRegion]);
  });
});
