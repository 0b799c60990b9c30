import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directoryFromFlags, faultsFromFlags, stsFromFlags } from '../../src/emulator/cli-options.js';
import { DEMO_CREDENTIALS, resourceDirectoryFor, sampleEstate, startEmulator, type ResourceDirectory, type RunningEmulator } from '../../src/emulator/index.js';
import { SAMPLE_ACCOUNTS } from '../../src/emulator/sample-estate.js';
import type { Estate } from '../../src/model/snapshot.js';
import { $Ecs, $ResourceManager, $Sts, ecsClient, resourceManagerClient, stsClient, type Keys } from './sdk-clients.js';

/**
 * The Resource Directory and STS as the real SDK clients see them: ListAccounts pages and folders,
 * who may list and assume what, and temporary keys that really expire.
 */
const MANAGEMENT = '1000000000000001';
const MEMBER_KEY = { accessKeyId: 'member-key', accessKeySecret: 'member-secret-123456' };
const OUTSIDER_KEY = { accessKeyId: 'outsider-key', accessKeySecret: 'outsider-secret-123456' };
const members = Array.from({ length: 23 }, (_, i) => `20000000000000${String(i).padStart(2, '0')}`);

const estate: Estate = {
  accounts: [
    { accountId: MANAGEMENT, alias: 'management', regions: [] },
    { accountId: members[0] as string, alias: 'prod-web', regions: [{ regionId: 'cn-hangzhou', securityGroups: [], instances: [], networkInterfaces: [], eips: [], prefixLists: [], addressGroups: [] }] },
    { accountId: '9000000000000009', alias: 'outsider', regions: [] },
  ],
};
const directory: ResourceDirectory = {
  id: 'rd-test',
  rootFolderId: 'r-root',
  managementAccountId: MANAGEMENT,
  folders: [
    { id: 'fd-prod', name: 'prod' },
    { id: 'fd-data', name: 'data', parentId: 'fd-prod' },
  ],
  members: [
    { accountId: MANAGEMENT, displayName: 'management', type: 'CloudAccount', joinMethod: 'created' },
    ...members.map((accountId, i) => ({
      accountId,
      displayName: i === 0 ? 'prod-web' : `member-${i}`,
      ...(i === 1 ? { folderId: 'fd-data' } : i < 5 ? { folderId: 'fd-prod' } : {}),
      ...(i === 2 ? { status: 'Suspended' } : {}),
    })),
  ],
};

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({
    estate,
    resourceDirectory: directory,
    credentials: [
      { ...DEMO_CREDENTIALS, accountId: MANAGEMENT },
      { ...MEMBER_KEY, accountId: members[3] as string },
      { ...OUTSIDER_KEY, accountId: '9000000000000009' },
    ],
    faults: { denyAssumeRoleAccounts: [members[4] as string] },
    sts: { lifetimeSeconds: 2 },
  });
});
afterAll(() => emulator.close());

const list = (keys: Keys, pageNumber?: number, pageSize?: number) =>
  resourceManagerClient(emulator, keys).listAccounts(new $ResourceManager.ListAccountsRequest({ ...(pageNumber ? { pageNumber } : {}), ...(pageSize ? { pageSize } : {}) }));
const assume = (keys: Keys, accountId: string, durationSeconds = 3600) =>
  stsClient(emulator, keys).assumeRole(new $Sts.AssumeRoleRequest({ roleArn: `acs:ram::${accountId}:role/ResourceDirectoryAccountAccessRole`, roleSessionName: 'sgaudit-test', durationSeconds }));

