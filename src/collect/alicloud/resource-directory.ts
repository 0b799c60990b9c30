import { accountMatcher } from '../../config/account-selector.js';
import { BOOTSTRAP_REGION, type ClientFactory } from './clients.js';
import { pageByNumber, RESOURCE_DIRECTORY_MEMBERS, type Caller } from './paginate.js';

/**
 * Resource Directory discovery: the members ListAccounts returns (all folders, paged), and which of
 * them a run audits. Only the management account (or a delegated administrator) may list them.
 */

/** A member as the collector needs it; `requestId` is that of the ListAccounts page that listed it. */
export interface DirectoryMember {
  accountId: string;
  displayName: string;
  folderId: string;
  /** Folder ids from the root down to the member's folder (from ResourceDirectoryPath). */
  folderPath: string[];
  status: string;
  requestId?: string;
}

/**
 * Statuses of a member that is part of the directory and usable: created or invited, and the
 * states of an upgrade from resource account to cloud account, which leave the member working
 * whatever their outcome. Anything else (a suspended member, one being created or removed) is not
 * active: a suspended member can often still be assumed, so AssumeRole succeeding proves nothing,
 * and such a member is skipped and recorded, never read as empty.
 */
export const ACTIVE_MEMBER_STATUSES: ReadonlySet<string> = new Set([
  'CreateSuccess',
  'InviteSuccess',
  'PromoteSuccess',
  'PromoteVerifying',
  'PromoteFailed',
  'PromoteExpired',
  'PromoteCancelled',
]);

export interface MemberFilter {
  /** Folder ids (fd-…, or the root r-…): members in them or in their subfolders. */
  folders?: readonly string[];
  /** Globs on the account id or display name: only members matching one. */
  accounts?: readonly string[];
  /** Globs on the account id or display name: members to leave out. */
  exclude?: readonly string[];
  /** Only members with one of these statuses. */
  statuses?: readonly string[];
}

/** `rd-3Gxxxx/r-Wmxxxx/fd-bVaRxxxx/1817…` → the folder ids, root first. */
function folderPathOf(path: string | undefined, folderId: string): string[] {
  const parts = (path ?? '').split('/').filter((part) => /^(r|fd)-/.test(part));
  if (folderId && !parts.includes(folderId)) parts.push(folderId);
  return parts;
}

/** Every member, page by page (PageSize 100, the API's maximum). Throws ApiCallError as the caller does. */
export async function listMembers(clients: ClientFactory, call: Caller): Promise<DirectoryMember[]> {
  const members: DirectoryMember[] = [];
  await pageByNumber(RESOURCE_DIRECTORY_MEMBERS, clients, BOOTSTRAP_REGION, call, (page) => {
    for (const wire of page.items) {
      if (!wire.accountId) continue;
      const folderId = wire.folderId ?? '';
      members.push({
        accountId: wire.accountId,
        displayName: wire.displayName ?? '',
        folderId,
        folderPath: folderPathOf(wire.resourceDirectoryPath, folderId),
        status: wire.status ?? '',
        ...(page.requestId ? { requestId: page.requestId } : {}),
      });
    }
  });
  // A member listed twice (the directory changed between pages) counts once.
  const seen = new Set<string>();
  return members.filter((member) => !seen.has(member.accountId) && seen.add(member.accountId));
}

/** The members a filter selects, in the order listed; a member is selected before its status is judged. */
export function selectMembers(members: readonly DirectoryMember[], filter: MemberFilter): DirectoryMember[] {
  const folders = filter.folders?.length ? new Set(filter.folders) : undefined;
  const include = filter.accounts?.length ? accountMatcher(filter.accounts) : undefined;
  const exclude = filter.exclude?.length ? accountMatcher(filter.exclude) : undefined;
  const statuses = filter.statuses?.length ? new Set(filter.statuses.map((status) => status.toLowerCase())) : undefined;
  return members.filter(
    (member) =>
      (!folders || member.folderPath.some((folder) => folders.has(folder))) &&
      (!include || include(member.accountId, member.displayName)) &&
      !exclude?.(member.accountId, member.displayName) &&
      (!statuses || statuses.has(member.status.toLowerCase())),
  );
}
