import { Option } from 'commander';
import { accountMatcher } from '../config/account-selector.js';
import { SgauditError } from '../model/errors.js';
import type { FindingsDocument } from '../model/findings.js';
import { accountName, accountViews, selectAccounts } from '../report/accounts.js';
import { commaList } from './parse.js';

/** `--accounts` on the commands that read findings (analyze, report): a view of some accounts. */
export const accountsOption = () =>
  new Option('--accounts <list>', 'comma-separated account ids (or aliases, globs): keep only their findings, coverage and root causes').argParser(commaList);

/** The document narrowed to the accounts `--accounts` names; naming none of its accounts is a usage error. */
export function narrowToAccounts(doc: FindingsDocument, selectors: readonly string[] | undefined): FindingsDocument {
  if (!selectors?.length) return doc;
  const narrowed = selectAccounts(doc, accountMatcher(selectors));
  if (narrowed.coverage.length === 0 && narrowed.findings.length === 0) {
    const known = accountViews(doc).map(accountName);
    throw new SgauditError('USAGE', `--accounts ${selectors.join(',')} matches no account of these findings (${known.length ? known.join(', ') : 'none recorded'})`);
  }
  return narrowed;
}
