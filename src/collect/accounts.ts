import type { Coverage } from '../model/snapshot.js';
import { accountIdFromRoleArn, roleArnFor } from './alicloud/arn.js';
import { ACTIVE_MEMBER_STATUSES, selectMembers, type DirectoryMember, type MemberFilter } from './alicloud/resource-directory.js';

/**
 * Which accounts a run collects, and how it enters each: the accounts listed in the config (or
 * flags), the members Resource Directory discovery selected, or the credentials' own account.
 * Pure: the listing is done by the caller, so the merge rules are tested as a table.
 */

/** An account of `accounts:` / `--accounts`: an id, an alias, a role to assume (none: the credentials' own keys). */
export interface AccountSpec {
  accountId?: string;
  alias?: string;
  roleArn?: string;
}

export interface DiscoverOptions extends MemberFilter {
  /** The role assumed in each member; default ResourceDirectoryAccountAccessRole. */
  roleName?: string;
}

const DEFAULT_MEMBER_ROLE = 'ResourceDirectoryAccountAccessRole';

/** An account to collect. Without `accountId`, the credentials' own (STS GetCallerIdentity names it). */
export interface PlannedAccount {
  accountId?: string;
  alias?: string;
  /** Absent: collected with the starting credentials, no AssumeRole. */
  roleArn?: string;
}

export interface AccountPlan {
  accounts: PlannedAccount[];
  /** Selected members that are not active: recorded as not collected, with the ListAccounts request that said so. */
  skipped: Coverage[];
}

/** Coverage rows for calls that are not tied to one region (AssumeRole, DescribeRegions, ListAccounts). */
export const GLOBAL_REGION = 'global';

/**
 * The merge:
 * - no explicit accounts and no discovery: the credentials' own account;
 * - discovered members selected by the filter, entered through `roleName` — except the management
 *   account itself (the caller), which is read with the starting credentials (the member role
 *   exists in members only);
 * - an explicit entry overrides the discovered member of the same id: its alias and role win, and it
 *   is collected even when its status or the filter would have left it out (it was asked for by
 *   name); without a role of its own it inherits the discovery role when it is a member;
 * - a selected member whose status is not active is skipped and recorded, not assumed.
 */
export function planAccounts(input: {
  explicit: readonly AccountSpec[];
  discover?: DiscoverOptions;
  /** Undefined when discovery is off or ListAccounts failed. */
  members?: readonly DirectoryMember[];
  /** The starting credentials' account, when known. */
  callerAccountId?: string;
}): AccountPlan {
  const { explicit, discover, members } = input;
  if (!discover && explicit.length === 0) return { accounts: [{}], skipped: [] };
  const roleName = discover?.roleName ?? DEFAULT_MEMBER_ROLE;
  const byId = new Map((members ?? []).map((member) => [member.accountId, member]));
  const roleFor = (accountId: string) => (accountId === input.callerAccountId ? undefined : roleArnFor(accountId, roleName));

  const accounts: PlannedAccount[] = [];
  const explicitIds = new Set<string>();
  for (const spec of explicit) {
    const accountId = spec.accountId ?? (spec.roleArn ? (accountIdFromRoleArn(spec.roleArn) ?? spec.roleArn) : undefined);
    if (accountId !== undefined) explicitIds.add(accountId);
    const member = accountId === undefined ? undefined : byId.get(accountId);
    const alias = spec.alias ?? (member?.displayName || undefined);
    const roleArn = spec.roleArn ?? (member && accountId !== undefined ? roleFor(accountId) : undefined);
    accounts.push({ ...(accountId !== undefined ? { accountId } : {}), ...(alias ? { alias } : {}), ...(roleArn ? { roleArn } : {}) });
  }

  const skipped: Coverage[] = [];
  if (discover && members) {
    for (const member of selectMembers(members, discover)) {
      if (explicitIds.has(member.accountId)) continue;
      const alias = member.displayName || undefined;
      if (!ACTIVE_MEMBER_STATUSES.has(member.status)) {
        skipped.push({
          accountId: member.accountId,
          ...(alias ? { alias } : {}),
          regionId: GLOBAL_REGION,
          api: 'AssumeRole',
          status: 'failed',
          code: 'AccountNotActive',
          message: `not attempted: the Resource Directory lists this member as ${member.status ? `"${member.status}"` : 'without a status'}, not active`,
          ...(member.requestId ? { requestId: member.requestId } : {}),
          requests: 0,
          items: 0,
        });
        continue;
      }
      const roleArn = roleFor(member.accountId);
      accounts.push({ accountId: member.accountId, ...(alias ? { alias } : {}), ...(roleArn ? { roleArn } : {}) });
    }
  }
  return { accounts, skipped };
}
