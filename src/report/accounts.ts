import { SEVERITIES, type FindingsDocument, type Severity } from '../model/findings.js';
import type { Coverage, Provider } from '../model/snapshot.js';
import { compareText } from '../model/findings-order.js';
import { causeExposes, causeRuleRef, topRisks, type RiskView } from './root-causes.js';

/**
 * Per-account views of a findings document: one row per account with its coverage, its open
 * findings by severity and its worst root cause (the HTML and Markdown reports, the terminal
 * summary), and the document narrowed to some accounts (`--accounts` on analyze and report).
 * Accounts come from the coverage as well as the findings, so an account that was not collected
 * (role denied, member suspended) has its row, saying so, instead of reading as a clean one.
 */

type AccountCoverage = 'complete' | 'partial' | 'not collected' | 'not recorded';

export interface AccountView {
  accountId: string;
  /** From the coverage (the config's alias or the Resource Directory display name). */
  alias?: string;
  /** The account's cloud, from its coverage entries (Alibaba when they do not say). */
  provider: Provider;
  coverage: AccountCoverage;
  /** `complete`, `partial: 2 of 14 scopes incomplete (DescribeInstances denied, Forbidden.RAM)`, `not collected: AssumeRole denied, NoPermission, request id …`. */
  coverageText: string;
  /** The entry that says why the account is not (fully) collected, when one does. */
  reason?: Coverage;
  /** Regions with coverage entries of their own. */
  regions: string[];
  open: Record<Severity, number>;
  openTotal: number;
  suppressed: number;
  worst?: Severity;
  /** The account's worst root cause, as the document ranks them. */
  topCause?: RiskView;
}

/** Account-wide calls first: their failure explains everything else about the account. */
const ACCOUNT_WIDE: readonly string[] = ['AssumeRole', 'DescribeRegions'];

function describeEntry(entry: Coverage): string {
  const parts = [`${entry.api} ${entry.status}`];
  if (entry.code) parts.push(entry.code);
  if (entry.requestId) parts.push(`request id ${entry.requestId}`);
  return parts.join(', ');
}

function firstProblem(entries: readonly Coverage[]): Coverage | undefined {
  const problems = entries.filter((entry) => entry.status !== 'complete');
  return problems.find((entry) => ACCOUNT_WIDE.includes(entry.api)) ?? problems[0];
}

function coverageOf(entries: readonly Coverage[]): Pick<AccountView, 'coverage' | 'coverageText' | 'reason'> {
  if (entries.length === 0) return { coverage: 'not recorded', coverageText: 'not recorded' };
  const reason = firstProblem(entries);
  if (!reason) return { coverage: 'complete', coverageText: 'complete' };
  // Nothing of the account was read when no regional listing of it finished, even in part: entering
  // it (AssumeRole) or listing its regions or the directory does not show a single resource.
  const regional = entries.some((entry) => !ACCOUNT_WIDE.includes(entry.api) && (entry.status === 'complete' || entry.status === 'partial'));
  if (!regional) {
    return { coverage: 'not collected', coverageText: `not collected: ${describeEntry(reason)}${reason.message ? ` — ${reason.message}` : ''}`, reason };
  }
  const incomplete = entries.filter((entry) => entry.status !== 'complete').length;
  return { coverage: 'partial', coverageText: `partial: ${incomplete} of ${entries.length} scopes incomplete (${describeEntry(reason)})`, reason };
}

/** One view per account of the coverage or the findings, in report order (see compareViews). */
export function accountViews(doc: FindingsDocument): AccountView[] {
  const coverage = new Map<string, Coverage[]>();
  for (const entry of doc.coverage) {
    // Listing the directory is a run-wide call the management account makes: it says nothing about
    // that account's own resources (and a failure is in the coverage banner).
    if (entry.api === 'ListAccounts') continue;
    const list = coverage.get(entry.accountId);
    if (list) list.push(entry);
    else coverage.set(entry.accountId, [entry]);
  }
  const counts = new Map<string, { open: Record<Severity, number>; suppressed: number }>();
  const countsOf = (accountId: string) => {
    let entry = counts.get(accountId);
    if (!entry) {
      entry = { open: Object.fromEntries(SEVERITIES.map((severity) => [severity, 0])) as Record<Severity, number>, suppressed: 0 };
      counts.set(accountId, entry);
    }
    return entry;
  };
  for (const finding of doc.findings) {
    const entry = countsOf(finding.accountId);
    if (finding.suppressed) entry.suppressed += 1;
    else entry.open[finding.severity] += 1;
  }
  const causes = new Map<string, RiskView>();
  for (const cause of topRisks(doc).causes) if (!causes.has(cause.accountId)) causes.set(cause.accountId, cause);

  const ids = new Set([...coverage.keys(), ...counts.keys()]);
  const views = [...ids].map((accountId): AccountView => {
    const entries = coverage.get(accountId) ?? [];
    const alias = entries.find((entry) => entry.alias)?.alias;
    const provider = entries.find((entry) => entry.provider)?.provider ?? 'alicloud';
    const { open, suppressed } = countsOf(accountId);
    const worst = SEVERITIES.find((severity) => open[severity] > 0);
    const topCause = causes.get(accountId);
    return {
      accountId,
      ...(alias ? { alias } : {}),
      provider,
      ...coverageOf(entries),
      regions: [...new Set(entries.filter((entry) => !ACCOUNT_WIDE.includes(entry.api)).map((entry) => entry.regionId))].sort(compareText),
      open,
      openTotal: SEVERITIES.reduce((sum, severity) => sum + open[severity], 0),
      suppressed,
      ...(worst ? { worst } : {}),
      ...(topCause ? { topCause } : {}),
    };
  });
  return views.sort(compareViews);
}

