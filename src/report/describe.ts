import { SEVERITIES, type Evidence, type Finding, type FindingsDocument, type Severity } from '../model/findings.js';
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

function formatExtraValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((item) => ['string', 'number', 'boolean'].includes(typeof item))) return value.join(', ');
  return JSON.stringify(value);
}

/** `118,404`: counts as readers read them, the same on every machine. */
export const formatCount = (count: number): string => count.toLocaleString('en-US');

export function formatResource(resource: Finding['resource']): string {
  return resource.name ? `${resource.type} ${resource.id} (${resource.name})` : `${resource.type} ${resource.id}`;
}

/** Drift and other checks put plain JSON in `extra`; reports show it as `key=value` pairs. */
export function formatExtra(extra: Record<string, unknown> | undefined): string[] {
  if (!extra) return [];
  return Object.keys(extra)
    .sort()
    .map((key) => {
      return `${key}=${formatExtraValue(extra[key])}`;
    });
}

export function formatEvidencePeer(evidence: Evidence): string {
  return evidence.peer ?? '';
}

export interface SeverityCount {
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

export function isCoverageComplete(doc: FindingsDocument): boolean {
  return incompleteCoverage(doc).length === 0 && (doc.notCompared ?? []).length === 0;
}

/** Only absolute http(s) URLs become links; anything else (relative doc paths, javascript:) stays text. */
export function safeHttpUrl(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}
