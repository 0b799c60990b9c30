import { coverageVerdict } from '../model/coverage.js';
import Handlebars from 'handlebars';
import { SEVERITIES, type Finding, type FindingsDocument } from '../model/findings.js';
import { accountViews, PROVIDER_LABELS, topCauseText } from './accounts.js';
import { checkGuides, countFindings, formatCount, formatProtocolPorts, incompleteCoverage } from './describe.js';
import { changedGroup, decidingRule, describeChange, driftChanges, exposureSources, isDriftReport, reportTitle } from './drift.js';
import { escapeMarkdown, tableCode, truncate } from './markdown-escape.js';
import { sortFindings, sortFindingsByCheck } from './order.js';
import { TOP_RISKS_SHOWN, causeBreadth, causeExposes, causeRuleRef, causeRuleShape, topRisks } from './root-causes.js';
import { EXPOSURE_CHECKS } from './sections.js';
import { loadTemplates } from './templates.js';

export interface MarkdownReportOptions {
  /** Hard cap on the output length; GitHub rejects comments over 65,536 characters. */
  maxChars?: number;
  /** Coverage rows, suppressed findings and expired/unmatched suppressions listed before "… and N more". */
  maxTableRows?: number;
  /** Root causes in the Top risks table (default 20). */
  topRisks?: number;
  /** Findings sampled after the counts, a few of each check (default 30). */
  sampleFindings?: number;
  /** Rows of the accounts table, one per account (those not collected first, then the worst), before "… and N more" (default 50: the comment stays short). */
  maxAccountRows?: number;
}

/** Rows of a list that the character cap may shorten, and how many the list has in all. */
interface CappedList<T> {
  rows: T[];
  total: number;
}

/** `… and 1,234 more` when rows were left out, else empty. */
const moreOf = (list: CappedList<unknown>): string => (list.total > list.rows.length ? formatCount(list.total - list.rows.length) : '');

const SEVERITY_ICON: Record<string, string> = { critical: '🟥', high: '🟧', medium: '🟨', low: '🟦', info: '⬜' };
const TEXT_MAX = 200;

// Helpers return SafeStrings: their output is already escaped for Markdown, and Handlebars' HTML
// escaping would add entities that read badly outside a browser.
const helpers = {
  md: (value: unknown) => new Handlebars.SafeString(escapeMarkdown(value)),
  code: (value: unknown) => new Handlebars.SafeString(tableCode(value)),
  icon: (severity: unknown) => SEVERITY_ICON[String(severity)] ?? '',
};

function resourceLabel(resource: Finding['resource'], group?: string) {
  return { type: resource.type, id: resource.id, name: resource.name ?? '', group: group ?? '' };
}

function sampleRow(finding: Finding) {
  const breadth = finding.breadth?.summary ?? (EXPOSURE_CHECKS.has(finding.check) ? 'not recorded' : '');
  return {
    severity: finding.severity,
    check: finding.check,
    resource: resourceLabel(finding.resource),
    scope: `${finding.accountId} / ${finding.regionId}`,
    traffic: formatProtocolPorts(finding.detail.protocol, finding.detail.ports),
    breadth,
    message: truncate(finding.message, TEXT_MAX),
  };
}

function suppressedRow(finding: Finding) {
  return {
    severity: finding.severity,
    check: finding.check,
    resource: resourceLabel(finding.resource),
    traffic: formatProtocolPorts(finding.detail.protocol, finding.detail.ports),
    reason: finding.suppressed?.reason ?? '',
    owner: finding.suppressed?.owner ?? '',
    expires: finding.suppressed?.expires ?? '',
  };
}

/**
 * A few findings of every check, worst checks first: `count` in all, taken a round at a time
 * (the first of each check, then the second …), listed grouped by check.
 */
function sampleFindings(active: readonly Finding[], count: number): Finding[] {
  const byCheck = new Map<string, Finding[]>();
  for (const finding of sortFindingsByCheck(active)) {
    let findings = byCheck.get(finding.check);
    if (!findings) byCheck.set(finding.check, (findings = []));
    findings.push(finding);
  }
  const taken = new Map<string, number>();
  let total = 0;
  for (let round = 0; total < count; round++) {
    let any = false;
    for (const [check, findings] of byCheck) {
      if (total >= count || round >= findings.length) continue;
      taken.set(check, round + 1);
      total += 1;
      any = true;
    }
    if (!any) break;
  }
  return [...byCheck].flatMap(([check, findings]) => findings.slice(0, taken.get(check) ?? 0));
}

