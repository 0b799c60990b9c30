import { SEVERITY_RANK, type Evidence, type Finding, type FindingsDocument, type Severity } from '../model/findings.js';
import { formatPorts, formatProtocolPorts, formatValue } from './describe.js';
import { sortFindings } from './order.js';

export const DRIFT_CHECK = 'drift';
const NEW_EXPOSURE = 'new-exposure';
const REMOVED_EXPOSURE = 'removed-exposure';

/**
 * `sgaudit diff` writes a document that checked drift and nothing else: it reads as a drift report,
 * new exposure first. A scan with a baseline finds drift among everything else and stays an audit.
 */
export function isDriftReport(doc: FindingsDocument): boolean {
  return (
    doc.checks.every((check) => check.id === DRIFT_CHECK) &&
    doc.findings.every((finding) => finding.check === DRIFT_CHECK) &&
    (doc.baselineId !== undefined || doc.findings.length > 0)
  );
}

/** What a report calls itself: a drift report names the two states it compares. */
export function reportTitle(doc: FindingsDocument): string {
  return isDriftReport(doc) ? `sgaudit drift report: ${doc.baselineId ?? 'unknown baseline'} → ${doc.snapshotId}` : 'sgaudit security group audit';
}

/** `rule-modified`, `new-exposure` …; documents of other tools may only have a title. */
export function driftKind(finding: Finding): string {
  const kind = finding.detail.extra?.['kind'] ?? finding.detail.extra?.['change'];
  return typeof kind === 'string' ? kind : finding.title;
}

/** Extras a change's before/after text already covers, or that are shown on their own. */
const CHANGE_KEYS = new Set(['kind', 'change', 'before', 'after', 'groupId']);
/** Free text is quoted, so that an empty or padded value shows as such. */
const QUOTED = new Set(['name', 'description']);
/** Fields in the order a reader checks them; the rest follow alphabetically. */
const FIELD_ORDER = ['direction', 'policy', 'protocol', 'ports', 'source', 'destination', 'portListId', 'priority', 'nicType', 'name', 'description', 'type', 'innerAccessPolicy', 'vpcId', 'tags', 'ip', 'bound to', 'rules'];
const NONE = 'none';

type Fields = Record<string, unknown>;
const isFields = (value: unknown): value is Fields => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Rule summaries write ports as `22/22` (drift/rule-key.ts). */
function portsText(value: string): string {
  const match = /^(\d+)\/(\d+)$/.exec(value);
  return match ? formatPorts({ from: Number(match[1]), to: Number(match[2]) }) : value;
}

function fieldText(key: string, value: unknown): string {
  if (QUOTED.has(key)) return `"${value === undefined || value === null ? '' : formatValue(value)}"`;
  if (key === 'ports' && typeof value === 'string') return portsText(value);
  return formatValue(value);
}

function orderedKeys(...records: Fields[]): string[] {
  const keys = new Set(records.flatMap((record) => Object.keys(record)));
  keys.delete('id');
  const known = FIELD_ORDER.filter((key) => keys.has(key));
  return [...known, ...[...keys].filter((key) => !FIELD_ORDER.includes(key)).sort()];
}

const isRule = (value: Fields): boolean => typeof value['direction'] === 'string' && typeof value['policy'] === 'string' && typeof value['protocol'] === 'string';

/** `ingress accept tcp/22 from 10.0.0.0/8, priority 1`: a rule as the console lists it. */
function ruleText(rule: Fields): string {
  const ports = typeof rule['ports'] === 'string' ? portsText(rule['ports']) : '';
  const traffic = rule['protocol'] === 'tcp' || rule['protocol'] === 'udp' ? `${String(rule['protocol'])}/${ports}` : String(rule['protocol']);
  const peer = rule['direction'] === 'egress' ? `to ${formatValue(rule['destination'] ?? 'any')}` : `from ${formatValue(rule['source'] ?? 'any')}`;
  const extras = ['priority', 'portListId', 'nicType', 'description'].filter((key) => rule[key] !== undefined && rule[key] !== '').map((key) => `${key} ${fieldText(key, rule[key])}`);
  return [`${String(rule['direction'])} ${String(rule['policy'])} ${traffic} ${peer}`, ...extras].join(', ');
}

