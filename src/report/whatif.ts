import type { DeltaEntry, WhatIfDelta } from '../analyze/whatif.js';
import type { Finding, FindingsDocument, Severity } from '../model/findings.js';
import { formatProtocolPorts } from './describe.js';
import { escapeMarkdown, tableCode, truncate } from './markdown-escape.js';
import { renderSarif } from './sarif.js';

/** Where a change came from: a change file entry, or a Terraform resource address in a plan. */
interface ChangeOrigin {
  file: string;
  path?: string;
  address?: string;
}

/** Everything a whatif report says: the changes, what the analysis found, and the gate's verdict. */
export interface WhatIfReport {
  snapshotId: string;
  changes: readonly { summary: string; origin: ChangeOrigin }[];
  /** Unknown-after-apply values taken at their widest, one sentence each. */
  assumptions: readonly string[];
  delta: WhatIfDelta;
  failOn: Severity;
  /** The entries that fail the gate (gateFailures). */
  failures: readonly DeltaEntry[];
  tool: { name: string; version: string };
  generatedAt: string;
}

/** A pull-request comment stays readable: at most this many lines, worst first, the rest counted. */
const MARKDOWN_MAX_LINES = 60;

function originLabel(origin: ChangeOrigin): string {
  return origin.address ?? (origin.path ? `${origin.file} ${origin.path}` : origin.file);
}

function causedBy(report: WhatIfReport, entry: DeltaEntry): string {
  if (entry.changes.length === 0) return 'the changes together';
  return [...new Set(entry.changes.map((index) => originLabel((report.changes[index] as WhatIfReport['changes'][number]).origin)))].join(', ');
}

function traffic(finding: Finding): string {
  return formatProtocolPorts(finding.detail.protocol, finding.detail.ports);
}

function severityText(entry: DeltaEntry): string {
  return entry.kind === 'changed' && entry.before ? `${entry.before.severity} → ${entry.finding.severity}` : entry.finding.severity;
}

function verdict(report: WhatIfReport): string {
  const { failures, failOn } = report;
  return failures.length > 0
    ? `FAIL: ${failures.length} finding${failures.length === 1 ? '' : 's'} added or raised at or above ${failOn}`
    : `PASS: nothing added or raised at or above ${failOn}`;
}

function counts(delta: WhatIfDelta): string {
  return `${delta.added.length} added, ${delta.changed.length} re-ranked, ${delta.removed.length} removed`;
}

/** The terminal form: the verdict first, then added, re-ranked and removed findings, worst first. */
export function formatWhatIfText(report: WhatIfReport): string {
  const { delta } = report;
  const lines = [
    `${verdict(report)} (${counts(delta)}; ${report.changes.length} change${report.changes.length === 1 ? '' : 's'} on snapshot ${report.snapshotId}, ${delta.scope.interfaces} interfaces and ${delta.scope.groups} groups re-analysed)`,
  ];
  if (report.assumptions.length > 0) lines.push('', 'Assumed (unknown until apply, taken at their widest):', ...report.assumptions.map((a) => `  - ${a}`));
  const section = (title: string, entries: readonly DeltaEntry[]) => {
    if (entries.length === 0) return;
    lines.push('', `${title} (${entries.length}):`);
    for (const entry of entries) {
      lines.push(`  ${severityText(entry).padEnd(8)}  ${entry.finding.check}  ${entry.finding.message}`);
      lines.push(`            by ${causedBy(report, entry)}${entry.finding.rootCauses?.length ? `; root cause ${entry.finding.rootCauses.join(', ')}` : ''}`);
    }
  };
  section('Added', delta.added);
  section('Re-ranked', delta.changed);
  section('Removed', delta.removed);
  lines.push('', 'Changes:', ...report.changes.map((change, index) => `  ${index + 1}. ${change.summary} (${originLabel(change.origin)})`));
  return `${lines.join('\n')}\n`;
}

/**
 * A pull-request comment: verdict, counts, then one table row per finding (added and re-ranked
 * before removed, worst first) until MARKDOWN_MAX_LINES, with the rest counted.
 */
export function formatWhatIfMarkdown(report: WhatIfReport): string {
  const { delta } = report;
  const head = [`### sgaudit whatif: ${report.failures.length > 0 ? '❌' : '✅'} ${escapeMarkdown(verdict(report))}`, '', `${counts(delta)} · snapshot ${tableCode(report.snapshotId)}`, ''];
  const assumptions = report.assumptions.length > 0 ? [`**Assumed** (unknown until apply, taken at their widest): ${escapeMarkdown(truncate(report.assumptions.join(' '), 400))}`, ''] : [];
  const entries = [...delta.added, ...delta.changed, ...delta.removed];
  const table = ['| | Severity | Check | Resource | Traffic | Caused by |', '|---|---|---|---|---|---|'];
  const rows = entries.map(
    (entry) =>
      `| ${entry.kind} | ${escapeMarkdown(severityText(entry))} | ${tableCode(entry.finding.check)} | ${tableCode(entry.finding.resource.id)} | ${tableCode(traffic(entry.finding))} | ${tableCode(truncate(causedBy(report, entry), 80))} |`,
  );
  // Room for the table: what the head and assumptions leave, less one line for the "more" note.
  const room = MARKDOWN_MAX_LINES - head.length - assumptions.length - table.length - 1;
  const shown = rows.slice(0, Math.max(0, room));
  const lines = [...head, ...assumptions];
  if (entries.length > 0) lines.push(...table, ...shown);
  if (rows.length > shown.length) lines.push(`… and ${rows.length - shown.length} more (run \`sgaudit whatif --format text\` for all).`);
  if (entries.length === 0) lines.push('The change adds, re-ranks and removes no findings.');
  return `${lines.join('\n')}\n`;
}

/**
 * SARIF for code scanning: the added and raised findings, each located at the Terraform resource
 * address (or change-file entry) that caused it, as a logical location next to the cloud resource.
 */
export function formatWhatIfSarif(report: WhatIfReport): string {
  const entries = [...report.delta.added, ...report.delta.changed.filter((e) => e.before && e.before.severity !== e.finding.severity)];
  const document: FindingsDocument = {
    schema: 'sgaudit/findings@1',
    snapshotId: report.snapshotId,
    generatedAt: report.generatedAt,
    tool: report.tool,
    coverage: [],
    checks: report.delta.checks,
    summary: { total: entries.length, suppressed: 0, bySeverity: {}, byCheck: {} },
    findings: entries.map((entry) => entry.finding),
    suppressions: [],
  };
  const origins = new Map(entries.map((entry) => [entry.finding.id, entry.changes.map((index) => (report.changes[index] as WhatIfReport['changes'][number]).origin)]));
  return renderSarif(document, {
    locationsOf: (finding) =>
      (origins.get(finding.id) ?? []).map((origin) => ({
        physicalLocation: { artifactLocation: { uri: origin.file } },
        logicalLocations: [{ name: origin.address ?? origin.path ?? origin.file, fullyQualifiedName: origin.address ?? `${origin.file}#${origin.path ?? ''}`, kind: origin.address ? 'resource' : 'element' }],
      })),
  });
}
