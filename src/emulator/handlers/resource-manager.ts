import { Errors } from '../errors.js';
import { pageByNumber } from '../paging.js';
import { wireMember } from '../wire/resource-manager.js';
import type { Handler } from './context.js';

/** ListAccounts pages with PageNumber/PageSize (PageSize 1–100, default 10) and reports TotalCount. */
const LIST_ACCOUNTS_PAGE_SIZE_LIMIT = 100;

/**
 * Resource Manager ListAccounts: every member of the caller's directory, all folders. Only the
 * management account may call it; a member is refused, and an account in no directory is told
 * that it has none.
 */
export const listAccounts: Handler = (context) => {
  const directory = context.directory;
  const caller = context.principal.accountId;
  if (!directory || !directory.isMember(caller)) throw Errors.directoryNotEnabled();
  if (caller !== directory.managementAccountId) throw Errors.memberAccountAccessDenied();
  const page = pageByNumber(directory.list(), context.params, LIST_ACCOUNTS_PAGE_SIZE_LIMIT);
  const includeTags = context.params.IncludeTags === 'true';
  return {
    Accounts: { Account: page.items.map((member) => wireMember(member, directory, includeTags)) },
    PageNumber: page.pageNumber,
    PageSize: page.pageSize,
    TotalCount: page.totalCount,
  };
};