/**
 * Markdown for pull requests and tickets, short whatever the estate: the top root causes, counts
 * by severity and check, then a sample of findings. Every list is capped, so a hundred thousand findings
 * still make a comment of a few hundred lines; past `maxChars`, the sample goes first, then the
 * other tables' rows, the Top risks last.
 */
export function renderMarkdown(doc: FindingsDocument, options: MarkdownReportOptions = {}): string {
  const { main } = loadTemplates('markdown', helpers);
  const maxChars = options.maxChars ?? 60_000;
  const maxRows = options.maxTableRows ?? 20;
  const counts = countFindings(doc);
  const incomplete = incompleteCoverage(doc);
  const active = doc.findings.filter((finding) => !finding.suppressed);
  const suppressed = sortFindings(doc.findings.filter((finding) => finding.suppressed));
  const driftReport = isDriftReport(doc);
  const changes = driftChanges(doc.findings);
  const risks = topRisks(doc);
  const guides = checkGuides(doc);
  const shownRows = options.topRisks ?? TOP_RISKS_SHOWN;
  // One row per account when the document spans several (a drift report compares scopes, not accounts).
  const accounts = driftReport ? [] : accountViews(doc);
  const accountRows = accounts.length > 1 ? accounts : [];

  const lists = {
    sample: sampleFindings(active, options.sampleFindings ?? 30).map(sampleRow),
    suppressed: suppressed.slice(0, maxRows).map(suppressedRow),
    suppressionProblems: doc.suppressions.slice(0, maxRows),
    coverage: incomplete.slice(0, maxRows).map((entry) => ({
      accountId: entry.accountId,
      regionId: entry.regionId,
      api: entry.api,
      status: entry.status,
      code: entry.code ?? '',
      message: truncate(entry.message ?? '', TEXT_MAX),
      requestId: entry.requestId ?? '',
      resources: (entry.resourceIds ?? []).length,
    })),
    notCompared: (doc.notCompared ?? []).slice(0, maxRows).map((scope) => ({ ...scope, api: scope.api ?? '' })),
    accounts: accountRows.slice(0, options.maxAccountRows ?? 50).map((view) => ({
      accountId: view.accountId,
      alias: view.alias ?? '',
      provider: PROVIDER_LABELS[view.provider],
      coverage: truncate(view.coverageText, TEXT_MAX),
      counts: SEVERITIES.map((severity) => formatCount(view.open[severity])),
      topSeverity: view.topCause?.severity ?? '',
      topCause: truncate(topCauseText(view), TEXT_MAX),
    })),
    risks: risks.causes.slice(0, shownRows).map((cause, index) => ({
      rank: index + 1,
      severity: cause.severity,
      ruleRef: causeRuleRef(cause),
      groupName: cause.groupName ?? '',
      shape: causeRuleShape(cause),
      exposes: causeExposes(cause),
      breadth: causeBreadth(cause),
      internet: formatCount(cause.internetInterfaces),
      fix: truncate(cause.fix, TEXT_MAX),
    })),
    // By position in counts.byCheck; the character cap may cut the last ones.
    fixes: counts.byCheck.map((entry) => truncate(guides.get(entry.check)?.fix ?? '', TEXT_MAX)),
    newExposure: {
      total: changes.newExposure.length,
      rows: changes.newExposure.slice(0, shownRows).map((finding, index) => ({
        rank: index + 1,
        severity: finding.severity,
        resource: resourceLabel(finding.resource),
        traffic: formatProtocolPorts(finding.detail.protocol, finding.detail.ports),
        breadth: exposureSources(finding),
        addresses: (finding.detail.addresses ?? []).join(', '),
        rule: decidingRule(finding) ?? null,
      })),
    },
    kinds: changes.kinds.map((group) => ({
      kind: group.kind,
      title: group.title,
      total: group.findings.length,
      rows: group.findings.slice(0, maxRows).map((finding) => ({
        severity: finding.severity,
        resource: resourceLabel(finding.resource, changedGroup(finding)),
        change: truncate(describeChange(finding), TEXT_MAX),
        message: truncate(finding.message, TEXT_MAX),
      })),
    })),
  };

  const render = () => {
    const moreRisks = risks.causes.length - lists.risks.length;
    return main({
      snapshotId: doc.snapshotId,
      snapshotTakenAt: doc.snapshotTakenAt ?? null,
      baselineId: doc.baselineId ?? null,
      generatedAt: doc.generatedAt,
      tool: doc.tool,
      counts: {
        ...counts,
        bySeverity: counts.bySeverity.map((entry) => ({ ...entry, count: formatCount(entry.count) })),
        byCheck: counts.byCheck.map((entry, index) => ({ ...entry, count: formatCount(entry.count), suppressed: formatCount(entry.suppressed), fix: lists.fixes[index] ?? '' })),
        fixesLeftOut: counts.byCheck.length - lists.fixes.length,
      },
      active: formatCount(counts.active),
      suppressedCount: formatCount(counts.suppressed),
      driftReport,
      title: reportTitle(doc),
      drift: {
        total: formatCount(changes.total),
        byKind: changes.counts.map((entry) => ({ kind: entry.kind, count: formatCount(entry.count) })),
        newExposure: { count: formatCount(lists.newExposure.total), rows: lists.newExposure.rows, more: moreOf(lists.newExposure) },
        other: formatCount(changes.total - changes.newExposure.length),
        kinds: lists.kinds.map((group) => ({ kind: group.kind, title: group.title, count: formatCount(group.total), rows: group.rows, more: moreOf(group) })),
        fixes: changes.fixes,
      },
      risks: {
        derived: risks.source === 'critical-findings',
        rows: lists.risks,
        total: formatCount(risks.causes.length),
        more: moreRisks > 0 ? formatCount(moreRisks) : '',
        moreCritical: formatCount(risks.causes.slice(lists.risks.length).filter((cause) => cause.severity === 'critical').length),
      },
      coverage: {
        complete: incomplete.length === 0,
        failed: coverageVerdict(doc.coverage) === 'failed',
        empty: doc.coverage.length === 0,
        scopeCount: new Set(doc.coverage.map((entry) => `${entry.accountId}\u0000${entry.regionId}`)).size,
        entryCount: doc.coverage.length,
        incompleteCount: incomplete.length,
        entries: lists.coverage,
        more: incomplete.length - lists.coverage.length,
        notCompared: lists.notCompared,
        notComparedCount: (doc.notCompared ?? []).length,
        notComparedMore: (doc.notCompared ?? []).length - lists.notCompared.length,
      },
      accounts: {
        rows: lists.accounts,
        total: formatCount(accountRows.length),
        more: moreOf({ rows: lists.accounts, total: accountRows.length }),
        severities: SEVERITIES,
      },
      sample: lists.sample,
      omitted: formatCount(active.length - lists.sample.length),
      hasOmitted: active.length > lists.sample.length,
      suppressedRows: lists.suppressed,
      suppressedOmitted: suppressed.length - lists.suppressed.length,
      suppressionProblems: lists.suppressionProblems,
      suppressionProblemsMore: doc.suppressions.length - lists.suppressionProblems.length,
    });
  };

  let output = render();
  // Rows go from the end of the least important list first; every list says how many it left out.
  const trimOrder = (
    driftReport
      ? [lists.suppressed, lists.suppressionProblems, ...[...lists.kinds].reverse().map((group) => group.rows), lists.notCompared, lists.coverage, lists.newExposure.rows]
      : [lists.sample, lists.suppressed, lists.suppressionProblems, lists.fixes, lists.accounts, lists.notCompared, lists.coverage, lists.risks]
  ) as unknown[][];
  while (output.length > maxChars) {
    const list = trimOrder.find((rows) => rows.length > 0);
    if (!list) break;
    // Cut roughly what is over, at least one row, then re-render to measure.
    const over = Math.ceil((output.length - maxChars) / 200);
    list.splice(Math.max(0, list.length - Math.max(1, over)));
    output = render();
  }
  return output;
}
