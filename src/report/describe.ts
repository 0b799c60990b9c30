import { BREADTH_LABEL, SEVERITIES, type Breadth, type Finding, type FindingsDocument, type Severity } from '../model/findings.js';
import type { Coverage, PortRange } from '../model/snapshot.js';

/** `22`, `8000-8100`, `all` for the normalized full range; empty when the finding has no ports. */
export function formatPorts(ports: PortRange | undefined): string {
  if (!ports) return '';
  if (ports.from === 1 && ports.to === 65535) return 'all';
  return ports.from === ports.to ? String(ports.from) : `${ports.from}-${ports.to}`;
}

/** `tcp/22`, `all`, `icmp` — ports only where the protocol has them. */
export function formatProtocolPorts(protocol: string | undefined, ports: PortRange | undefined): string {
  if (!protocol) return formatPorts(ports);
  if (protocol !== 'tcp' && protocol !== 'udp') return protocol;
  const shown = formatPorts(ports);
  return shown ? `${protocol}/${shown}` : protocol;
}

/** Ports of a rule: empty for protocols without ports (icmp, gre), whose range is only a normalized 1-65535. */
export function formatRulePorts(protocol: string | undefined, ports: PortRange | undefined): string {
  return protocol && protocol !== 'tcp' && protocol !== 'udp' && protocol !== 'all' ? '' : formatPorts(ports);
}

/**
 * A value of `detail.extra` as a reader reads it: lists joined, objects as `key=value` pairs,
 * nothing as `none`. Never JSON: its quotes turn into entities in HTML and noise in Markdown.
 */
export function formatValue(value: unknown): string {
  if (value === undefined || value === null) return 'none';
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.map(formatValue).join(', ');
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).sort();
    return keys.length === 0 ? 'none' : keys.map((key) => `${key}=${formatValue(record[key])}`).join(', ');
  }
  return String(value);
}

/** `118,404`: counts as readers read them, the same on every machine. */
export const formatCount = (count: number): string => count.toLocaleString('en-US');

export function formatResource(resource: Finding['resource']): string {
  return resource.name ? `${resource.type} ${resource.id} (${resource.name})` : `${resource.type} ${resource.id}`;
}

/** Check-specific extras as label and value, keys sorted. */
export function formatExtra(extra: Record<string, unknown> | undefined): [string, string][] {
  if (!extra) return [];
  return Object.keys(extra)
    .sort()
    .map((key) => [key, formatValue(extra[key])]);
}


const BREADTH_CLASS_PREFIX = new RegExp(`^(${Object.values(BREADTH_LABEL).join('|')}): `);

/**
 * The public sources of an exposure in their shortest faithful form: the breadth summary
 * (`0.0.0.0/0 except 198.51.100.0/24`) without its class, for where the class is shown beside it.
 * `detail.sources` can read `0.0.0.0/5, 8.0.0.0/7, … 15 more` for the same set.
 */
export function breadthSources(breadth: Breadth): string {
  return breadth.summary.replace(BREADTH_CLASS_PREFIX, '');
}

interface SeverityCount {
  severity: Severity;
  count: number;
}

export interface ReportCounts {
  active: number;
  suppressed: number;
  bySeverity: SeverityCount[];
  byCheck: { check: string; title: string; count: number; suppressed: number; worst: Severity }[];
}

/** Counted from the findings themselves, so every report agrees with what it lists. */
export function countFindings(doc: FindingsDocument): ReportCounts {
  const bySeverity = new Map<Severity, number>(SEVERITIES.map((s) => [s, 0]));
  const byCheck = new Map<string, { count: number; suppressed: number; worst: Severity }>();
  let suppressed = 0;
  for (const finding of doc.findings) {
    const entry = byCheck.get(finding.check) ?? { count: 0, suppressed: 0, worst: finding.severity };
    if (SEVERITIES.indexOf(finding.severity) < SEVERITIES.indexOf(entry.worst)) entry.worst = finding.severity;
    if (finding.suppressed) {
      suppressed += 1;
      entry.suppressed += 1;
    } else {
      entry.count += 1;
      bySeverity.set(finding.severity, (bySeverity.get(finding.severity) ?? 0) + 1);
    }
    byCheck.set(finding.check, entry);
  }
  const titles = new Map(doc.checks.map((check) => [check.id, check.title]));
  return {
    active: doc.findings.length - suppressed,
    suppressed,
    bySeverity: SEVERITIES.map((severity) => ({ severity, count: bySeverity.get(severity) ?? 0 })),
    byCheck: [...byCheck.entries()]
      .map(([check, entry]) => ({ check, title: titles.get(check) ?? check, ...entry }))
      .sort((a, b) => SEVERITIES.indexOf(a.worst) - SEVERITIES.indexOf(b.worst) || (a.check < b.check ? -1 : a.check > b.check ? 1 : 0)),
  };
}

/**
 * What to do about each check, and where its docs are: from the check's metadata, or from its
 * first finding where a document lacks the metadata.
 */
export function checkGuides(doc: FindingsDocument): Map<string, { fix: string; docs: string }> {
  const guides = new Map<string, { fix: string; docs: string }>();
  for (const finding of doc.findings) if (!guides.has(finding.check)) guides.set(finding.check, { fix: finding.remediation, docs: finding.docs ?? '' });
  for (const check of doc.checks) guides.set(check.id, { fix: check.remediation, docs: check.docs });
  return guides;
}

/** Coverage entries that were not complete, in a stable order. */
export function incompleteCoverage(doc: FindingsDocument): Coverage[] {
  return doc.coverage
    .filter((entry) => entry.status !== 'complete')
    .sort(
      (a, b) =>
        (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0) ||
        (a.regionId < b.regionId ? -1 : a.regionId > b.regionId ? 1 : 0) ||
        (a.api < b.api ? -1 : a.api > b.api ? 1 : 0),
    );
}

/** Only absolute http(s) URLs become external links; anything else (relative doc paths, javascript:) is not one. */
export function safeHttpUrl(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** A path inside sgaudit's docs (`docs/checks/broad-rule.md`, `docs/drift.md#commands`): no scheme, not absolute. */
const DOCS_PATH = /^[\w.-]+(\/[\w.-]+)*(#[\w.-]+)?$/;

/**
 * Where a check's docs link points in HTML: an http(s) URL, or a path relative to sgaudit's docs as
 * the check metadata writes it. A link is not a load, so the CSP stays as strict; anything else
 * (javascript:, data:) is left as text.
 */
export function safeDocsHref(value: string | undefined): string | undefined {
  return safeHttpUrl(value) ?? (value && DOCS_PATH.test(value) ? value : undefined);
}
