import type { DirectoryIndex, ResourceDirectoryMember } from '../resource-directory.js';
import { creationTimeFor } from './common.js';

/**
 * Resource Manager 2020-03-31 ListAccounts item: the fields of the SDK's
 * ListAccountsResponseBodyAccountsAccount `names()` map. `Tags.Tag[] {Key, Value}` only when the
 * request asked for them (IncludeTags=true), as the API does.
 */
export function wireMember(member: ResourceDirectoryMember, directory: DirectoryIndex, includeTags: boolean): Record<string, unknown> {
  const folderId = directory.folderOf(member);
  const joined = creationTimeFor(`rd-join/${member.accountId}`);
  return {
    AccountId: member.accountId,
    DisplayName: member.displayName ?? member.accountId,
    FolderId: folderId,
    JoinMethod: member.joinMethod ?? (member.accountId === directory.managementAccountId ? 'created' : 'invited'),
    JoinTime: joined,
    ModifyTime: joined,
    ResourceDirectoryId: directory.id,
    ResourceDirectoryPath: [directory.id, ...directory.folderPath(folderId), member.accountId].join('/'),
    Status: member.status ?? 'CreateSuccess',
    Type: member.type ?? 'ResourceAccount',
    ...(includeTags ? { Tags: { Tag: [] } } : {}),
  };
}
