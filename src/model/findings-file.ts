import { z } from 'zod';
import { Evidence, Finding, FindingsDocument, type CheckInfo } from './findings.js';

/**
 * sgaudit/findings@2 — the findings document as a file (`analyze -o`, `scan`'s findings.jsonl.gz):
 * gzip-compressed JSON Lines, written and read as a stream. The document in memory is still the
 * findings@1 shape (FindingsDocument); this is its compact encoding, the repetition taken out:
 *
 * 1. the header: `{"schema":"sgaudit/findings@2", …every document field but findings, "counts"}`;
 * 2. rules: each distinct evidence rule (an Evidence without role and note) once, as
 *    `{"rule":N, …}` numbered from 0, on a line before the first finding that refers to it;
 * 3. findings: `{"finding":{…}}` whose evidence is `[{"role":"decides","rule":N}, …]` and whose
 *    remediation and docs are left out when they are the check's own (`checks[]`; `"docs":null`
 *    when the check has docs and the finding has none), grouped by root cause: the findings of
 *    one root cause adjacent, root causes in the header's worst-first order, findings without one
 *    last. Readers return them in report order (sortFindings);
 * 4. the trailer `{"end":true,"findings":N}`: a file cut at a line boundary is still truncated.
 *
 * Findings repeat a few rules and one remediation text per check many times over; as one indented
 * JSON document a large estate's findings were twenty times the size (bench/README.md).
 */
export const FINDINGS_FILE_SCHEMA = 'sgaudit/findings@2' as const;

const Count = z.number().int().nonnegative();

export const FindingsFileHeader = FindingsDocument.omit({ schema: true, findings: true }).extend({
  schema: z.literal(FINDINGS_FILE_SCHEMA),
  /** What the rest of the file holds, so a reader knows a cut file from a short one. */
  counts: z.strictObject({ findings: Count, rules: Count }),
});
export type FindingsFileHeader = z.infer<typeof FindingsFileHeader>;

/** What one rules-table entry holds: the rule as evidence shows it, without the role it plays. */
export const EvidenceRule = Evidence.omit({ role: true, note: true });
export type EvidenceRule = z.infer<typeof EvidenceRule>;

/** A rules-table line: the rule and its number. */
export const RuleLine = EvidenceRule.extend({ rule: Count });

/** A finding's evidence entry: the role, the rule by number, and the note when there is one. */
const EvidenceRef = z.strictObject({ role: Evidence.shape.role, rule: Count, note: z.string().optional() });

export const FindingLine = z.strictObject({
  finding: Finding.extend({
    evidence: z.array(EvidenceRef),
    /** Absent: the check's remediation. */
    remediation: z.string().optional(),
    /** Absent: the check's docs; null: none although the check has some. */
    docs: z.string().nullable().optional(),
  }),
});

export const EndLine = z.strictObject({ end: z.literal(true), findings: Count });

/** The remediation and docs a finding of each check leaves out (the first entry of a check id counts). */
export function checkDefaults(checks: readonly CheckInfo[]): Map<string, Pick<CheckInfo, 'remediation' | 'docs'>> {
  const defaults = new Map<string, Pick<CheckInfo, 'remediation' | 'docs'>>();
  for (const check of checks) if (!defaults.has(check.id)) defaults.set(check.id, { remediation: check.remediation, docs: check.docs });
  return defaults;
}

/** JSON Schema of one line of a findings@2 file (schema/findings-line.schema.json). */
export function findingsLineJsonSchema(): Record<string, unknown> {
  const line = z.union([FindingsFileHeader, RuleLine, FindingLine, EndLine]).describe('One line of an sgaudit/findings@2 file (gzip-compressed JSON Lines): the header (first), a rule, a finding, or the end line (last); docs/reports.md, "The findings file"');
  return z.toJSONSchema(line, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
