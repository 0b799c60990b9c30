import { gzipSync } from 'node:zlib';
import { SEVERITIES, SEVERITY_RANK, type Evidence, type Finding, type FindingsDocument } from '../model/findings.js';
import { sortByKey, worstFirst } from '../model/findings-order.js';
import { breadthSources, formatCount, formatExtra, formatProtocolPorts, formatRulePorts } from './describe.js';
import { DRIFT_CHECK, changedGroup, describeChange, driftKind, rankKinds } from './drift.js';
import { compareText, sortFindingsForGrouping } from './order.js';
import { TOP_RISKS_SHOWN, causeBreadth, causeExposes, causeRuleRef, causeRuleShape, listedCauses, type RiskView, type TopRisks } from './root-causes.js';
import { findingSection, hygieneSubject, type HygieneSubject } from './sections.js';

/**
 * The findings as the HTML page's script reads them. A finding is a positional row of numbers, and
 * everything that repeats is stored once and referenced by index: strings, witness rows and whole
 * witness lists (one group's rule is the witness of every interface it exposes), detail lines,
 * check metadata with severity and scope. Messages repeat too once the finding's own names and
 * addresses are taken out of them (see encodeMessage). Values are display-ready text; the page
 * only assigns textContent.
 */
export interface ClientData {
  version: 2;
  pageSize: number;
  severities: readonly string[];
  strings: string[];
  /** severity index, then string indexes: check, title, resource type, remediation, docs (-1), account, region */
  classes: number[][];
  /** account, region */
  scopes: number[][];
  /** label, value, label, value … */
  details: number[][];
  /** Witness rows: the cells under EVIDENCE_COLUMNS. */
  evidence: number[][];
  /** Witness lists: indexes into `evidence`. */
  witnesses: number[][];
  /** breadth class, breadth summary */
  breadths: number[][];
  /** reason, owner, expires, matched by */
  suppressions: number[][];
  /**
   * Root causes in rank order: severity index, then string indexes: breadth text (-1 when not
   * recorded), group id and rule id (or the key and -1), group name (-1), rule shape, what it
   * exposes, fix. Parts, not a label: a label per root cause would repeat ids and names the page already holds.
   */
  causes: number[][];
  /** Top risk rows drawn by the page (those after the first screen): RISK_FIELDS as string indexes. */
  risks: number[][];
  /** What hygiene findings collapse under: resource type, id, name (-1), scope. */
  subjects: number[][];
  checks: Record<string, { title: string; description: string }>;
  lists: Record<ClientList, ClientRow[]>;
}

export type ClientList = 'exposure' | 'hygiene' | 'other' | 'suppressed';

/**
 * One finding, by position (keys would be a third of the bytes). Absent values are -1, and
 * trailing absent values are left off.
 */
export type ClientRow = (string | number | number[] | string[])[];

/** Positions in a ClientRow; templates/html/report.client.js reads the same numbers. */
export const ROW = {
  id: 0,
  class: 1,
  resourceId: 2,
  resourceName: 3,
  /** string index of the message template, or the message itself when it holds placeholder characters */
  message: 4,
  detail: 5,
  witnesses: 6,
  /** the addresses (a list of strings) */
  addresses: 7,
  breadth: 8,
  instanceId: 9,
  instanceName: 10,
  /** root causes: one index, or a list when there are several */
  causes: 11,
  suppression: 12,
  subject: 13,
} as const;

export const EVIDENCE_COLUMNS = ['Role', 'Group', 'Group name', 'Rule', 'Priority', 'Policy', 'Direction', 'Protocol', 'Ports', 'Peer', 'Note'] as const;

class Interner {
  readonly values: string[] = [];
  private readonly index = new Map<string, number>();
  ref(value: string): number {
    let at = this.index.get(value);
    if (at === undefined) {
      at = this.values.length;
      this.values.push(value);
      this.index.set(value, at);
    }
    return at;
  }
}

