import { coverageHeadline } from '../model/coverage.js';
import { SEVERITIES, type FindingsDocument } from '../model/findings.js';
import { terminalSafe } from '../util/terminal-safe.js';
import { accountName, accountViews, PROVIDER_LABELS, topCauseText, type AccountView } from '../report/accounts.js';
import { causeBreadth, causeExposes, causeRuleRef, topRisks } from '../report/root-causes.js';

/** Root causes named in the terminal summary, and the characters of what each exposes. */
const TOP_CAUSES = 5;
const EXPOSES_SHOWN = 80;

/**
 * `critical  sg-abc/sgr-123 (web) tcp 22 (ssh) from internet: 0.0.0.0/0 → 140 internet-facing interfaces`:
 * what to fix first, one line per rule.
 */
function causeLine(cause: ReturnType<typeof topRisks>['causes'][number]): string {
  const name = cause.groupName ? ` (${cause.groupName})` : '';
  // One line each: the exposed ports of an ALL rule list dozens of services.
  const listed = causeExposes(cause, 2);
  const exposes = listed.length > EXPOSES_SHOWN ? `${listed.slice(0, EXPOSES_SHOWN - 1)}…` : listed;
  const sources = causeBreadth(cause);
  const reach = `${cause.internetInterfaces} internet-facing interface${cause.internetInterfaces === 1 ? '' : 's'}`;
  return terminalSafe(`  ${cause.severity.padEnd(9)} ${causeRuleRef(cause)}${name}${exposes ? ` ${exposes}` : ''}${sources ? ` from ${sources}` : ''} → ${reach}`);
}

/** `top root causes, 5 of 12:` and one line each, worst first; nothing when there are none. */
export function formatTopRootCauses(document: FindingsDocument): string[] {
  const risks = topRisks(document);
  if (risks.causes.length === 0) return [];
  const more = risks.causes.length - TOP_CAUSES;
  return [
    `top root causes${risks.source === 'critical-findings' ? ' (from critical findings)' : ''}${more > 0 ? `, ${TOP_CAUSES} of ${risks.causes.length}` : ''}:`,
    ...risks.causes.slice(0, TOP_CAUSES).map(causeLine),
  ];
}

/** Accounts named in the terminal summary: those not collected come first, then the worst. */
const ACCOUNTS_SHOWN = 10;

/**
 * `by account (5):` and one line per account when the document spans several: what was not collected
 * and why, else the open findings by severity and the worst root cause.
 */
export function formatAccounts(document: FindingsDocument): string[] {
  const views = accountViews(document);
  if (views.length < 2) return [];
  // The cloud of each account, once the document spans more than one.
  const mixed = new Set(views.map((view) => view.provider)).size > 1;
  const label = (view: AccountView) => (mixed ? `${accountName(view)} [${PROVIDER_LABELS[view.provider]}]` : accountName(view));
  const width = Math.max(...views.slice(0, ACCOUNTS_SHOWN).map((view) => label(view).length));
  const lines = [`by account (${views.length}):`];
  for (const view of views.slice(0, ACCOUNTS_SHOWN)) {
    const name = label(view).padEnd(width);
    if (view.coverage === 'not collected') {
      lines.push(terminalSafe(`  ${name}  NOT COLLECTED — ${view.coverageText.replace(/^not collected: /, '')}`));
      continue;
    }
    const counts = SEVERITIES.map((severity) => `${severity} ${view.open[severity]}`).join('  ');
    const cause = topCauseText(view);
    lines.push(terminalSafe(`  ${name}  ${counts}${view.coverage === 'partial' ? '  (partial)' : ''}${cause ? `  top: ${cause}` : ''}`));
  }
  if (views.length > ACCOUNTS_SHOWN) lines.push(`  … and ${views.length - ACCOUNTS_SHOWN} more`);
  return lines;
}

/** A short human summary for the terminal (stderr): severities, the top root causes, checks, accounts, coverage. */
export function formatScanSummary(document: FindingsDocument): string {
  const { summary } = document;
  const lines: string[] = [];
  // A failed or partial scan is the first thing said: zero findings from nothing collected is not clean.
  const headline = coverageHeadline(document.coverage);
  if (headline) lines.push(headline);
  const open = summary.total - summary.suppressed;
  lines.push(`${open} open finding${open === 1 ? '' : 's'}${summary.suppressed ? ` (+${summary.suppressed} suppressed)` : ''}`);
  lines.push(`  ${SEVERITIES.map((severity) => `${severity} ${summary.bySeverity[severity] ?? 0}`).join('  ')}`);
  lines.push(...formatTopRootCauses(document));
  const byCheck = Object.entries(summary.byCheck)
    .filter(([, count]) => count > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  for (const [check, count] of byCheck) lines.push(terminalSafe(`  ${check.padEnd(24)} ${count}`));
  lines.push(...formatAccounts(document));
  const incomplete = document.coverage.filter((entry) => entry.status !== 'complete');
  if (incomplete.length === 0) {
    lines.push('coverage: complete');
  } else {
    lines.push(`coverage: INCOMPLETE in ${incomplete.length} scope(s) — findings there may be missing:`);
    for (const entry of incomplete.slice(0, 10)) {
      lines.push(terminalSafe(`  ${entry.accountId}/${entry.regionId} ${entry.api}: ${entry.status}${entry.code ? ` ${entry.code}` : ''}${entry.requestId ? ` (request ${entry.requestId})` : ''}`));
    }
    if (incomplete.length > 10) lines.push(`  … and ${incomplete.length - 10} more`);
  }
  if (document.notCompared?.length) lines.push(`drift: ${document.notCompared.length} scope(s) not compared (incomplete on one side)`);
  return lines.join('\n');
}
