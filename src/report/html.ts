import { coverageVerdict } from '../model/coverage.js';
import { createHash } from 'node:crypto';
import { SEVERITIES, type Finding, type FindingsDocument } from '../model/findings.js';
import { accountName, accountViews, PROVIDER_LABELS, topCauseText, type AccountView } from './accounts.js';
import { checkGuides, countFindings, formatCount, formatProtocolPorts, formatResource, incompleteCoverage, safeDocsHref, type ReportCounts } from './describe.js';
import { DRIFT_CHECK, changedGroup, decidingRule, describeChange, driftChanges, exposureSources, isDriftReport, reportTitle, type DriftChanges } from './drift.js';
import { EVIDENCE_COLUMNS, RISK_FIELDS, buildClientData, embedData, riskFields, type RiskFields } from './html-data.js';
import { TOP_RISKS_SHOWN, listedCauses, topRisks, type TopRisks } from './root-causes.js';
import { findingSection } from './sections.js';
import { SafeString, loadTemplates, readTemplateAsset } from './templates.js';

export interface HtmlReportOptions {
  /** Findings per page in the browser (default 50). */
  pageSize?: number;
  /** How many changes the drift section lists of new exposure and of each other kind before pointing to the filtered list (default 100). */
  driftPreviewLimit?: number;
}

const CHART = { width: 420, barHeight: 16, gap: 5, countWidth: 70 } as const;
const RESOURCE_IDS_SHOWN = 5;

function sha256Base64(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64');
}

interface Assets {
  style: string;
  script: string;
  csp: string;
}

let assets: Assets | undefined;