/** Rows of numbers stored once each, looked up by their whole text. */
class RowTable {
  readonly rows: number[][] = [];
  private readonly index = new Map<string, number>();
  ref(row: number[]): number {
    const key = row.join(',');
    let at = this.index.get(key);
    if (at === undefined) {
      at = this.rows.length;
      this.rows.push(row);
      this.index.set(key, at);
    }
    return at;
  }
}

/** One witness rule as the cells under EVIDENCE_COLUMNS. */
function evidenceRow(evidence: Evidence): string[] {
  const note = [evidence.description, evidence.note].filter((part): part is string => Boolean(part)).join(' — ');
  return [
    evidence.role,
    evidence.groupId,
    evidence.groupName ?? '',
    evidence.ruleId ?? '',
    evidence.priority === undefined ? '' : String(evidence.priority),
    evidence.policy ?? '',
    evidence.direction ?? '',
    evidence.protocol ?? '',
    formatRulePorts(evidence.protocol, evidence.ports),
    evidence.peer ?? '',
    note,
  ];
}

/**
 * Direction, traffic, sources and check-specific extras; addresses, breadth and instance are shown
 * apart. An exposure's sources are its breadth summary: the card shows the breadth class beside them.
 */
function detailLines(finding: Finding): [string, string][] {
  const lines: [string, string][] = [];
  const { detail } = finding;
  if (detail.direction) lines.push(['Direction', detail.direction]);
  if (detail.protocol || detail.ports) lines.push(['Traffic', formatProtocolPorts(detail.protocol, detail.ports)]);
  const sources = finding.breadth ? breadthSources(finding.breadth) : detail.sources?.join(', ');
  if (sources) lines.push(['Sources', sources]);
  if (finding.check !== DRIFT_CHECK) return [...lines, ...formatExtra(detail.extra)];
  lines.push(['Kind', driftKind(finding)]);
  const group = changedGroup(finding);
  if (group) lines.push(['Group', group]);
  const change = describeChange(finding);
  if (change) lines.push(['Change', change]);
  return lines;
}

/** Placeholders \u0001…\u001f stand for a finding's own values in its message template. */
// eslint-disable-next-line no-control-regex -- the placeholders are control characters on purpose
const PLACEHOLDER = /[\u0001-\u001f]/;
const PLACEHOLDER_SLOTS = 31;
/** Shorter values are left in the template: replacing `22` would only scatter placeholders. */
const SHORTEST_REPLACED = 3;

/** The text after `tcp/` of a traffic line: `42719-42839`, `22`, `all`. */
function trafficPorts(traffic: string): string {
  const slash = traffic.indexOf('/');
  return slash < 0 ? '' : traffic.slice(slash + 1);
}

/**
 * The values a message template may leave out, in slot order, taken from what the page shows (the
 * page rebuilds the same list from the row: ownValues in report.client.js): the resource, its
 * instance, the ports of its traffic line, its sources line, the groups and rules of its witnesses,
 * its addresses.
 */
function ownValues(finding: Finding, traffic: string, sources: string): string[] {
  const groups = new Set<string>();
  const rules = new Set<string>();
  for (const entry of finding.evidence) {
    groups.add(entry.groupId);
    rules.add(entry.ruleId ?? '');
  }
  const values = [finding.resource.id, finding.resource.name ?? '', finding.instance?.id ?? '', finding.instance?.name ?? '', trafficPorts(traffic), sources, ...groups, ...rules, ...(finding.detail.addresses ?? [])];
  return values.slice(0, PLACEHOLDER_SLOTS);
}

/**
 * `eni-1 (web-1) accepts tcp 22 (SSH) from internet: 0.0.0.0/0 on 47.1.2.3.` is unique, but with
 * the finding's own values (its interface, addresses, rules …) replaced by placeholders it is the
 * same for every interface a rule exposes, and is stored once. Replacing longest values first and
 * restoring each placeholder gives back the exact message, as no placeholder character was in it
 * to begin with (a message or value holding one is kept whole).
 */