// Undefined, not absent: a document read back from JSON has no key for it, and must read the same.
const hasBinding = (value: Fields): boolean => value['boundInstanceId'] !== undefined || value['boundInstanceType'] !== undefined;

/**
 * An EIP's binding as one field: `bound to EcsInstance i-abc` reads better than two ids. `always`
 * writes `bound to nothing` for an unbound side, when the other side is bound.
 */
function withBinding(value: Fields, always = false): Fields {
  if (!always && !hasBinding(value)) return value;
  const { boundInstanceId, boundInstanceType, ...rest } = value;
  const bound = typeof boundInstanceId === 'string' && boundInstanceId ? `${typeof boundInstanceType === 'string' ? `${boundInstanceType} ` : ''}${boundInstanceId}` : 'nothing';
  return { ...rest, 'bound to': bound };
}

const isPresent = (value: unknown): boolean =>
  value !== undefined && value !== null && value !== '' && !(Array.isArray(value) && value.length === 0) && !(isFields(value) && Object.keys(value).length === 0);

/** One side of a change on its own: a rule, or its non-empty fields. */
function sideText(value: unknown): string {
  if (!isFields(value)) return formatValue(value);
  if (isRule(value)) return ruleText(value);
  const fields = withBinding(value);
  const shown = orderedKeys(fields).filter((key) => isPresent(fields[key]));
  return shown.length === 0 ? NONE : shown.map((key) => `${key} ${fieldText(key, fields[key])}`).join(', ');
}

/** `priority 1 → 5; ports 22 → 22-23`: only the fields that changed. */
function fieldsDiff(before: Fields, after: Fields): string {
  const binding = hasBinding(before) || hasBinding(after);
  const [a, b] = [withBinding(before, binding), withBinding(after, binding)];
  const changed = orderedKeys(a, b)
    .map((key) => ({ key, from: fieldText(key, a[key]), to: fieldText(key, b[key]) }))
    .filter(({ from, to }) => from !== to);
  if (changed.length === 0) return `${sideText(before)} → ${sideText(after)}`;
  return changed.map(({ key, from, to }) => `${key} ${from} → ${to}`).join('; ');
}

/** The sources of an exposure: its breadth when recorded (older documents only list the sources). */
export function exposureSources(finding: Finding): string {
  if (finding.breadth) return finding.breadth.summary;
  const sources = finding.detail.sources ?? [];
  return sources.length > 0 ? `from ${sources.join(', ')}` : '';
}

/** `critical, internet: 0.0.0.0/0`: what an exposure was or is. */
function exposureText(finding: Finding, side: unknown): string {
  const severity = isFields(side) && typeof side['severity'] === 'string' ? side['severity'] : finding.severity;
  return [severity, exposureSources(finding)].filter(Boolean).join(', ');
}

/**
 * A drift finding's before and after as text, `none` for the side that did not exist:
 * `priority 1 → 5; ports 22 → 22-23`, `description "" → "allow all"`, `none → 47.3.3.3`,
 * `none → critical, internet: 0.0.0.0/0`. Extras of other kinds as `key value`. Empty when the
 * finding records nothing more than its message says.
 */
export function describeChange(finding: Finding): string {
  const extra = finding.detail.extra ?? {};
  const kind = driftKind(finding);
  if (kind === NEW_EXPOSURE) return `${NONE} → ${exposureText(finding, extra['after'])}`;
  if (kind === REMOVED_EXPOSURE) return `${exposureText(finding, extra['before'])} → ${NONE}`;
  const { before, after } = extra;
  if (before === undefined && after === undefined) {
    return Object.keys(extra)
      .filter((key) => !CHANGE_KEYS.has(key))
      .sort()
      .map((key) => `${key} ${formatValue(extra[key])}`)
      .join(', ');
  }
  if (isFields(before) && isFields(after)) return fieldsDiff(before, after);
  return `${before === undefined ? NONE : sideText(before)} → ${after === undefined ? NONE : sideText(after)}`;
}

