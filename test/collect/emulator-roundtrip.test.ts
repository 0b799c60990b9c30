import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectSnapshot } from '../../src/collect/index.js';
import { DEMO_CREDENTIALS, generateEstate, startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { readSnapshot } from '../../src/model/snapshot-file.js';
import type { Estate, Rule, SecurityGroup } from '../../src/model/snapshot.js';
import { canonicalAccounts, roleArnsFor, withTempDir } from './helpers.js';

/** A generated estate big enough to cross every page boundary, plus one group of 1,200 rules. */
function pagingEstate(): Estate {
  const estate = generateEstate({ instances: 150, groups: 130, rulesPerGroup: 4, enis: 620, eips: 130, regions: 1, accounts: 1, prefixLists: 3, seed: 7 });
  const region = estate.accounts[0]!.regions[0]!;
  const rules: Rule[] = Array.from({ length: 1200 }, (_, index) => ({
    id: `sgr-big-${index}`,
    direction: 'ingress',
    policy: index % 7 === 0 ? 'drop' : 'accept',
    priority: 1 + (index % 100),
    protocol: 'tcp',
    ports: { from: 1000 + index, to: 1000 + index },
    source: { cidr: `10.${Math.floor(index / 250)}.${index % 250}.0/24` },
  }));
  const big: SecurityGroup = { id: 'sg-big-1200', name: 'big', description: '1,200 rules', vpcId: 'vpc-big', type: 'normal', innerAccessPolicy: 'accept', serviceManaged: false, tags: {}, rules };
  region.securityGroups.push(big);
  // A classic-network group (no VpcId): its rules come one NicType per call.
  const classic: SecurityGroup = {
    id: 'sg-classic-1', name: 'classic', description: 'pre-VPC', type: 'normal', innerAccessPolicy: 'accept', serviceManaged: false, tags: {},
    rules: [
      { id: 'sgr-c-1', direction: 'ingress', policy: 'accept', priority: 1, protocol: 'tcp', ports: { from: 80, to: 80 }, source: { cidr: '0.0.0.0/0' }, nicType: 'internet' },
      { id: 'sgr-c-2', direction: 'ingress', policy: 'accept', priority: 1, protocol: 'tcp', ports: { from: 22, to: 22 }, source: { cidr: '10.0.0.0/8' }, nicType: 'intranet' },
    ],
  };
  region.securityGroups.push(classic);
  return estate;
}

describe('collect through the real SDK against the emulator', () => {
  let emulator: RunningEmulator;
  const estate = pagingEstate();
  const region = estate.accounts[0]!.regions[0]!;

  beforeAll(async () => {
    emulator = await startEmulator({ estate });
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('the estate really crosses every page boundary', () => {
    expect(region.securityGroups.length).toBeGreaterThan(100);
    expect(region.instances.length).toBeGreaterThan(100);
    expect(region.networkInterfaces.length).toBeGreaterThan(500);
    expect(region.eips.length).toBeGreaterThan(100);
    expect(region.networkInterfaces.some((eni) => eni.type === 'Secondary' && eni.instanceId && eni.securityGroupIds.length > 0)).toBe(true);
    expect(region.eips.some((eip) => eip.boundInstanceType === 'NetworkInterface')).toBe(true);
    expect(region.prefixLists.some((list) => list.entries.length > 0)).toBe(true);
    expect(region.networkInterfaces.some((eni) => eni.ipv6Addresses.length > 0)).toBe(true);
  });

  it('comes back whole: 1,200-rule group, >100 groups/instances/EIPs, >500 ENIs, equal to the estate', async () => {
    await withTempDir(async (dir) => {
      const result = await collectSnapshot({
        endpoint: emulator.url,
        credentials: DEMO_CREDENTIALS,
        accounts: [{ accountId: estate.accounts[0]!.accountId }],
        regions: [region.regionId],
        out: join(dir, 'snap.jsonl.gz'),
      });
      expect(result.header.coverage.every((entry) => entry.status === 'complete')).toBe(true);
      const snapshot = await readSnapshot(result.path);
      const collected = snapshot.accounts[0]!.regions[0]!;
      expect(collected.securityGroups.find((group) => group.id === 'sg-big-1200')?.rules).toHaveLength(1200);
      expect(canonicalAccounts(snapshot.accounts)).toEqual(canonicalAccounts(estate.accounts));

      // Largest page sizes: 1,200 rules in 2 pages, ENIs in ceil(n/500) pages, EIPs by 100.
      const requests = emulator.requests();
      const bigGroupCalls = requests.filter((r) => r.action === 'DescribeSecurityGroupAttribute' && r.params.SecurityGroupId === 'sg-big-1200');
      expect(bigGroupCalls).toHaveLength(2);
      expect(bigGroupCalls.every((r) => r.params.MaxResults === '1000')).toBe(true);
      const classicCalls = requests.filter((r) => r.action === 'DescribeSecurityGroupAttribute' && r.params.SecurityGroupId === 'sg-classic-1');
      expect(classicCalls.map((r) => r.params.NicType).sort()).toEqual(['internet', 'intranet']);
      expect(collected.securityGroups.find((group) => group.id === 'sg-classic-1')?.rules.map((rule) => rule.nicType).sort()).toEqual(['internet', 'intranet']);
      expect(requests.filter((r) => r.action === 'DescribeNetworkInterfaces')).toHaveLength(Math.ceil(region.networkInterfaces.length / 500));
      expect(requests.filter((r) => r.action === 'DescribeEipAddresses' && r.version === '2016-04-28')).toHaveLength(Math.ceil(region.eips.length / 100));
      expect(requests.filter((r) => r.action === 'DescribeSecurityGroups')).toHaveLength(Math.ceil(region.securityGroups.length / 100));
      expect(requests.filter((r) => r.action === 'DescribeInstances')).toHaveLength(Math.ceil(region.instances.length / 100));
    });
  });
});

describe('multi-account through STS AssumeRole', () => {
  const estate = generateEstate({ instances: 20, groups: 8, rulesPerGroup: 3, enis: 30, eips: 4, accounts: 2, regions: 2, prefixLists: 1, seed: 11 });
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startEmulator({ estate, faults: { denyAssumeRoleAccounts: [estate.accounts[1]!.accountId] } });
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('collects the account it may assume into and records the refused one as denied', async () => {
    await withTempDir(async (dir) => {
      const [first, second] = estate.accounts;
      const result = await collectSnapshot({ endpoint: emulator.url, credentials: DEMO_CREDENTIALS, accounts: roleArnsFor(estate.accounts), out: join(dir, 's.jsonl.gz') });
      const snapshot = await readSnapshot(result.path);
      expect(canonicalAccounts(snapshot.accounts)).toEqual(canonicalAccounts([first!]));
      const assume = result.header.coverage.filter((entry) => entry.api === 'AssumeRole');
      expect(assume.find((entry) => entry.accountId === first!.accountId)?.status).toBe('complete');
      const refused = assume.find((entry) => entry.accountId === second!.accountId);
      expect(refused).toMatchObject({ status: 'denied', regionId: 'global' });
      expect(refused?.code).toBeTruthy();
      expect(refused?.requestId).toBeTruthy();
      // The temporary credentials, not the base key, signed the account's calls.
      const accountCalls = emulator.requests().filter((r) => r.action === 'DescribeSecurityGroups');
      expect(accountCalls.length).toBeGreaterThan(0);
      expect(accountCalls.every((r) => r.accountId === first!.accountId && r.accessKeyId !== DEMO_CREDENTIALS.accessKeyId)).toBe(true);
    });
  });
});
