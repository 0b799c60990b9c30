/**
 * The Huawei collector through the real Huawei SDKs against the emulator: paging (a group of
 * 1,000 rules inside a project-wide rule listing of two pages, 500 servers in three pages),
 * injected throttling and 5xx, signature refusal. Collected = estate, exactly.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectSnapshot } from '../../src/collect/index.js';
import { huaweiProjectId, startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { readSnapshot } from '../../src/model/snapshot-file.js';
import { canonicalAccounts, withTempDir } from './helpers.js';
import { huaweiEstate } from './huawei-estate.js';

const ACCOUNT = 'hw-domain-1';
const REGION = 'cn-north-4';
const FAST_RETRY = { maxAttempts: 8, baseDelayMs: 5, maxDelayMs: 40 };

describe('Huawei Cloud collector against the emulator, through the real SDKs', () => {
  const account = huaweiEstate({ accountId: ACCOUNT, regionId: REGION, servers: 500, rulesInBigGroup: 1000, groups: 30 });
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startEmulator({ estate: { accounts: [account] }, faults: { throttleRate: 0.2, errorRate: 0.2 }, seed: 7 });
  });
  afterAll(async () => {
    await emulator.close();
  });

  const spec = () => {
    const key = emulator.huaweiCredentials()[0]!;
    return { accountId: ACCOUNT, alias: 'huawei prod', accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey, projects: { [REGION]: huaweiProjectId(ACCOUNT, REGION) } };
  };

  it('pages every listing, retries throttling and 5xx, and gives back the estate exactly', async () => {
    await withTempDir(async (dir) => {
      const result = await collectSnapshot({ providers: ['huaweicloud'], huawei: { endpoint: emulator.url, accounts: [spec()] }, retry: FAST_RETRY, out: join(dir, 'hw.jsonl.gz') });
      expect(result.header.coverage.filter((entry) => entry.status !== 'complete')).toEqual([]);
      expect(result.header.provider).toBe('huaweicloud');
      const snapshot = await readSnapshot(result.path);
      expect(snapshot.accounts[0]?.provider).toBe('huaweicloud');
      expect(canonicalAccounts(snapshot.accounts)).toEqual(canonicalAccounts([account]));
      // Sequence order is data: the collected ports list their groups exactly as the estate.
      const ports = snapshot.accounts[0]!.regions[0]!.networkInterfaces;
      expect(ports.find((port) => port.id === 'hw-port-7')?.securityGroupIds).toEqual(['hw-sg-7', 'hw-sg-10']);

      const answered = emulator.requests().filter((request) => request.status === 200);
      const pages = (action: string) => answered.filter((request) => request.action === action).length;
      expect(pages('ListSecurityGroupRules')).toBe(2);
      expect(pages('ListServersDetails')).toBe(3);
      expect(result.stats.throttled).toBeGreaterThan(0);
      expect(emulator.stats().faults.error5xx).toBeGreaterThan(0);
      const rules = snapshot.accounts[0]!.regions[0]!.securityGroups.find((group) => group.id === 'hw-sg-0')!.rules;
      expect(rules).toHaveLength(1000);
    });
  });

  it('a wrong secret is a denied API naming account, region, code and request id, and the secret is nowhere', async () => {
    await withTempDir(async (dir) => {
      const secret = 'not-the-right-secret-1234';
      const result = await collectSnapshot({ providers: ['huaweicloud'], huawei: { endpoint: emulator.url, accounts: [{ ...spec(), secretAccessKey: secret }] }, retry: FAST_RETRY, out: join(dir, 'denied.jsonl.gz') });
      const entries = result.header.coverage;
      expect(entries.map((entry) => [entry.accountId, entry.regionId, entry.api, entry.status, entry.code])).toContainEqual([ACCOUNT, REGION, 'ListSecurityGroups', 'denied', 'APIGW.0301']);
      expect(entries.every((entry) => /^[0-9a-f]{32}$/.test(entry.requestId ?? ''))).toBe(true);
      expect(JSON.stringify(await readSnapshot(result.path))).not.toContain(secret);
    });
  });
});