export function encodeMessage(message: string, values: readonly string[]): { template: string } | { raw: string } {
  if (PLACEHOLDER.test(message) || values.some((value) => PLACEHOLDER.test(value))) return { raw: message };
  const slots: { value: string; slot: number }[] = [];
  values.forEach((value, slot) => {
    if (value.length >= SHORTEST_REPLACED && message.includes(value)) slots.push({ value, slot });
  });
  slots.sort((a, b) => b.value.length - a.value.length || a.slot - b.slot);
  let template = message;
  for (const { value, slot } of slots) if (template.includes(value)) template = template.split(value).join(String.fromCharCode(slot + 1));
  return { template };
}

/** The inverse of encodeMessage (the page does the same). */
export function decodeMessage(template: string, values: readonly string[]): string {
  // eslint-disable-next-line no-control-regex -- the placeholders are control characters on purpose
  return template.replace(/[\u0001-\u001f]/g, (char) => values[char.charCodeAt(0) - 1] ?? '');
}

/** Drift findings come in one block per kind of change, in the order the drift section lists the kinds. */
function byKind(findings: readonly Finding[]): (finding: Finding) => string {
  const ranks = rankKinds(findings);
  return (finding) => (finding.check === DRIFT_CHECK ? String(ranks.get(driftKind(finding))).padStart(6, '0') : '');
}

/** Every finding of its list in display order, see buildClientData. */
function listOrders(doc: FindingsDocument, risks: TopRisks): Record<ClientList, Finding[]> {
  const exposure: Finding[] = [];
  const hygiene: Finding[] = [];
  const other: Finding[] = [];
  const suppressed: Finding[] = [];
  for (const finding of doc.findings) {
    if (finding.suppressed) suppressed.push(finding);
    else ({ exposure, hygiene, other })[findingSection(finding)].push(finding);
  }
  return {
    // By root cause in rank order (findings without one after them, by check), then resource.
    exposure: sortByKey(exposure, (f) => {
      const first = risks.causesOf.get(f)?.[0];
      return [first === undefined ? `~${f.check}` : String(first).padStart(9, '0'), f.accountId, f.regionId, f.resource.type, f.resource.id, worstFirst(SEVERITY_RANK[f.severity]), f.id];
    }),
    hygiene: sortHygiene(hygiene),
    other: sortFindingsForGrouping(other, byKind(other)),
    suppressed: sortFindingsForGrouping(suppressed, byKind(suppressed)),
  };
}

const subjectKey = (finding: Finding): string => {
  const subject = hygieneSubject(finding);
  return [subject.accountId, subject.regionId, subject.type, subject.id].join('\u0000');
};

/** Groups with the worst finding first, then the most findings; inside a group, the report order. */
function sortHygiene(findings: readonly Finding[]): Finding[] {
  const stats = new Map<string, { worst: number; count: number }>();
  for (const finding of findings) {
    const key = subjectKey(finding);
    const entry = stats.get(key) ?? { worst: -1, count: 0 };
    entry.worst = Math.max(entry.worst, SEVERITY_RANK[finding.severity]);
    entry.count += 1;
    stats.set(key, entry);
  }
  return sortByKey(findings, (f) => {
    const key = subjectKey(f);
    const entry = stats.get(key) ?? { worst: 0, count: 0 };
    return [worstFirst(entry.worst), String(1e9 - entry.count).padStart(10, '0'), key, worstFirst(SEVERITY_RANK[f.severity]), f.check, f.resource.id, f.id];
  });
}

/**
 * The text of a top risk row, by field; the page fills a copy of the row template with the same
 * fields for the rows beyond the first screen (templates/html/partials/risk.hbs).
 */
export const RISK_FIELDS = ['key', 'severity', 'ruleRef', 'ruleRest', 'exposes', 'exposesAll', 'breadth', 'internet', 'interfaces', 'instances', 'fix', 'ruleFull', 'scope', 'sources', 'findings'] as const;
export type RiskFields = Record<(typeof RISK_FIELDS)[number], string>;

