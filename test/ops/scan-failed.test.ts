import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { DEMO_CREDENTIALS, sampleEstate, startEmulator } from '../../src/emulator/index.js';
import { coverageVerdict } from '../../src/model/coverage.js';
import { EXIT } from '../../src/model/errors.js';
import { runScan } from '../../src/pipeline/scan.js';
import { scheduledScan } from '../../src/pipeline/scheduled-scan.js';
import { configureLog } from '../../src/util/log.js';

/** A scan that collected nothing never looks clean: exit 3 without --strict, and the run log says failed. */
let dir: string;
beforeAll(async () => {
  configureLog({ level: 'quiet' });
  dir = await mkdtemp(join(tmpdir(), 'sgaudit-scan-failed-'));
});
afterAll(async () => {
  configureLog({ level: 'normal' });
  await rm(dir, { recursive: true, force: true });
});

const account = sampleEstate().accounts[0]!;
const regions = account.regions.map((region) => region.regionId);

async function withEmulator<T>(forbidRegions: string[], body: (url: string) => Promise<T>): Promise<T> {
  const emulator = await startEmulator({ estate: { accounts: [account] }, faults: { forbidRegions } });
  try {
    return await body(emulator.url);
  } finally {
    await emulator.close();
  }
}

function scanOptions(url: string, name: string) {
  return {
    config: parseConfigText('', undefined),
    endpoint: url,
    credentials: { ...DEMO_CREDENTIALS },
    accounts: [{ accountId: account.accountId }],
    regions,
    storeDir: join(dir, name, 'snapshots'),
    outDir: join(dir, name, 'reports'),
    formats: ['json' as const],
  };
}

describe('a scan that collected nothing', () => {
  it('exits 3 without --strict, and says so', async () => {
    const result = await withEmulator(regions, (url) => runScan(scanOptions(url, 'all-denied')));
    expect(result.coverage).toBe('failed');
    expect(result.exitCode).toBe(EXIT.RUNTIME);
    expect(coverageVerdict(result.document.coverage)).toBe('failed');
  });

  it('stays exit 0 when only part was not collected (without --strict)', async () => {
    const result = await withEmulator(regions.slice(0, 1), (url) => runScan(scanOptions(url, 'one-denied')));
    expect(result.coverage).toBe('partial');
    expect(result.exitCode).toBe(EXIT.OK);
  });

  it('is recorded as failed by a scheduled run', async () => {
    const outcome = await withEmulator(regions, (url) => scheduledScan(scanOptions(url, 'scheduled'))(new AbortController().signal));
    expect(outcome).toMatchObject({ exitCode: EXIT.RUNTIME, status: 'failed', coverage: { status: 'failed' } });
    expect(outcome.error).toMatch(/nothing was collected/);
  });
});

describe('coverageVerdict', () => {
  const row = (status: 'complete' | 'partial' | 'failed' | 'denied') => ({ accountId: '1', regionId: 'r', api: 'DescribeSecurityGroups', status });
  it.each([
    [[], 'complete'],
    [[row('complete'), row('complete')], 'complete'],
    [[row('complete'), row('denied')], 'partial'],
    [[row('partial'), row('failed')], 'partial'],
    [[row('failed'), row('denied')], 'failed'],
    [[row('denied')], 'failed'],
  ] as const)('%j → %s', (coverage, verdict) => {
    expect(coverageVerdict(coverage as never)).toBe(verdict);
  });
});
