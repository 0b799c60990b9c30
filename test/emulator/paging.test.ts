import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS, startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { $Ecs, $Vpc, ecsClient, vpcClient } from './sdk-clients.js';
import { ACCOUNT, pagingEstate, REGION } from './estates.js';

describe('paging exactly like the real APIs, through the real SDK', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startEmulator({
      estate: pagingEstate({ bigGroupRules: 1200, extraGroups: 249, enis: 1100, eips: 250 }),
      credentials: [{ ...DEMO_CREDENTIALS, accountId: ACCOUNT }],
    });
  });
  afterAll(() => emulator.close());
  const ecs = () => ecsClient(emulator, DEMO_CREDENTIALS);

  it('pages 1,200 rules of one group in 3 pages of 500 (the default) via NextToken', async () => {
    const pages: number[] = [];
    const ids = new Set<string>();
    let nextToken: string | undefined;
    do {
      const response = await ecs().describeSecurityGroupAttribute(new $Ecs.DescribeSecurityGroupAttributeRequest({ regionId: REGION, securityGroupId: 'sg-big', nextToken }));
      const permissions = response.body?.permissions?.permission ?? [];
      pages.push(permissions.length);
      for (const permission of permissions) ids.add(permission.securityGroupRuleId ?? '');
      expect(response.body?.innerAccessPolicy).toBe('Accept');
      nextToken = response.body?.nextToken || undefined;
    } while (nextToken);
    expect(pages).toEqual([500, 500, 200]);
    expect(ids.size).toBe(1200);
  });

  it('returns up to 1,000 rules with MaxResults=1000 and rejects 1001', async () => {
    const first = await ecs().describeSecurityGroupAttribute(new $Ecs.DescribeSecurityGroupAttributeRequest({ regionId: REGION, securityGroupId: 'sg-big', maxResults: 1000 }));
    expect(first.body?.permissions?.permission).toHaveLength(1000);
    await expect(
      ecs().describeSecurityGroupAttribute(new $Ecs.DescribeSecurityGroupAttributeRequest({ regionId: REGION, securityGroupId: 'sg-big', maxResults: 1001 })),
    ).rejects.toMatchObject({ code: 'InvalidMaxResults.Malformed', statusCode: 400 });
  });

  it('filters rules by Direction', async () => {
    const egress = await ecs().describeSecurityGroupAttribute(new $Ecs.DescribeSecurityGroupAttributeRequest({ regionId: REGION, securityGroupId: 'sg-big', direction: 'egress', maxResults: 1000 }));
    expect(egress.body?.permissions?.permission).toHaveLength(240);
    expect(new Set(egress.body?.permissions?.permission?.map((p) => p.direction))).toEqual(new Set(['egress']));
  });

  it('pages 250 groups at 100 per page and rejects MaxResults=101', async () => {
    const sizes: number[] = [];
    let nextToken: string | undefined;
    do {
      const response = await ecs().describeSecurityGroups(new $Ecs.DescribeSecurityGroupsRequest({ regionId: REGION, maxResults: 100, nextToken }));
      sizes.push(response.body?.securityGroups?.securityGroup?.length ?? 0);
      nextToken = response.body?.nextToken || undefined;
    } while (nextToken);
    expect(sizes).toEqual([100, 100, 50]);
    await expect(ecs().describeSecurityGroups(new $Ecs.DescribeSecurityGroupsRequest({ regionId: REGION, maxResults: 101 }))).rejects.toMatchObject({
      code: 'InvalidMaxResults.Malformed',
    });
  });

  it('pages 1,100 ENIs at 500 per page', async () => {
    const sizes: number[] = [];
    let nextToken: string | undefined;
    do {
      const response = await ecs().describeNetworkInterfaces(new $Ecs.DescribeNetworkInterfacesRequest({ regionId: REGION, maxResults: 500, nextToken }));
      sizes.push(response.body?.networkInterfaceSets?.networkInterfaceSet?.length ?? 0);
      nextToken = response.body?.nextToken || undefined;
    } while (nextToken);
    expect(sizes).toEqual([500, 500, 100]);
    await expect(ecs().describeNetworkInterfaces(new $Ecs.DescribeNetworkInterfacesRequest({ regionId: REGION, maxResults: 501 }))).rejects.toMatchObject({
      code: 'InvalidMaxResults.Malformed',
    });
  });

  it('pages 250 VPC EIPs by PageNumber/PageSize 100 with TotalCount, and rejects PageSize 101', async () => {
    const vpc = vpcClient(emulator, DEMO_CREDENTIALS);
    const seen: string[] = [];
    for (let page = 1; page <= 3; page++) {
      const response = await vpc.describeEipAddresses(new $Vpc.DescribeEipAddressesRequest({ regionId: REGION, pageNumber: page, pageSize: 100 }));
      expect(response.body?.totalCount).toBe(250);
      expect(response.body?.pageNumber).toBe(page);
      seen.push(...(response.body?.eipAddresses?.eipAddress ?? []).map((eip) => eip.allocationId ?? ''));
    }
    expect(new Set(seen).size).toBe(250);
    await expect(vpc.describeEipAddresses(new $Vpc.DescribeEipAddressesRequest({ regionId: REGION, pageSize: 101 }))).rejects.toMatchObject({ statusCode: 400 });
    const recorded = emulator.requests().filter((r) => r.action === 'DescribeEipAddresses');
    expect(recorded.every((r) => r.product === 'vpc' && r.version === '2016-04-28')).toBe(true);
  });

  it('rejects a NextToken from another list', async () => {
    const groups = await ecs().describeSecurityGroups(new $Ecs.DescribeSecurityGroupsRequest({ regionId: REGION, maxResults: 10 }));
    const token = groups.body?.nextToken ?? '';
    expect(token).not.toBe('');
    await expect(ecs().describeNetworkInterfaces(new $Ecs.DescribeNetworkInterfacesRequest({ regionId: REGION, nextToken: token }))).rejects.toMatchObject({
      code: 'InvalidNextToken.Malformed',
    });
  });

  it('answers an empty list, not an error, for a real region the account has nothing in, and an error for a made-up one', async () => {
    const empty = await ecs().describeSecurityGroups(new $Ecs.DescribeSecurityGroupsRequest({ regionId: 'eu-central-1' }));
    expect(empty.body?.securityGroups?.securityGroup).toEqual([]);
    await expect(ecs().describeSecurityGroups(new $Ecs.DescribeSecurityGroupsRequest({ regionId: 'xx-nowhere-1' }))).rejects.toMatchObject({ code: 'InvalidRegionId.NotFound' });
    await expect(ecs().describeSecurityGroupAttribute(new $Ecs.DescribeSecurityGroupAttributeRequest({ regionId: REGION, securityGroupId: 'sg-nope' }))).rejects.toMatchObject({
      code: 'InvalidSecurityGroupId.NotFound',
      statusCode: 404,
    });
  });

  it('records every request with action, version, region, params and status', () => {
    const recorded = emulator.requests();
    expect(recorded.length).toBe(emulator.stats().requests);
    const first = recorded.find((r) => r.action === 'DescribeSecurityGroupAttribute');
    expect(first).toMatchObject({ product: 'ecs', version: '2014-05-26', regionId: REGION, accountId: ACCOUNT, status: 200, params: { SecurityGroupId: 'sg-big' } });
    expect(emulator.stats().byAction.DescribeSecurityGroupAttribute).toBeGreaterThanOrEqual(3);
  });
});
