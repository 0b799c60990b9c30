import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS, startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { $Ecs, $Sts, ecsClient, stsClient } from './sdk-clients.js';
import { ACCOUNT, OTHER_ACCOUNT, pagingEstate, REGION } from './estates.js';

describe('STS AssumeRole into another account of the estate', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startEmulator({
      estate: pagingEstate(),
      credentials: [{ ...DEMO_CREDENTIALS, accountId: ACCOUNT }],
    });
  });
  afterAll(() => emulator.close());

  const assume = (roleArn: string) =>
    stsClient(emulator, DEMO_CREDENTIALS).assumeRole(new $Sts.AssumeRoleRequest({ roleArn, roleSessionName: 'sgaudit', durationSeconds: 3600 }));

  it('hands out temporary keys that see the role account estate (with x-acs-security-token)', async () => {
    const response = await assume(`acs:ram::${OTHER_ACCOUNT}:role/sgaudit-readonly`);
    const credentials = response.body?.credentials;
    expect(credentials?.accessKeyId).toMatch(/^STS\./);
    expect(credentials?.securityToken).toBeTruthy();
    expect(Date.parse(credentials?.expiration ?? '')).toBeGreaterThan(Date.now());
    expect(response.body?.assumedRoleUser?.arn).toBe(`acs:ram::${OTHER_ACCOUNT}:role/sgaudit-readonly/sgaudit`);

    const keys = { accessKeyId: credentials?.accessKeyId ?? '', accessKeySecret: credentials?.accessKeySecret ?? '', securityToken: credentials?.securityToken ?? '' };
    const groups = await ecsClient(emulator, keys).describeSecurityGroups(new $Ecs.DescribeSecurityGroupsRequest({ regionId: REGION }));
    expect(groups.body?.securityGroups?.securityGroup?.map((g) => g.securityGroupId)).toEqual(['sg-other-account']);
    const mine = await ecsClient(emulator, DEMO_CREDENTIALS).describeSecurityGroups(new $Ecs.DescribeSecurityGroupsRequest({ regionId: REGION }));
    expect(mine.body?.securityGroups?.securityGroup?.map((g) => g.securityGroupId)).toEqual(['sg-big']);
    expect(emulator.requests().some((r) => r.action === 'AssumeRole' && r.product === 'sts' && r.params.RoleArn?.includes(OTHER_ACCOUNT))).toBe(true);

    // Temporary keys without their token are refused.
    const { securityToken: _dropped, ...withoutToken } = keys;
    await expect(ecsClient(emulator, withoutToken).describeSecurityGroups(new $Ecs.DescribeSecurityGroupsRequest({ regionId: REGION }))).rejects.toMatchObject({
      code: 'InvalidSecurityToken.MismatchWithAccessKey',
    });
  });

  it.each([
    ['acs:ram::4444333322221111:role/sgaudit-readonly', 'EntityNotExist.Role', 404],
    ['not-an-arn', 'InvalidParameter.RoleArn', 400],
  ])('refuses %s with %s', async (arn, code, status) => {
    await expect(assume(arn)).rejects.toMatchObject({ code, statusCode: status });
  });
});

describe('AssumeRole refused by policy', () => {
  it('answers 403 NoPermission for an account the caller may not enter', async () => {
    const emulator = await startEmulator({ estate: pagingEstate(), credentials: [{ ...DEMO_CREDENTIALS, accountId: ACCOUNT }], faults: { denyAssumeRoleAccounts: [OTHER_ACCOUNT] } });
    try {
      await expect(
        stsClient(emulator, DEMO_CREDENTIALS).assumeRole(new $Sts.AssumeRoleRequest({ roleArn: `acs:ram::${OTHER_ACCOUNT}:role/r`, roleSessionName: 's' })),
      ).rejects.toMatchObject({ code: 'NoPermission', statusCode: 403 });
    } finally {
      await emulator.close();
    }
  });
});