/** The group of a rule change, which its resource (the rule) does not name. */
export function changedGroup(finding: Finding): string | undefined {
  const group = finding.detail.extra?.['groupId'];
  return typeof group === 'string' && finding.resource.type === 'rule' ? group : undefined;
}

/** `sg-web/sgr-1 (web) accept tcp/3389 from 0.0.0.0/0`: the rule that decides a new exposure. */
export function decidingRule(finding: Finding): { ref: string; name: string; shape: string } | undefined {
  const rule: Evidence | undefined = finding.evidence.find((entry) => entry.role === 'decides');
  if (!rule) return undefined;
  return {
    ref: rule.ruleId ? `${rule.groupId}/${rule.ruleId}` : rule.groupId,
    name: rule.groupName ?? '',
    shape: [rule.policy, formatProtocolPorts(rule.protocol, rule.ports), rule.peer ? `from ${rule.peer}` : ''].filter(Boolean).join(' '),
  };
}

interface DriftKindGroup {
  kind: string;
  title: string;
  worst: Severity;
  findings: Finding[];
}

export interface DriftChanges {
  /** New exposure, worst first. */
  newExposure: Finding[];
  /** Every other kind, worst kind first, then the most changed. */
  kinds: DriftKindGroup[];
  /** Every kind with its count, new exposure included, in the same order. */
  counts: { kind: string; count: number; worst: Severity }[];
  /** Each distinct fix once, with the kinds it is for. */
  fixes: { kinds: string[]; text: string }[];
  /** Open drift findings in all. */
  total: number;
}

/**
 * Kinds of change in the order reports list them: new exposure, then the worst kind, then the most
 * changed, then by name.
 */
export function rankKinds(findings: readonly Finding[]): Map<string, number> {
  const stats = new Map<string, { worst: number; count: number }>();
  for (const finding of findings) {
    if (finding.check !== DRIFT_CHECK) continue;
    const kind = driftKind(finding);
    const entry = stats.get(kind) ?? { worst: -1, count: 0 };
    entry.worst = Math.max(entry.worst, SEVERITY_RANK[finding.severity]);
    entry.count += 1;
    stats.set(kind, entry);
  }
  const order = [...stats].sort(
    ([a, x], [b, y]) => Number(b === NEW_EXPOSURE) - Number(a === NEW_EXPOSURE) || y.worst - x.worst || y.count - x.count || (a < b ? -1 : a > b ? 1 : 0),
  );
  return new Map(order.map(([kind], rank) => [kind, rank]));
}

/**
 * The open drift findings as a drift report lists them: new exposure, then the other changes by
 * kind. `skipFix` is a fix the report already shows (the drift check's own, in its checks table).
 */
export function driftChanges(findings: readonly Finding[], skipFix?: string): DriftChanges {
  const open = sortFindings(findings.filter((finding) => finding.check === DRIFT_CHECK && !finding.suppressed));
  const ranks = rankKinds(open);
  const groups: DriftKindGroup[] = [];
  for (const finding of open) {
    const kind = driftKind(finding);
    const group = (groups[ranks.get(kind) ?? 0] ??= { kind, title: finding.title, worst: finding.severity, findings: [] });
    if (SEVERITY_RANK[finding.severity] > SEVERITY_RANK[group.worst]) group.worst = finding.severity;
    group.findings.push(finding);
  }
  const counts = groups.map((group) => ({ kind: group.kind, count: group.findings.length, worst: group.worst }));
  const newExposure = groups[0]?.kind === NEW_EXPOSURE ? (groups.shift()?.findings ?? []) : [];
  const fixes = new Map<string, string[]>();
  for (const { kind, findings: members } of [{ kind: NEW_EXPOSURE, findings: newExposure }, ...groups]) {
    for (const text of new Set(members.map((finding) => finding.remediation))) {
      if (text === skipFix) continue;
      const forKinds = fixes.get(text) ?? [];
      if (!forKinds.includes(kind)) forKinds.push(kind);
      fixes.set(text, forKinds);
    }
  }
  return { newExposure, kinds: groups, counts, fixes: [...fixes].map(([text, forKinds]) => ({ kinds: forKinds, text })), total: open.length };
}
