import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectSnapshot } from '../../src/collect/index.js';
import { DEMO_CREDENTIALS, sampleEstate, startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { readSnapshot } from '../../src/model/snapshot-file.js';
import { canonicalAccounts, roleArnsFor, withTempDir } from './helpers.js';

describe('round trip: collect(emulator(sampleEstate())) equals the sample estate', () => {
  const estate = sampleEstate();
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startEmulator({ estate });
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('every account (via AssumeRole), every region DescribeRegions lists, every resource', async () => {
    await withTempDir(async (dir) => {
      const result = await collectSnapshot({ endpoint: emulator.url, credentials: DEMO_CREDENTIALS, accounts: roleArnsFor(estate.accounts), out: join(dir, 'sample.jsonl.gz') });
      expect(result.header.coverage.filter((entry) => entry.status !== 'complete')).toEqual([]);
      const snapshot = await readSnapshot(result.path);
      expect(canonicalAccounts(snapshot.accounts)).toEqual(canonicalAccounts(estate.accounts));
    });
  });

  it('keeps malformed rules with their problems instead of dropping them', async () => {
    const malformed = estate.accounts.flatMap((account) => account.regions.flatMap((region) => region.securityGroups.flatMap((group) => group.rules.filter((rule) => rule.problems))));
    expect(malformed.length).toBeGreaterThan(0);
    await withTempDir(async (dir) => {
      const result = await collectSnapshot({ endpoint: emulator.url, credentials: DEMO_CREDENTIALS, accounts: roleArnsFor(estate.accounts), out: join(dir, 's.jsonl.gz') });
      const snapshot = await readSnapshot(result.path);
      const collected = snapshot.accounts.flatMap((account) => account.regions.flatMap((region) => region.securityGroups.flatMap((group) => group.rules.filter((rule) => rule.problems))));
      expect(collected.map((rule) => rule.problems?.map(({ field, value }) => ({ field, value })))).toEqual(malformed.map((rule) => rule.problems?.map(({ field, value }) => ({ field, value }))));
    });
  });
});