export function riskFields(cause: RiskView): RiskFields {
  // The shape before the group name: a long name is what the row's ellipsis should cut.
  const ruleRest = ` · ${causeRuleShape(cause)}${cause.groupName ? ` · ${cause.groupName}` : ''}`;
  const { priority, description } = cause.rule;
  return {
    key: cause.key,
    severity: cause.severity,
    ruleRef: causeRuleRef(cause),
    ruleRest,
    exposes: causeExposes(cause),
    exposesAll: cause.exposes.join(', '),
    breadth: causeBreadth(cause) || 'not recorded',
    internet: formatCount(cause.internetInterfaces),
    interfaces: formatCount(cause.interfaces),
    instances: formatCount(cause.instances),
    fix: cause.fix,
    ruleFull: `${causeRuleRef(cause)}${ruleRest}${priority === undefined ? '' : ` · priority ${priority}`}${description ? ` · “${description}”` : ''}`,
    scope: `${cause.accountId} / ${cause.regionId}`,
    sources: `${cause.breadth ?? 'breadth not recorded'}: ${cause.sources.join(', ') || 'none listed'}`,
    findings: `${formatCount(cause.findings)} (${cause.checks.join(', ')})`,
  };
}

const EVIDENCE_FIELDS = ['role', 'groupId', 'groupName', 'ruleId', 'direction', 'policy', 'priority', 'protocol', 'peer', 'description', 'note'] as const;

/** Same fields, so the same witness row (different entries may still print alike, which costs only a row). */
function sameEvidence(a: Evidence, b: Evidence): boolean {
  for (const field of EVIDENCE_FIELDS) if (a[field] !== b[field]) return false;
  return a.ports?.from === b.ports?.from && a.ports?.to === b.ports?.to;
}

const sameList = <T>(a: readonly T[] | undefined, b: readonly T[] | undefined, same: (x: T, y: T) => boolean): boolean =>
  a === b || (a !== undefined && b !== undefined && a.length === b.length && a.every((item, i) => same(item, b[i] as T)));

const samePlain = (a: unknown, b: unknown): boolean => a === b || (Array.isArray(a) && Array.isArray(b) && sameList(a, b, (x, y) => x === y));

/** Extras of strings and lists of strings, the usual kind, compared; anything deeper counts as different. */
function sameExtra(a: Record<string, unknown> | undefined, b: Record<string, unknown> | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && samePlain(a[key], b[key]));
}

const sameDetail = (a: Finding['detail'], b: Finding['detail']): boolean =>
  a === b ||
  (a.direction === b.direction &&
    a.protocol === b.protocol &&
    a.ports?.from === b.ports?.from &&
    a.ports?.to === b.ports?.to &&
    sameList(a.sources, b.sources, (x, y) => x === y) &&
    sameExtra(a.extra, b.extra));

/** Same detail lines: they also print the breadth, and a drift finding's severity and kind. */
const sameDetailLines = (a: Finding, b: Finding): boolean =>
  a.check === b.check && a.severity === b.severity && a.title === b.title && a.breadth?.summary === b.breadth?.summary && sameDetail(a.detail, b.detail);

const sameClass = (a: Finding, b: Finding): boolean =>
  a.severity === b.severity &&
  a.check === b.check &&
  a.title === b.title &&
  a.resource.type === b.resource.type &&
  a.remediation === b.remediation &&
  a.docs === b.docs &&
  a.accountId === b.accountId &&
  a.regionId === b.regionId;

/** A detail row, with the two lines message templates take values from. */
interface DetailRef {
  at: number;
  traffic: string;
  sources: string;
}

/**
 * Encodes findings into rows, storing what repeats once. Strings, rows and witness entries are
 * looked up in maps; before that, each finding is compared with the one encoded before it, which
 * in list order shares its class, detail and witnesses more often than not (every interface a
 * rule exposes): comparing fields is much cheaper than hashing a 300-character remediation or a
 * long list of witness rules again for every finding.
 */