const COVERAGE_RANK: Record<AccountCoverage, number> = { 'not collected': 0, 'not recorded': 1, partial: 2, complete: 3 };

/**
 * Accounts nothing is known about first (a hole in the audit is the first thing to fix), then by
 * their findings, worst severity and most of it first, then partly collected before complete, then id.
 */
function compareViews(a: AccountView, b: AccountView): number {
  const unseen = Number(b.coverage === 'not collected') - Number(a.coverage === 'not collected');
  if (unseen !== 0) return unseen;
  for (const severity of SEVERITIES) if (a.open[severity] !== b.open[severity]) return b.open[severity] - a.open[severity];
  return COVERAGE_RANK[a.coverage] - COVERAGE_RANK[b.coverage] || compareText(a.accountId, b.accountId);
}

/** Each account's cloud as its coverage entries say (Alibaba when they do not): for per-finding outputs (CSV, SARIF). */
export function accountProviders(doc: Pick<FindingsDocument, 'coverage'>): (accountId: string) => Provider {
  const providers = new Map<string, Provider>();
  for (const entry of doc.coverage) if (entry.provider) providers.set(entry.accountId, entry.provider);
  return (accountId) => providers.get(accountId) ?? 'alicloud';
}

/** How reports name a cloud. */
export const PROVIDER_LABELS: Record<Provider, string> = { alicloud: 'Alibaba Cloud', huaweicloud: 'Huawei Cloud' };

/** `1234567890123456 (prod)`. */
export function accountName(view: Pick<AccountView, 'accountId' | 'alias'>): string {
  return view.alias ? `${view.accountId} (${view.alias})` : view.accountId;
}

/** `sg-abc/sgr-1 (web) tcp/22, tcp/3389, …`: the account's worst root cause in one phrase (its severity apart); empty when none. */
export function topCauseText(view: AccountView): string {
  if (!view.topCause) return '';
  const exposes = causeExposes(view.topCause, 2);
  return `${causeRuleRef(view.topCause)}${view.topCause.groupName ? ` (${view.topCause.groupName})` : ''}${exposes ? ` ${exposes}` : ''}`;
}

/**
 * The document narrowed to the accounts `matches` selects: their findings, coverage, root causes
 * and not-compared scopes, with the summary counted again. Checks and suppression problems stay:
 * they describe the run, not an account.
 */
export function selectAccounts(doc: FindingsDocument, matches: (accountId: string, alias?: string) => boolean): FindingsDocument {
  const aliases = new Map<string, string>();
  for (const entry of doc.coverage) if (entry.alias && !aliases.has(entry.accountId)) aliases.set(entry.accountId, entry.alias);
  const keep = (accountId: string) => matches(accountId, aliases.get(accountId));
  const findings = doc.findings.filter((finding) => keep(finding.accountId));
  const bySeverity: Record<string, number> = Object.fromEntries(Object.keys(doc.summary.bySeverity).map((key) => [key, 0]));
  const byCheck: Record<string, number> = Object.fromEntries(Object.keys(doc.summary.byCheck).map((key) => [key, 0]));
  let suppressed = 0;
  for (const finding of findings) {
    if (finding.suppressed) {
      suppressed += 1;
      continue;
    }
    bySeverity[finding.severity] = (bySeverity[finding.severity] ?? 0) + 1;
    byCheck[finding.check] = (byCheck[finding.check] ?? 0) + 1;
  }
  const narrowed: FindingsDocument = {
    ...doc,
    coverage: doc.coverage.filter((entry) => keep(entry.accountId)),
    summary: { total: findings.length, suppressed, bySeverity, byCheck },
    findings,
  };
  if (doc.rootCauses) narrowed.rootCauses = doc.rootCauses.filter((cause) => keep(cause.accountId));
  if (doc.notCompared) narrowed.notCompared = doc.notCompared.filter((scope) => keep(scope.accountId));
  return narrowed;
}