/** The inline style and script are fixed text, so their CSP hashes are computed once. */
function loadAssets(): Assets {
  if (assets) return assets;
  const style = readTemplateAsset('html', 'report.css');
  const script = readTemplateAsset('html', 'report.client.js');
  if (/<\/(script|style)/i.test(style + script)) throw new Error('templates/html assets must not contain a closing script/style tag');
  const csp = [
    "default-src 'none'",
    `script-src 'sha256-${sha256Base64(script)}'`,
    `style-src 'sha256-${sha256Base64(style)}'`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  assets = { style, script, csp };
  return assets;
}

interface ChartEntry {
  label: string;
  count: number;
  /** CSS class of the bar (severity colour). */
  tone: string;
}

/** Horizontal bars as inline SVG: the CSP allows no style attributes, and SVG geometry is markup. */
function barChart(title: string, entries: ChartEntry[], labelWidth: number) {
  const max = Math.max(1, ...entries.map((entry) => entry.count));
  const barSpace = CHART.width - labelWidth - CHART.countWidth;
  return {
    title,
    width: CHART.width,
    height: Math.max(1, entries.length) * (CHART.barHeight + CHART.gap),
    bars: entries.map((entry, index) => {
      const y = index * (CHART.barHeight + CHART.gap);
      const barWidth = entry.count === 0 ? 0 : Math.max(2, Math.round((entry.count / max) * barSpace));
      return { label: entry.label, count: formatCount(entry.count), tone: entry.tone, y, textY: y + CHART.barHeight - 4, barX: labelWidth, barWidth, barHeight: CHART.barHeight, countX: labelWidth + barWidth + 6 };
    }),
  };
}

/**
 * Top risks: the first screen's rows. Every critical root cause is listed; those past the first
 * screen are drawn by the page from the data when asked.
 */
function topRisksView(risks: TopRisks) {
  const listed = listedCauses(risks);
  const more = listed.slice(TOP_RISKS_SHOWN);
  return {
    derived: risks.source === 'critical-findings',
    total: formatCount(risks.causes.length),
    top: listed.slice(0, TOP_RISKS_SHOWN).map((cause, index) => ({ index, ...riskFields(cause) })),
    blank: { index: '', ...(Object.fromEntries(RISK_FIELDS.map((field) => [field, ''])) as RiskFields) },
    more: formatCount(more.length),
    hasMore: more.length > 0,
    moreStart: TOP_RISKS_SHOWN + 1,
    unlisted: formatCount(risks.causes.length - listed.length),
    hasUnlisted: risks.causes.length > listed.length,
  };
}

/** `rule sgr-1 in sg-web (web)`: a rule's name is its group's. */
function resourceText(finding: Finding): string {
  const group = changedGroup(finding);
  const { type, id, name } = finding.resource;
  return group ? `${type} ${id} in ${group}${name ? ` (${name})` : ''}` : formatResource(finding.resource);
}

/** The changes since the baseline: new exposure (worst first), then every other kind with its count, each fix once. */
function driftSection(doc: FindingsDocument, changes: DriftChanges, driftReport: boolean, previewLimit: number) {
  if (changes.total === 0 && !driftReport) return null;
  const suppressed = doc.findings.filter((finding) => finding.check === DRIFT_CHECK && finding.suppressed).length;
  const scope = (finding: Finding) => `${finding.accountId} / ${finding.regionId}`;
  return {
    report: driftReport,
    baselineId: doc.baselineId ?? null,
    total: formatCount(changes.total),
    suppressed: suppressed > 0 ? formatCount(suppressed) : '',
    newExposure: {
      count: formatCount(changes.newExposure.length),
      rows: changes.newExposure.slice(0, previewLimit).map((finding) => ({
        severity: finding.severity,
        resource: formatResource(finding.resource),
        scope: scope(finding),
        traffic: formatProtocolPorts(finding.detail.protocol, finding.detail.ports),
        breadth: exposureSources(finding),
        addresses: (finding.detail.addresses ?? []).join(', '),
        rule: decidingRule(finding) ?? null,
      })),
      more: formatCount(Math.max(0, changes.newExposure.length - previewLimit)),
      hasMore: changes.newExposure.length > previewLimit,
    },
    other: formatCount(changes.total - changes.newExposure.length),
    kinds: changes.kinds.map((group) => ({
      kind: group.kind,
      title: group.title,
      worst: group.worst,
      count: formatCount(group.findings.length),
      rows: group.findings.slice(0, previewLimit).map((finding) => ({
        severity: finding.severity,
        resource: resourceText(finding),
        scope: scope(finding),
        change: describeChange(finding),
        message: finding.message,
      })),
      more: formatCount(Math.max(0, group.findings.length - previewLimit)),
      hasMore: group.findings.length > previewLimit,
    })),
    fixes: changes.fixes.map((fix) => ({ kinds: fix.kinds.join(', '), text: fix.text })),
  };
}

/** One row per check: its counts, and its fix and docs, which the findings lists do not repeat. */
function checkRows(doc: FindingsDocument, counts: ReportCounts) {
  const guides = checkGuides(doc);
  return counts.byCheck.map((entry) => {
    const { fix, docs } = guides.get(entry.check) ?? { fix: '', docs: '' };
    return { ...entry, count: formatCount(entry.count), suppressed: formatCount(entry.suppressed), fix, docs, docsHref: safeDocsHref(docs) ?? null };
  });
}

/** The accounts table, when the document spans more than one account. */
function accountsSection(views: AccountView[]) {
  if (views.length < 2) return null;
  return {
    count: formatCount(views.length),
    severities: SEVERITIES,
    rows: views.map((view) => ({
      accountId: view.accountId,
      alias: view.alias ?? '',
      provider: PROVIDER_LABELS[view.provider],
      coverageClass: view.coverage.replace(' ', '-'),
      coverageText: view.coverageText,
      regions: view.regions.join(', '),
      counts: SEVERITIES.map((severity) => formatCount(view.open[severity])),
      openTotal: formatCount(view.openTotal),
      hasFindings: view.openTotal > 0,
      topSeverity: view.topCause?.severity ?? '',
      topCause: topCauseText(view),
    })),
  };
}

function distinctSorted(values: Iterable<string>): string[] {
  return [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * One self-contained HTML file: inline CSS and JS pinned by CSP hashes, the findings as inert data.
 * The first screen is the coverage line and the top risks; the findings lists are drawn by the page.
 */
export function renderHtml(doc: FindingsDocument, options: HtmlReportOptions = {}): string {
  const { style, script, csp } = loadAssets();
  const { main } = loadTemplates('html');
  const pageSize = options.pageSize ?? 50;
  const counts = countFindings(doc);
  const risks = topRisks(doc);
  const incomplete = incompleteCoverage(doc);
  const notCompared = [...(doc.notCompared ?? [])].sort(
    (a, b) => (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0) || (a.regionId < b.regionId ? -1 : a.regionId > b.regionId ? 1 : 0),
  );
  const scopes = new Set(doc.coverage.map((entry) => `${entry.accountId}\u0000${entry.regionId}`));
  const driftReport = isDriftReport(doc);
  // The drift check's own fix is in the checks table; the drift section adds only the fixes of its kinds.
  const changes = driftChanges(doc.findings, doc.checks.find((check) => check.id === DRIFT_CHECK)?.remediation);
  const sections = { exposure: 0, hygiene: 0, other: 0 };
  for (const finding of doc.findings) if (!finding.suppressed) sections[findingSection(finding)] += 1;
  const bars = driftReport
    ? changes.counts.map((entry) => ({ label: entry.kind, count: entry.count, tone: `sev-${entry.worst}` }))
    : counts.byCheck.map((entry) => ({ label: entry.check, count: entry.count, tone: `sev-${entry.worst}` }));
  // Labels are 12 px text, about 7 px a character.
  const labelWidth = 12 + 7 * Math.max(8, ...bars.map((entry) => entry.label.length));
  const title = reportTitle(doc);
  const noun = driftReport ? 'changes' : 'findings';
  const accounts = accountViews(doc);
  const aliases = new Map(accounts.map((view) => [view.accountId, view]));

  const view = {
    csp,
    style: new SafeString(style),
    script: new SafeString(script),
    data: new SafeString(embedData(buildClientData(doc, risks, pageSize))),
    tool: doc.tool,
    driftReport,
    title,
    pageTitle: driftReport ? title : `sgaudit report — ${doc.snapshotId}`,
    snapshotId: doc.snapshotId,
    snapshotTakenAt: doc.snapshotTakenAt ?? null,
    baselineId: doc.baselineId ?? null,
    generatedAt: doc.generatedAt,
    coverage: {
      complete: doc.coverage.length > 0 && incomplete.length === 0 && notCompared.length === 0,
      failed: coverageVerdict(doc.coverage) === 'failed',
      scopeCount: scopes.size,
      entryCount: doc.coverage.length,
      empty: doc.coverage.length === 0,
      entries: incomplete.map((entry) => {
        const ids = entry.resourceIds ?? [];
        return {
          accountId: entry.accountId,
          regionId: entry.regionId,
          api: entry.api,
          status: entry.status,
          code: entry.code ?? '',
          message: entry.message ?? '',
          requestId: entry.requestId ?? '',
          resources: ids.length === 0 ? '' : ids.slice(0, RESOURCE_IDS_SHOWN).join(', ') + (ids.length > RESOURCE_IDS_SHOWN ? ` … and ${ids.length - RESOURCE_IDS_SHOWN} more` : ''),
        };
      }),
      notCompared: notCompared.map((scope) => ({ accountId: scope.accountId, regionId: scope.regionId, api: scope.api ?? '', reason: scope.reason })),
    },
    risks: topRisksView(risks),
    summary: {
      heading: driftReport ? 'Changes by severity and kind' : 'Findings by severity and check',
      text: driftReport
        ? `${formatCount(counts.active)} open changes — ${formatCount(changes.newExposure.length)} new exposure, ${formatCount(changes.total - changes.newExposure.length)} other — and ${formatCount(counts.suppressed)} suppressed (${formatCount(doc.findings.length)} in total).`
        : `${formatCount(counts.active)} open findings — ${formatCount(sections.exposure)} exposure, ${formatCount(sections.hygiene)} hygiene, ${formatCount(sections.other)} other — and ${formatCount(counts.suppressed)} suppressed (${formatCount(doc.findings.length)} in total).`,
      severityChart: barChart(`Open ${noun} by severity`, counts.bySeverity.map((entry) => ({ label: entry.severity, count: entry.count, tone: `sev-${entry.severity}` })), 70),
      secondChart: barChart(driftReport ? 'Open changes by kind' : 'Open findings by check', bars, labelWidth),
      checks: checkRows(doc, counts),
    },
    sections: {
      exposure: formatCount(sections.exposure),
      hygiene: formatCount(sections.hygiene),
      other: formatCount(sections.other),
      suppressed: formatCount(counts.suppressed),
    },
    filters: {
      checks: distinctSorted(doc.findings.map((finding) => finding.check)),
      accounts: distinctSorted(doc.findings.map((finding) => finding.accountId)).map((accountId) => ({ value: accountId, label: accountName(aliases.get(accountId) ?? { accountId }) })),
      regions: distinctSorted(doc.findings.map((finding) => finding.regionId)),
    },
    evidenceColumns: EVIDENCE_COLUMNS,
    drift: driftSection(doc, changes, driftReport, options.driftPreviewLimit ?? 100),
    accounts: driftReport ? null : accountsSection(accounts),
    suppressionProblems: [...doc.suppressions]
      .sort((a, b) => (a.status < b.status ? -1 : a.status > b.status ? 1 : 0) || (a.matcher < b.matcher ? -1 : a.matcher > b.matcher ? 1 : 0))
      .map((entry) => ({ ...entry })),
  };
  return main(view);
}