class RowEncoder {
  readonly strings = new Interner();
  readonly classes = new RowTable();
  readonly scopes = new RowTable();
  readonly witnesses = new RowTable();
  readonly breadths = new RowTable();
  readonly suppressions = new RowTable();
  readonly subjects: number[][] = [];
  private readonly subjectsByKey = new Map<string, number>();
  readonly details: number[][] = [];
  readonly evidence: number[][] = [];
  private readonly detailsByText = new Map<string, number>();
  /** Witness entries by rule id, then compared field by field (no text key to build and hash). */
  private readonly evidenceByRule = new Map<string, { entry: Evidence; at: number }[]>();
  private previous: { finding: Finding; class: number; detail: DetailRef; witnesses: number; breadth: number } | undefined;

  constructor(private readonly risks: TopRisks) {}

  ref(value: string | undefined): number {
    return value ? this.strings.ref(value) : -1;
  }

  encode(finding: Finding, list: ClientList): ClientRow {
    const { strings } = this;
    const before = this.previous;
    const classIndex = before && sameClass(before.finding, finding) ? before.class : this.classRef(finding);
    const detail = before && sameDetailLines(before.finding, finding) ? before.detail : this.detailRef(finding);
    const witnesses = before && sameList(before.finding.evidence, finding.evidence, sameEvidence) ? before.witnesses : this.witnessRef(finding.evidence);
    const breadth = before && before.finding.breadth?.summary === finding.breadth?.summary && before.finding.breadth?.class === finding.breadth?.class ? before.breadth : this.breadthRef(finding);
    const subject = list !== 'hygiene' ? -1 : this.subjectRef(hygieneSubject(finding));
    this.previous = { finding, class: classIndex, detail, witnesses, breadth };

    const message = encodeMessage(finding.message, ownValues(finding, detail.traffic, detail.sources));
    const causes = this.risks.causesOf.get(finding) ?? [];
    const { suppressed } = finding;
    const row: ClientRow = [
      finding.id,
      classIndex,
      strings.ref(finding.resource.id),
      this.ref(finding.resource.name),
      'template' in message ? strings.ref(message.template) : message.raw,
      detail.at,
      witnesses,
      finding.detail.addresses?.length ? finding.detail.addresses : -1,
      breadth,
      this.ref(finding.instance?.id),
      this.ref(finding.instance?.name),
      causes.length === 0 ? -1 : causes.length === 1 ? (causes[0] as number) : [...causes],
      suppressed ? this.suppressions.ref([suppressed.reason, suppressed.owner, suppressed.expires, suppressed.matchedBy].map((value) => strings.ref(value))) : -1,
      subject,
    ];
    while (row.length > 0 && row[row.length - 1] === -1) row.pop();
    return row;
  }

  private classRef(finding: Finding): number {
    const { strings } = this;
    return this.classes.ref([
      SEVERITIES.indexOf(finding.severity),
      strings.ref(finding.check),
      strings.ref(finding.title),
      strings.ref(finding.resource.type),
      strings.ref(finding.remediation),
      this.ref(finding.docs),
      strings.ref(finding.accountId),
      strings.ref(finding.regionId),
    ]);
  }

  private breadthRef({ breadth }: Finding): number {
    return breadth ? this.breadths.ref([this.strings.ref(breadth.class), this.strings.ref(breadth.summary)]) : -1;
  }

  /**
   * One entry per group, whichever finding names it first: an unused group's own name and the
   * group name in a rule's witness may differ (or be missing), and the page collapses a group by
   * its entry.
   */
  private subjectRef(subject: HygieneSubject): number {
    const key = [subject.accountId, subject.regionId, subject.type, subject.id].join('\u0000');
    let at = this.subjectsByKey.get(key);
    if (at === undefined) {
      const { strings } = this;
      at = this.subjects.length;
      this.subjects.push([strings.ref(subject.type), strings.ref(subject.id), this.ref(subject.name), this.scopes.ref([strings.ref(subject.accountId), strings.ref(subject.regionId)])]);
      this.subjectsByKey.set(key, at);
    } else if (subject.name && this.subjects[at]?.[2] === -1) {
      (this.subjects[at] as number[])[2] = this.strings.ref(subject.name);
    }
    return at;
  }