describe('ListAccounts', () => {
  it('pages with PageNumber/PageSize (default 10, at most 100) and TotalCount, the management account first', async () => {
    const first = await list(DEMO_CREDENTIALS);
    expect(first.body).toMatchObject({ pageNumber: 1, pageSize: 10, totalCount: 24 });
    expect(first.body?.accounts?.account).toHaveLength(10);
    const seen: string[] = [];
    for (let page = 1; page <= 3; page++) seen.push(...((await list(DEMO_CREDENTIALS, page, 10)).body?.accounts?.account ?? []).map((a) => a.accountId ?? ''));
    expect(seen).toEqual([MANAGEMENT, ...members]);
    expect((await list(DEMO_CREDENTIALS, 1, 100)).body?.accounts?.account).toHaveLength(24);
    expect((await list(DEMO_CREDENTIALS, 4, 10)).body?.accounts?.account).toEqual([]);
  });

  it('describes each member as the SDK model names it: folder, path through the folders, status', async () => {
    const accounts = (await list(DEMO_CREDENTIALS, 1, 100)).body?.accounts?.account ?? [];
    const byId = new Map(accounts.map((a) => [a.accountId, a]));
    expect(byId.get(members[1])).toMatchObject({ displayName: 'member-1', folderId: 'fd-data', resourceDirectoryId: 'rd-test', resourceDirectoryPath: `rd-test/r-root/fd-prod/fd-data/${members[1]}`, status: 'CreateSuccess', type: 'ResourceAccount' });
    expect(byId.get(members[2])).toMatchObject({ status: 'Suspended', folderId: 'fd-prod', resourceDirectoryPath: `rd-test/r-root/fd-prod/${members[2]}` });
    expect(byId.get(MANAGEMENT)).toMatchObject({ folderId: 'r-root', type: 'CloudAccount', joinMethod: 'created', resourceDirectoryPath: `rd-test/r-root/${MANAGEMENT}` });
    expect(byId.get(members[20])?.tags).toBeUndefined();
    const tagged = await resourceManagerClient(emulator, DEMO_CREDENTIALS).listAccounts(new $ResourceManager.ListAccountsRequest({ includeTags: true, pageSize: 1 }));
    expect(tagged.body?.accounts?.account?.[0]?.tags).toEqual(expect.objectContaining({ tag: [] }));
  });

  it.each<[string, () => Promise<unknown>, string, number]>([
    ['a member may not list the directory', () => list(MEMBER_KEY), 'MemberAccountAccessDenied', 403],
    ['an account in no directory has none', () => list(OUTSIDER_KEY), 'EntityNotExists.ResourceDirectory', 404],
    ['PageSize above 100', () => list(DEMO_CREDENTIALS, 1, 101), 'InvalidPageSize.Malformed', 400],
  ])('%s: %s', async (_name, run, code, statusCode) => {
    await expect(run()).rejects.toMatchObject({ code, statusCode });
  });

  it('without a directory, ListAccounts says there is none', async () => {
    const bare = await startEmulator({ estate, resourceDirectory: false });
    try {
      await expect(resourceManagerClient(bare, DEMO_CREDENTIALS).listAccounts(new $ResourceManager.ListAccountsRequest({}))).rejects.toMatchObject({ code: 'EntityNotExists.ResourceDirectory' });
    } finally {
      await bare.close();
    }
  });
});

describe('AssumeRole into members', () => {
  it.each<[string, () => Promise<unknown>, string | undefined]>([
    ['the management account into a member', () => assume(DEMO_CREDENTIALS, members[0] as string), undefined],
    ['into a member without resources of its own', () => assume(DEMO_CREDENTIALS, members[9] as string), undefined],
    ['into a suspended member: STS does not look at the status', () => assume(DEMO_CREDENTIALS, members[2] as string), undefined],
    ['into a member whose role is denied', () => assume(DEMO_CREDENTIALS, members[4] as string), 'NoPermission'],
    ['a member into another member: the role trusts the management account only', () => assume(MEMBER_KEY, members[0] as string), 'NoPermission'],
    ['an account outside the directory into a member', () => assume(OUTSIDER_KEY, members[0] as string), 'NoPermission'],
    ['DurationSeconds below 900', () => assume(DEMO_CREDENTIALS, members[0] as string, 899), 'InvalidParameter.DurationSeconds'],
    ['DurationSeconds above 43200', () => assume(DEMO_CREDENTIALS, members[0] as string, 43201), 'InvalidParameter.DurationSeconds'],
  ])('%s', async (_name, run, code) => {
    if (code === undefined) await expect(run()).resolves.toMatchObject({ body: { credentials: { accessKeyId: expect.stringMatching(/^STS\./) } } });
    else await expect(run()).rejects.toMatchObject({ code });
  });

  it('sessions last the configured short lifetime, say so in Expiration, and are refused once expired', async () => {
    const response = await assume(DEMO_CREDENTIALS, members[0] as string, 3600);
    const credentials = response.body?.credentials;
    const keys = { accessKeyId: credentials?.accessKeyId ?? '', accessKeySecret: credentials?.accessKeySecret ?? '', securityToken: credentials?.securityToken ?? '' };
    const expiration = Date.parse(credentials?.expiration ?? '');
    // DurationSeconds asked an hour; the emulator's STS gives 2 s, to the second as STS writes it.
    expect(expiration - Date.now()).toBeLessThanOrEqual(2_000);
    expect(expiration - Date.now()).toBeGreaterThan(-1_000);
    const describe = () => ecsClient(emulator, keys).describeSecurityGroups(new $Ecs.DescribeSecurityGroupsRequest({ regionId: 'cn-hangzhou' }));
    await expect(describe()).resolves.toMatchObject({ body: { securityGroups: { securityGroup: [] } } });
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    await expect(describe()).rejects.toMatchObject({ code: 'InvalidSecurityToken.Expired', statusCode: 400 });
    const issued = emulator.stsSessions().find((session) => session.accessKeyId === keys.accessKeyId);
    expect(issued).toMatchObject({ accountId: members[0], sessionName: 'sgaudit-test', accessKeySecret: keys.accessKeySecret });
    expect((issued?.expiresAt ?? 0) - (issued?.issuedAt ?? 0)).toBe(2_000);
  });
});

