import { describe, expect, it } from 'vitest';
import { planAccounts, type AccountSpec, type DiscoverOptions } from '../../src/collect/accounts.js';
import { selectMembers, type DirectoryMember } from '../../src/collect/alicloud/resource-directory.js';

const MANAGEMENT = '1000000000000001';

function member(accountId: string, displayName: string, status = 'CreateSuccess', folders: string[] = ['r-root']): DirectoryMember {
  return { accountId, displayName, folderId: folders.at(-1) as string, folderPath: folders, status, requestId: `REQ-${accountId.slice(-1)}` };
}

const DIRECTORY: DirectoryMember[] = [
  member(MANAGEMENT, 'management'),
  member('2000000000000002', 'prod-web', 'InviteSuccess', ['r-root', 'fd-prod']),
  member('3000000000000003', 'prod-db', 'PromoteFailed', ['r-root', 'fd-prod', 'fd-prod-data']),
  member('4000000000000004', 'sandbox-1', 'Suspended', ['r-root', 'fd-sandbox']),
  member('5000000000000005', 'Sandbox-2', 'CreateSuccess', ['r-root', 'fd-sandbox']),
];
const ids = (members: DirectoryMember[]) => members.map((m) => m.displayName);

describe('selectMembers: folder, id/name globs, exclusions, statuses', () => {
  it.each<[string, Parameters<typeof selectMembers>[1], string[]]>([
    ['no filter: every member, listed order', {}, ['management', 'prod-web', 'prod-db', 'sandbox-1', 'Sandbox-2']],
    ['a folder includes its subfolders', { folders: ['fd-prod'] }, ['prod-web', 'prod-db']],
    ['a subfolder alone', { folders: ['fd-prod-data'] }, ['prod-db']],
    ['the root folder is every member', { folders: ['r-root'] }, ['management', 'prod-web', 'prod-db', 'sandbox-1', 'Sandbox-2']],
    ['a name glob, case-insensitive', { accounts: ['sandbox-*'] }, ['sandbox-1', 'Sandbox-2']],
    ['an id', { accounts: ['3000000000000003'] }, ['prod-db']],
    ['an id glob', { accounts: ['2*', '5*'] }, ['prod-web', 'Sandbox-2']],
    ['exclude beats include', { accounts: ['prod-*'], exclude: ['*-db'] }, ['prod-web']],
    ['statuses (any case)', { statuses: ['suspended', 'InviteSuccess'] }, ['prod-web', 'sandbox-1']],
    ['folder and glob together', { folders: ['fd-sandbox'], accounts: ['*2'] }, ['Sandbox-2']],
    ['nothing matches', { accounts: ['nope-*'] }, []],
  ])('%s', (_name, filter, expected) => {
    expect(ids(selectMembers(DIRECTORY, filter))).toEqual(expected);
  });
});

type Planned = { accountId?: string; alias?: string; roleArn?: string };

describe('planAccounts: explicit accounts, discovered members, the caller', () => {
  const role = (id: string, name = 'ResourceDirectoryAccountAccessRole') => `acs:ram::${id}:role/${name}`;
  it.each<[string, { explicit: AccountSpec[]; discover?: DiscoverOptions; members?: DirectoryMember[]; caller?: string }, Planned[], string[]]>([
    ['nothing configured: the credentials’ own account', { explicit: [] }, [{}], []],
    ['explicit only, as given', { explicit: [{ accountId: '7', alias: 'x', roleArn: role('7', 'r') }, { accountId: '8' }] }, [{ accountId: '7', alias: 'x', roleArn: role('7', 'r') }, { accountId: '8' }], []],
    ['an explicit role ARN names its account', { explicit: [{ roleArn: role('9', 'r') }] }, [{ accountId: '9', roleArn: role('9', 'r') }], []],
    [
      'discovery: members through the default role, the management account with its own keys, the suspended one skipped',
      { explicit: [], discover: {}, members: DIRECTORY, caller: MANAGEMENT },
      [
        { accountId: MANAGEMENT, alias: 'management' },
        { accountId: '2000000000000002', alias: 'prod-web', roleArn: role('2000000000000002') },
        { accountId: '3000000000000003', alias: 'prod-db', roleArn: role('3000000000000003') },
        { accountId: '5000000000000005', alias: 'Sandbox-2', roleArn: role('5000000000000005') },
      ],
      ['4000000000000004 AssumeRole failed AccountNotActive REQ-4 "Suspended"'],
    ],
    [
      'a configured role name; the caller unknown, so even the management account is assumed',
      { explicit: [], discover: { roleName: 'sgaudit-ro', accounts: ['management'] }, members: DIRECTORY },
      [{ accountId: MANAGEMENT, alias: 'management', roleArn: role(MANAGEMENT, 'sgaudit-ro') }],
      [],
    ],
    [
      'an explicit entry overrides its member: alias and role win, and it is collected although suspended',
      { explicit: [{ accountId: '4000000000000004', alias: 'legacy', roleArn: role('4000000000000004', 'audit') }], discover: { folders: ['fd-sandbox'] }, members: DIRECTORY, caller: MANAGEMENT },
      [
        { accountId: '4000000000000004', alias: 'legacy', roleArn: role('4000000000000004', 'audit') },
        { accountId: '5000000000000005', alias: 'Sandbox-2', roleArn: role('5000000000000005') },
      ],
      [],
    ],
    [
      'an explicit entry without a role inherits the discovery role and the display name',
      { explicit: [{ accountId: '2000000000000002' }], discover: { accounts: ['prod-web'] }, members: DIRECTORY, caller: MANAGEMENT },
      [{ accountId: '2000000000000002', alias: 'prod-web', roleArn: role('2000000000000002') }],
      [],
    ],
    [
      'an explicit account outside the directory keeps the starting keys',
      { explicit: [{ accountId: '6000000000000006', alias: 'outside' }], discover: { folders: ['fd-none'] }, members: DIRECTORY, caller: MANAGEMENT },
      [{ accountId: '6000000000000006', alias: 'outside' }],
      [],
    ],
    ['discovery failed (no members): only the explicit accounts', { explicit: [{ accountId: '7' }], discover: {} }, [{ accountId: '7' }], []],
    ['discovery failed and nothing explicit: nothing to collect', { explicit: [], discover: {} }, [], []],
  ])('%s', (_name, input, accounts, skipped) => {
    const plan = planAccounts({
      explicit: input.explicit,
      ...(input.discover ? { discover: input.discover } : {}),
      ...(input.members ? { members: input.members } : {}),
      ...(input.caller ? { callerAccountId: input.caller } : {}),
    });
    expect(plan.accounts).toEqual(accounts);
    expect(plan.skipped.map((entry) => `${entry.accountId} ${entry.api} ${entry.status} ${entry.code} ${entry.requestId} ${/"[^"]+"/.exec(entry.message ?? '')?.[0]}`)).toEqual(skipped);
    for (const entry of plan.skipped) expect(entry).toMatchObject({ regionId: 'global', alias: 'sandbox-1', requests: 0, items: 0 });
  });
});