  private detailRef(finding: Finding): DetailRef {
    const lines = detailLines(finding);
    const traffic = lines.find(([label]) => label === 'Traffic')?.[1] ?? '';
    const sources = lines.find(([label]) => label === 'Sources')?.[1] ?? '';
    if (lines.length === 0) return { at: -1, traffic, sources };
    const key = lines.flat().join('\u0000');
    let at = this.detailsByText.get(key);
    if (at === undefined) {
      at = this.details.length;
      this.details.push(lines.flatMap(([label, value]) => [this.strings.ref(label), this.strings.ref(value)]));
      this.detailsByText.set(key, at);
    }
    return { at, traffic, sources };
  }

  private witnessRef(entries: readonly Evidence[]): number {
    return entries.length === 0 ? -1 : this.witnesses.ref(entries.map((entry) => this.evidenceRef(entry)));
  }

  private evidenceRef(entry: Evidence): number {
    const key = entry.ruleId ?? entry.groupId;
    let candidates = this.evidenceByRule.get(key);
    if (!candidates) this.evidenceByRule.set(key, (candidates = []));
    const known = candidates.find((candidate) => sameEvidence(candidate.entry, entry));
    if (known) return known.at;
    const at = this.evidence.length;
    this.evidence.push(evidenceRow(entry).map((cell) => this.strings.ref(cell)));
    candidates.push({ entry, at });
    return at;
  }
}

export function buildClientData(doc: FindingsDocument, risks: TopRisks, pageSize: number): ClientData {
  const encoder = new RowEncoder(risks);
  const { strings } = encoder;
  const checks: ClientData['checks'] = {};
  for (const check of [...doc.checks].sort((a, b) => compareText(a.id, b.id))) checks[check.id] = { title: check.title, description: check.description };
  const moreRisks = listedCauses(risks)
    .slice(TOP_RISKS_SHOWN)
    .map((cause) => {
      const fields = riskFields(cause);
      return RISK_FIELDS.map((field) => strings.ref(fields[field]));
    });
  const causes = risks.causes.map((cause) => [
    SEVERITIES.indexOf(cause.severity),
    cause.breadth ? strings.ref(causeBreadth(cause)) : -1,
    ...(cause.ruleId ? [strings.ref(cause.groupId), strings.ref(cause.ruleId)] : [strings.ref(cause.key), -1]),
    encoder.ref(cause.groupName),
    strings.ref(causeRuleShape(cause)),
    strings.ref(causeExposes(cause)),
    strings.ref(cause.fix),
  ]);
  const orders = listOrders(doc, risks);
  const lists = {} as Record<ClientList, ClientRow[]>;
  for (const list of ['exposure', 'hygiene', 'other', 'suppressed'] as const) lists[list] = orders[list].map((finding) => encoder.encode(finding, list));
  return {
    version: 2,
    pageSize,
    severities: SEVERITIES,
    strings: strings.values,
    classes: encoder.classes.rows,
    scopes: encoder.scopes.rows,
    details: encoder.details,
    evidence: encoder.evidence,
    witnesses: encoder.witnesses.rows,
    breadths: encoder.breadths.rows,
    suppressions: encoder.suppressions.rows,
    causes,
    risks: moreRisks,
    subjects: encoder.subjects,
    checks,
    lists,
  };
}

/**
 * The data as the page embeds it: gzip, then base64, which has no character that could end the
 * script element holding it. Even as rows of indexes, a large estate's findings are
 * more JSON than the report's size budget, and digits gzip well; the fastest level, because
 * higher ones shrink digits little more. The page unpacks it with the browser's DecompressionStream.
 */
export function embedData(data: ClientData): string {
  return gzipSync(JSON.stringify(data), { level: 1 }).toString('base64');
}
