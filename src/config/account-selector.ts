import { globToRegExp } from './glob.js';

/**
 * Which accounts a list of selectors names (`--accounts`, `resourceDirectory.accounts`, `.exclude`):
 * each selector is an account id or an alias (display name), either possibly a glob (`prod-*`,
 * `12345678901234??`). Aliases match case-insensitively, as people write `Prod` and `prod` alike;
 * ids are digits, so case does not matter there.
 */
export type AccountMatcher = (accountId: string, alias?: string) => boolean;

export function accountMatcher(selectors: readonly string[]): AccountMatcher {
  const patterns = selectors.map((selector) => globToRegExp(selector.trim()));
  return (accountId, alias) => patterns.some((pattern) => pattern.test(accountId) || (alias !== undefined && alias !== '' && pattern.test(alias)));
}
