import { type Finding, type FindingsDocument } from '../model/findings.js';
import { countFindings, formatProtocolPorts, formatResource, incompleteCoverage } from './describe.js';
import { EVIDENCE_COLUMNS, detailLines, evidenceRow } from './html-data.js';
import { escapeMarkdown, singleLine, truncate } from './markdown-escape.js';
import { sortFindings, sortFindingsByCheck } from './order.js';
import { loadTemplates } from './templates.js';

export interface MarkdownReportOptions {
  /** Hard cap on the output length; GitHub rejects comments over 65,536 characters. */
  maxChars?: number;
  /** Coverage rows and expired/unmatched suppressions listed before "… and N more". */
  maxTableRows?: number;
}

const SEVERITY_ICON: Record<string, string> = { critical: '🟥', high: '🟧', medium: '🟨', low: '🟦', info: '⬜' };
const MESSAGE_MAX = 500;

const helpers = {
  md: (value: unknown) => escapeMarkdown(value),
  line: (value: unknown) => singleLine(value),
  upper: (value: unknown) => String(value).toUpperCase(),
  icon: (severity: unknown) => SEVERITY_ICON[String(severity)] ?? '',
};

function findingView(finding: Finding) {
  return {
    id: finding.id,
    severity: finding.severity,
    title: finding.title,
    resource: formatResource(finding.resource),
    scope: `${finding.accountId} / ${finding.regionId}`,
    message: truncate(finding.message, MESSAGE_MAX),
    detail: detailLines(finding).map(([label, value]) => ({ label, value })),
    evidenceColumns: EVIDENCE_COLUMNS,
    evidence: finding.evidence.map((entry) => ({
      cells: evidenceRow(entry),
    })),
    remediation: finding.remediation,
    docs: finding.docs ?? null,
  };
}

function suppressedView(finding: Finding) {
  return {
    severity: finding.severity,
    check: finding.check,
    resource: formatResource(finding.resource),
    traffic: formatProtocolPorts(finding.detail.protocol, finding.detail.ports),
    reason: finding.suppressed?.reason ?? '',
    owner: finding.suppressed?.owner ?? '',
    expires: finding.suppressed?.expires ?? '',
  };
}

interface GroupView {
  check: string;
  title: string;
  count: number;
  findings: ReturnType<typeof findingView>[];
}

/**
 * Markdown for PR comments and tickets: counts always, details while they fit. Findings are
 * added in report order until the next one would pass `maxChars`, then "… and N more".
 */
export function renderMarkdown(doc: FindingsDocument, options: MarkdownReportOptions = {}): string {
  const { main, partials } = loadTemplates('markdown', helpers);
  const maxChars = options.maxChars ?? 60_000;
  const maxRows = options.maxTableRows ?? 20;
  const counts = countFindings(doc);
  const incomplete = incompleteCoverage(doc);
  const titles = new Map(doc.checks.map((check) => [check.id, check.title]));
  const active = sortFindingsByCheck(doc.findings.filter((finding) => !finding.suppressed));
  const suppressed = sortFindings(doc.findings.filter((finding) => finding.suppressed));
  const drift = doc.findings.filter((finding) => finding.check === 'drift' && !finding.suppressed).length;

  const base = {
    snapshotId: doc.snapshotId,
    snapshotTakenAt: doc.snapshotTakenAt ?? null,
    baselineId: doc.baselineId ?? null,
    generatedAt: doc.generatedAt,
    tool: doc.tool,
    counts,
    drift,
    coverage: {
      complete: incomplete.length === 0,
      empty: doc.coverage.length === 0,
      scopeCount: new Set(doc.coverage.map((entry) => `${entry.accountId}\u0000${entry.regionId}`)).size,
      entryCount: doc.coverage.length,
      incompleteCount: incomplete.length,
      entries: incomplete.slice(0, maxRows).map((entry) => ({
        accountId: entry.accountId,
        regionId: entry.regionId,
        api: entry.api,
        status: entry.status,
        code: entry.code ?? '',
        message: truncate(entry.message ?? '', 200),
        requestId: entry.requestId ?? '',
        resources: (entry.resourceIds ?? []).length,
      })),
      more: Math.max(0, incomplete.length - maxRows),
      notCompared: (doc.notCompared ?? []).slice(0, maxRows).map((scope) => ({ ...scope, api: scope.api ?? '' })),
      notComparedMore: Math.max(0, (doc.notCompared ?? []).length - maxRows),
    },
    suppressionProblems: doc.suppressions.slice(0, maxRows),
    suppressionProblemsMore: Math.max(0, doc.suppressions.length - maxRows),
  };

  const render = (groups: GroupView[], shownSuppressed: ReturnType<typeof suppressedView>[]) =>
    main({
      ...base,
      groups,
      omitted: active.length - groups.reduce((sum, group) => sum + group.findings.length, 0),
      suppressedRows: shownSuppressed,
      suppressedOmitted: suppressed.length - shownSuppressed.length,
    });

  const headingPartial = partials['check-heading'];
  const findingPartial = partials['finding'];
  const suppressedPartial = partials['suppressed-row'];
  if (!headingPartial || !findingPartial || !suppressedPartial) throw new Error('templates/markdown/partials is missing a partial');

  // Lengths of the parts add up: the main template places partial output back to back.
  const fixed = render([], []).length;
  // Room for the "… and N more" lines, whose digits grow once findings are left out.
  let budget = maxChars - fixed - 200;
  const groups: GroupView[] = [];
  const groupCounts = new Map<string, number>();
  for (const finding of active) groupCounts.set(finding.check, (groupCounts.get(finding.check) ?? 0) + 1);
  let full = false;
  for (const finding of active) {
    let group = groups[groups.length - 1];
    let cost = 0;
    let newGroup: GroupView | undefined;
    if (!group || group.check !== finding.check) {
      newGroup = { check: finding.check, title: titles.get(finding.check) ?? finding.title, count: groupCounts.get(finding.check) ?? 0, findings: [] };
      cost += headingPartial(newGroup).length;
    }
    const view = findingView(finding);
    cost += findingPartial(view).length;
    if (cost > budget) {
      full = true;
      break;
    }
    budget -= cost;
    if (newGroup) {
      groups.push(newGroup);
      group = newGroup;
    }
    group?.findings.push(view);
  }
  const shownSuppressed: ReturnType<typeof suppressedView>[] = [];
  if (!full) {
    for (const finding of suppressed) {
      const view = suppressedView(finding);
      const cost = suppressedPartial(view).length;
      if (cost > budget) break;
      budget -= cost;
      shownSuppressed.push(view);
    }
  }

  let output = render(groups, shownSuppressed);
  // The estimate is exact up to the digits of the omitted counts; trim further if it was not.
  while (output.length > maxChars && (shownSuppressed.length > 0 || groups.length > 0)) {
    if (shownSuppressed.length > 0) shownSuppressed.pop();
    else {
      const last = groups[groups.length - 1];
      last?.findings.pop();
      if (last && last.findings.length === 0) groups.pop();
    }
    output = render(groups, shownSuppressed);
  }
  return output;
}
