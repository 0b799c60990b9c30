import { createHash } from 'node:crypto';
import { type FindingsDocument } from '../model/findings.js';
import { countFindings, formatExtra, formatResource, incompleteCoverage } from './describe.js';
import { EVIDENCE_COLUMNS, buildClientData, jsonForScript } from './html-data.js';
import { sortFindings, sortFindingsForGrouping } from './order.js';
import { SafeString, loadTemplates, readTemplateAsset } from './templates.js';

export interface HtmlReportOptions {
  /** Findings per page in the browser (default 50). */
  pageSize?: number;
  /** How many drift findings the drift section lists before pointing to the filtered list (default 100). */
  driftPreviewLimit?: number;
}

const CHART = { width: 360, barHeight: 18, gap: 6, labelWidth: 70, countWidth: 60 } as const;
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

function severityChart(bySeverity: { severity: string; count: number }[]) {
  const max = Math.max(1, ...bySeverity.map((entry) => entry.count));
  const barSpace = CHART.width - CHART.labelWidth - CHART.countWidth;
  return {
    width: CHART.width,
    height: bySeverity.length * (CHART.barHeight + CHART.gap),
    bars: bySeverity.map((entry, index) => {
      const y = index * (CHART.barHeight + CHART.gap);
      return {
        severity: entry.severity,
        count: entry.count,
        y,
        textY: y + CHART.barHeight - 5,
        barX: CHART.labelWidth,
        barWidth: entry.count === 0 ? 0 : Math.max(2, Math.round((entry.count / max) * barSpace)),
        barHeight: CHART.barHeight,
        countX: CHART.labelWidth + (entry.count === 0 ? 0 : Math.max(2, Math.round((entry.count / max) * barSpace))) + 6,
      };
    }),
  };
}

function driftSection(doc: FindingsDocument, previewLimit: number) {
  const drift = sortFindings(doc.findings.filter((finding) => finding.check === 'drift'));
  if (drift.length === 0) return null;
  const byKind = new Map<string, number>();
  for (const finding of drift) {
    const kind = finding.detail.extra?.['kind'] ?? finding.detail.extra?.['change'];
    const label = typeof kind === 'string' ? kind : finding.title;
    byKind.set(label, (byKind.get(label) ?? 0) + 1);
  }
  return {
    count: drift.length,
    baselineId: doc.baselineId ?? null,
    byKind: [...byKind.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([kind, count]) => ({ kind, count })),
    rows: drift.slice(0, previewLimit).map((finding) => ({
      id: finding.id,
      severity: finding.severity,
      title: finding.title,
      scope: `${finding.accountId} / ${finding.regionId}`,
      resource: formatResource(finding.resource),
      message: finding.message,
      change: formatExtra(finding.detail.extra).join('; '),
      suppressed: Boolean(finding.suppressed),
    })),
    more: Math.max(0, drift.length - previewLimit),
  };
}

function distinctSorted(values: Iterable<string>): string[] {
  return [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** One self-contained HTML file: inline CSS and JS pinned by CSP hashes, findings as inert JSON data. */
export function renderHtml(doc: FindingsDocument, options: HtmlReportOptions = {}): string {
  const { style, script, csp } = loadAssets();
  const { main } = loadTemplates('html');
  const pageSize = options.pageSize ?? 50;
  const counts = countFindings(doc);
  const ordered = sortFindingsForGrouping(doc.findings);
  const incomplete = incompleteCoverage(doc);
  const notCompared = [...(doc.notCompared ?? [])].sort(
    (a, b) => (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0) || (a.regionId < b.regionId ? -1 : a.regionId > b.regionId ? 1 : 0),
  );
  const scopes = new Set(doc.coverage.map((entry) => `${entry.accountId}\u0000${entry.regionId}`));

  const view = {
    csp,
    style: new SafeString(style),
    script: new SafeString(script),
    data: new SafeString(jsonForScript(buildClientData(doc, ordered, pageSize))),
    tool: doc.tool,
    snapshotId: doc.snapshotId,
    snapshotTakenAt: doc.snapshotTakenAt ?? null,
    baselineId: doc.baselineId ?? null,
    generatedAt: doc.generatedAt,
    coverage: {
      complete: incomplete.length === 0,
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
    summary: {
      total: doc.findings.length,
      active: counts.active,
      suppressed: counts.suppressed,
      bySeverity: counts.bySeverity,
      chart: severityChart(counts.bySeverity),
      byCheck: counts.byCheck,
    },
    filters: {
      checks: distinctSorted(doc.findings.map((finding) => finding.check)),
      accounts: distinctSorted(doc.findings.map((finding) => finding.accountId)),
      regions: distinctSorted(doc.findings.map((finding) => finding.regionId)),
    },
    evidenceColumns: EVIDENCE_COLUMNS,
    drift: driftSection(doc, options.driftPreviewLimit ?? 100),
    suppressionProblems: [...doc.suppressions]
      .sort((a, b) => (a.status < b.status ? -1 : a.status > b.status ? 1 : 0) || (a.matcher < b.matcher ? -1 : a.matcher > b.matcher ? 1 : 0))
      .map((entry) => ({ ...entry })),
  };
  return main(view);
}
