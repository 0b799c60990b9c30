import { SEVERITIES, type Evidence, type Finding, type FindingsDocument } from '../model/findings.js';
import { formatExtra, formatProtocolPorts, formatRulePorts } from './describe.js';

/**
 * The findings as the HTML page's script reads them. 50,000 findings must stay well under 25 MB,
 * so every string that repeats (checks, titles, accounts, remediation, whole witness rows — one
 * group's rule is the witness for every ENI it protects) is stored once in `strings`/`evidence`
 * and referenced by index. Values are display-ready text; the page only assigns textContent.
 */
export interface ClientData {
  version: 1;
  pageSize: number;
  severities: readonly string[];
  strings: string[];
  /** Witness rows: role, group id, group name, rule id, priority, policy, direction, protocol, ports, peer, note. */
  evidence: number[][];
  /** Suppressions: reason, owner, expires, matched by (string indexes). */
  suppressions: number[][];
  checks: Record<string, { title: string; description: string }>;
  active: ClientFinding[];
  suppressed: ClientFinding[];
}

export interface ClientFinding {
  /** finding id */
  i: string;
  /** severity index into `severities` */
  s: number;
  /** check, title, account, region, resource type (string indexes) */
  c: number;
  t: number;
  a: number;
  r: number;
  k: number;
  /** resource id and name */
  ri: string;
  rn?: number;
  m: string;
  /** detail lines: [label, value] string indexes */
  d: number[][];
  /** witness rows (indexes into `evidence`) */
  e: number[];
  /** remediation, docs (string indexes; docs -1 when absent) */
  x: number;
  u: number;
  /** suppression index */
  z?: number;
}

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

/** One witness rule as the cells under EVIDENCE_COLUMNS (HTML and Markdown share it). */
export function evidenceRow(evidence: Evidence): string[] {
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

export function detailLines(finding: Finding): [string, string][] {
  const lines: [string, string][] = [];
  const { detail } = finding;
  if (detail.direction) lines.push(['Direction', detail.direction]);
  if (detail.protocol || detail.ports) lines.push(['Traffic', formatProtocolPorts(detail.protocol, detail.ports)]);
  if (detail.sources?.length) lines.push(['Sources', detail.sources.join(', ')]);
  if (detail.addresses?.length) lines.push(['Addresses', detail.addresses.join(', ')]);
  for (const pair of formatExtra(detail.extra)) {
    const at = pair.indexOf('=');
    lines.push([pair.slice(0, at), pair.slice(at + 1)]);
  }
  return lines;
}

/** `findings` must already be in display order. */
export function buildClientData(doc: FindingsDocument, findings: readonly Finding[], pageSize: number): ClientData {
  const strings = new Interner();
  const evidenceRows: number[][] = [];
  const evidenceIndex = new Map<string, number>();
  const suppressionRows: number[][] = [];
  const suppressionIndex = new Map<string, number>();
  const checks: ClientData['checks'] = {};
  for (const check of [...doc.checks].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    checks[check.id] = { title: check.title, description: check.description };
  }

  // Rows are looked up by their whole text first: most witness rows repeat, and one lookup per
  // row is much cheaper than interning its eleven cells again.
  const internRow = (cells: string[], rows: number[][], index: Map<string, number>): number => {
    const key = cells.join('\u0000');
    let at = index.get(key);
    if (at === undefined) {
      at = rows.length;
      rows.push(cells.map((cell) => strings.ref(cell)));
      index.set(key, at);
    }
    return at;
  };

  const encode = (finding: Finding): ClientFinding => {
    const evidence = finding.evidence.map((entry) => internRow(evidenceRow(entry), evidenceRows, evidenceIndex));
    const encoded: ClientFinding = {
      i: finding.id,
      s: SEVERITIES.indexOf(finding.severity),
      c: strings.ref(finding.check),
      t: strings.ref(finding.title),
      a: strings.ref(finding.accountId),
      r: strings.ref(finding.regionId),
      k: strings.ref(finding.resource.type),
      ri: finding.resource.id,
      m: finding.message,
      d: detailLines(finding).map(([label, value]) => [strings.ref(label), strings.ref(value)]),
      e: evidence,
      x: strings.ref(finding.remediation),
      u: finding.docs ? strings.ref(finding.docs) : -1,
    };
    if (finding.resource.name) encoded.rn = strings.ref(finding.resource.name);
    if (finding.suppressed) {
      const { reason, owner, expires, matchedBy } = finding.suppressed;
      encoded.z = internRow([reason, owner, expires, matchedBy], suppressionRows, suppressionIndex);
    }
    return encoded;
  };

  const active: ClientFinding[] = [];
  const suppressed: ClientFinding[] = [];
  for (const finding of findings) (finding.suppressed ? suppressed : active).push(encode(finding));
  return { version: 1, pageSize, severities: SEVERITIES, strings: strings.values, evidence: evidenceRows, suppressions: suppressionRows, checks, active, suppressed };
}

/**
 * JSON that is safe inside `<script type="application/json">`: no `<`, `>` or `&` survive, so
 * neither `</script>` nor `<!--` in a group description can end the block early. JSON.parse reads
 * the \u escapes back as the original characters.
 */
const SCRIPT_UNSAFE = /[<>&\u2028\u2029]/g;
const SCRIPT_ESCAPES: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };

export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(SCRIPT_UNSAFE, (char) => SCRIPT_ESCAPES[char] ?? char);
}