describe('a clock behind STS', () => {
  it('expireEarlyMs: the session stops working before its announced Expiration', async () => {
    const skewed = await startEmulator({ estate, resourceDirectory: directory, sts: { lifetimeSeconds: 3, expireEarlyMs: 2_500 } });
    try {
      const response = await stsClient(skewed, DEMO_CREDENTIALS).assumeRole(
        new $Sts.AssumeRoleRequest({ roleArn: `acs:ram::${members[0]}:role/r`, roleSessionName: 's1', durationSeconds: 900 }),
      );
      const c = response.body?.credentials;
      const keys = { accessKeyId: c?.accessKeyId ?? '', accessKeySecret: c?.accessKeySecret ?? '', securityToken: c?.securityToken ?? '' };
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(Date.parse(c?.expiration ?? '')).toBeGreaterThan(Date.now());
      await expect(ecsClient(skewed, keys).describeSecurityGroups(new $Ecs.DescribeSecurityGroupsRequest({ regionId: 'cn-hangzhou' }))).rejects.toMatchObject({ code: 'InvalidSecurityToken.Expired' });
    } finally {
      await skewed.close();
    }
  });
});

describe('sgaudit emulator flags', () => {
  it('--member-status, --deny-role and --token-lifetime', () => {
    const sample = sampleEstate();
    expect(directoryFromFlags({ memberStatus: [`${SAMPLE_ACCOUNTS.shared}=Suspended`] }, sample)).toEqual(resourceDirectoryFor(sample, { statuses: { [SAMPLE_ACCOUNTS.shared]: 'Suspended' } }));
    expect(directoryFromFlags({}, sample).managementAccountId).toBe(SAMPLE_ACCOUNTS.production);
    expect(faultsFromFlags({ denyRole: [SAMPLE_ACCOUNTS.shared] })).toEqual({ denyAssumeRoleAccounts: [SAMPLE_ACCOUNTS.shared] });
    expect(stsFromFlags({ tokenLifetime: '20' })).toEqual({ lifetimeSeconds: 20 });
    expect(stsFromFlags({})).toBeUndefined();
  });

  it.each<[string, () => unknown, RegExp]>([
    ['a status without an account', () => directoryFromFlags({ memberStatus: ['Suspended'] }, sampleEstate()), /--member-status takes ACCOUNT=STATUS/],
    ['an account the estate does not have', () => directoryFromFlags({ memberStatus: ['42=Suspended'] }, sampleEstate()), /--member-status: 42 is not an account of the estate/],
    ['a lifetime of zero', () => stsFromFlags({ tokenLifetime: '0' }), /--token-lifetime must be at least 1 second/],
    ['a lifetime that is no number', () => stsFromFlags({ tokenLifetime: 'soon' }), /--token-lifetime must be a number/],
  ])('refuses %s', (_name, run, message) => {
    expect(run).toThrow(message);
  });
});
