import { checkDefaults, FINDINGS_FILE_SCHEMA, type EvidenceRule, type FindingsFileHeader } from '../model/findings-file.js';
import type { Evidence, Finding, FindingsDocument, RootCause } from '../model/findings.js';
import { normalizeFinding, normalizedHeader } from './json.js';
import { sortFindings } from './order.js';

/**
 * The lines of a findings@2 file (format: src/model/findings-file.ts), each ending in a newline,
 * one at a time: the caller streams them into gzip and never holds the text.
 *
 * The header counts the rules, so the rules table is numbered in a first pass over the findings
 * (the ids kept in one typed array, an entry per evidence entry) and written in the second, each
 * rule just before the first finding that refers to it.
 */
export function* findingsFileLines(doc: FindingsDocument): Generator<string, void, undefined> {
  const header = normalizedHeader(doc);
  const findings = groupByRootCause(sortFindings(doc.findings), header.rootCauses);
  const table = new RuleTable();
  let entries = 0;
  for (const finding of findings) entries += finding.evidence.length;
  const ids = new Int32Array(entries);
  let entry = 0;
  for (const finding of findings) for (const evidence of finding.evidence) ids[entry++] = table.idOf(evidence);

  const { schema: _schema, findings: _findings, ...fields } = header;
  const fileHeader: FindingsFileHeader = { schema: FINDINGS_FILE_SCHEMA, ...fields, counts: { findings: findings.length, rules: table.size } };
  yield `${JSON.stringify(fileHeader)}\n`;

  const defaults = checkDefaults(header.checks);
  entry = 0;
  let written = 0;
  for (const finding of findings) {
    const normalized = normalizeFinding(finding);
    const evidence: { role: Evidence['role']; rule: number; note?: string }[] = [];
    for (const { role, note } of normalized.evidence) {
      const rule = ids[entry++] as number;
      if (rule === written) {
        yield `${table.line(rule)}\n`;
        written++;
      }
      evidence.push(note === undefined ? { role, rule } : { role, rule, note });
    }
    const own = defaults.get(normalized.check);
    const remediation = own?.remediation === normalized.remediation ? undefined : normalized.remediation;
    yield `{"finding":${JSON.stringify({ ...normalized, evidence, remediation, docs: encodedDocs(normalized.docs, own?.docs) })}}\n`;
  }
  yield `${JSON.stringify({ end: true, findings: findings.length })}\n`;
}

/** Left out when they are the check's; null when the check has docs and the finding has none. */
function encodedDocs(docs: string | undefined, checkDocs: string | undefined): string | null | undefined {
  if (checkDocs === undefined) return docs;
  if (docs === checkDocs) return undefined;
  return docs ?? null;
}

/**
 * Findings (in report order) with each root cause's adjacent: root causes in the header's
 * worst-first order, a finding with several under its worst, findings without one last; report
 * order within a group. A reader can take the file a root cause at a time, and the evidence that
 * repeats within one compresses against itself.
 */
function groupByRootCause(findings: readonly Finding[], rootCauses: readonly RootCause[] = []): Finding[] {
  // Keyed by the strings as they are (account, region, key), not one joined key: no string is built per finding.
  const rank = new Map<string, Map<string, Map<string, number>>>();
  rootCauses.forEach((cause, index) => {
    const inRegion = entryOf(entryOf(rank, cause.accountId, () => new Map()), cause.regionId, () => new Map<string, number>());
    if (!inRegion.has(cause.key)) inRegion.set(cause.key, index);
  });
  const groups: Finding[][] = Array.from({ length: rootCauses.length + 1 }, () => []);
  for (const finding of findings) {
    let group = rootCauses.length;
    const inRegion = rank.get(finding.accountId)?.get(finding.regionId);
    if (inRegion) for (const key of finding.rootCauses ?? []) group = Math.min(group, inRegion.get(key) ?? group);
    (groups[group] as Finding[]).push(finding);
  }
  return groups.flat();
}

/**
 * The distinct rules the evidence shows, numbered by first use. Candidates are found by group and
 * rule id and compared member by member: a string key per evidence entry (JSON of its members)
 * took a fifth of the encoding time.
 */
class RuleTable {
  private readonly rules: EvidenceRule[] = [];
  private readonly byRule = new Map<string, Map<string | undefined, number[]>>();

  get size(): number {
    return this.rules.length;
  }

  idOf(evidence: Evidence): number {
    const candidates = entryOf(entryOf(this.byRule, evidence.groupId, () => new Map()), evidence.ruleId, () => []);
    for (const id of candidates) if (sameRule(this.rules[id] as EvidenceRule, evidence)) return id;
    const { groupId, groupName, ruleId, direction, policy, priority, protocol, ports, peer, description } = evidence;
    this.rules.push({ groupId, groupName, ruleId, direction, policy, priority, protocol, ports: ports && { from: ports.from, to: ports.to }, peer, description });
    candidates.push(this.rules.length - 1);
    return this.rules.length - 1;
  }

  /** The rule's line: its number, then its members in schema order (what the reader restores). */
  line(id: number): string {
    return JSON.stringify({ rule: id, ...this.rules[id] });
  }
}

function sameRule(rule: EvidenceRule, evidence: Evidence): boolean {
  return (
    rule.groupName === evidence.groupName &&
    rule.direction === evidence.direction &&
    rule.policy === evidence.policy &&
    rule.priority === evidence.priority &&
    rule.protocol === evidence.protocol &&
    rule.ports?.from === evidence.ports?.from &&
    rule.ports?.to === evidence.ports?.to &&
    rule.peer === evidence.peer &&
    rule.description === evidence.description
  );
}

function entryOf<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = create()));
  return value;
}
