import type { Estate } from '../model/snapshot.js';
import { hashString } from './random.js';

/**
 * A Resource Directory as the emulator serves it: a management account, a folder tree under a
 * root folder, and member accounts, each with a display name, a folder and a status. Members need
 * no resources in the estate (they answer empty regions). The management account is a member too
 * (it sits in the root folder and ListAccounts lists it).
 */
export interface ResourceDirectory {
  /** rd-…; derived from the management account when absent. */
  id?: string;
  /** r-…; derived when absent. */
  rootFolderId?: string;
  managementAccountId: string;
  folders?: { id: string; name?: string; parentId?: string }[];
  members: ResourceDirectoryMember[];
}

export interface ResourceDirectoryMember {
  accountId: string;
  displayName?: string;
  /** Absent: the root folder. */
  folderId?: string;
  /** CreateSuccess (default), InviteSuccess, … or anything else, e.g. "Suspended". */
  status?: string;
  type?: 'CloudAccount' | 'ResourceAccount';
  joinMethod?: 'created' | 'invited';
}

/**
 * The estate's accounts as one directory: the first account (whose keys the emulator hands out by
 * default) manages it, every account is a member of the root folder, display names are the aliases.
 * `statuses` sets some members' status (e.g. `{ "2222…": "Suspended" }`).
 */
export function resourceDirectoryFor(estate: Estate, options: { statuses?: Record<string, string>; folders?: Record<string, string> } = {}): ResourceDirectory {
  const managementAccountId = estate.accounts[0]?.accountId ?? '0';
  const folderIds = [...new Set(Object.values(options.folders ?? {}))];
  return {
    managementAccountId,
    folders: folderIds.map((id) => ({ id, name: id })),
    members: estate.accounts.map((account) => ({
      accountId: account.accountId,
      ...(account.alias ? { displayName: account.alias } : {}),
      ...(options.folders?.[account.accountId] ? { folderId: options.folders[account.accountId] } : {}),
      ...(options.statuses?.[account.accountId] ? { status: options.statuses[account.accountId] } : {}),
      ...(account.accountId === managementAccountId ? { type: 'CloudAccount' as const } : {}),
    })),
  };
}

function derivedId(prefix: string, seed: string): string {
  return `${prefix}${hashString(seed).toString(36).padStart(7, '0')}`;
}

/** Lookups for the handlers and for STS's trust decisions. */
export class DirectoryIndex {
  readonly id: string;
  readonly rootFolderId: string;
  readonly managementAccountId: string;
  private readonly members = new Map<string, ResourceDirectoryMember>();
  private readonly parents = new Map<string, string>();

  constructor(readonly directory: ResourceDirectory) {
    this.managementAccountId = directory.managementAccountId;
    this.id = directory.id ?? derivedId('rd-', `rd/${directory.managementAccountId}`);
    this.rootFolderId = directory.rootFolderId ?? derivedId('r-', `root/${directory.managementAccountId}`);
    for (const folder of directory.folders ?? []) this.parents.set(folder.id, folder.parentId ?? this.rootFolderId);
    for (const member of directory.members) {
      if (member.folderId !== undefined && member.folderId !== this.rootFolderId && !this.parents.has(member.folderId)) {
        throw new Error(`resource directory: member ${member.accountId} is in folder ${member.folderId}, which is not in folders[]`);
      }
      this.members.set(member.accountId, member);
    }
    // A member list without the management account still has it: it created the directory.
    if (!this.members.has(this.managementAccountId)) this.members.set(this.managementAccountId, { accountId: this.managementAccountId, type: 'CloudAccount' });
  }

  /** Members in directory order, the management account first. */
  list(): ResourceDirectoryMember[] {
    const management = this.members.get(this.managementAccountId) as ResourceDirectoryMember;
    return [management, ...[...this.members.values()].filter((member) => member !== management)];
  }

  isMember(accountId: string): boolean {
    return this.members.has(accountId);
  }

  /** The folder of a member, the root when none. */
  folderOf(member: ResourceDirectoryMember): string {
    return member.folderId ?? this.rootFolderId;
  }

  /** Folder ids from the root down to `folderId`. */
  folderPath(folderId: string): string[] {
    const path: string[] = [];
    for (let current: string | undefined = folderId; current !== undefined && path.length < 64; current = this.parents.get(current)) {
      path.unshift(current);
      if (current === this.rootFolderId) break;
    }
    if (path[0] !== this.rootFolderId) path.unshift(this.rootFolderId);
    return path;
  }

  /**
   * Whether a role in `target` trusts `caller`: a member's access role (ResourceDirectoryAccountAccessRole,
   * or one set up the same way) trusts the management account, and any role trusts its own account.
   */
  trusts(target: string, caller: string): boolean {
    if (!this.members.has(target)) return true;
    return caller === target || caller === this.managementAccountId;
  }
}
