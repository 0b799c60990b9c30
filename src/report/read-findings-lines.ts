import type { Readable } from 'node:stream';
import type { z } from 'zod';
import { FileFormatError, SgauditError } from '../model/errors.js';
import { checkDefaults, EndLine, FINDINGS_FILE_SCHEMA, FindingLine, FindingsFileHeader, RuleLine, type EvidenceRule } from '../model/findings-file.js';
import { FINDINGS_SCHEMA, Finding, type CheckInfo, type Evidence, type FindingsDocument } from '../model/findings.js';
import { isPlainObject, onlyKeys } from '../util/plain-copy.js';
import { splitLines } from '../util/lines.js';
import { findingsInvalid } from './findings-invalid.js';
import { sortFindings } from './order.js';
import { isEvidenceRole, ruleLineInSchemaOrder, schemaOrderedCopy } from './schema-order.js';

/**
 * Reads a findings@2 file (format: src/model/findings-file.ts) from its decompressed text, line by
 * line, into the FindingsDocument that the findings@1 reader returns for the same findings. Every
 * failure is one line naming the file and line: a foreign first line, a line that is not JSON or
 * not valid (with the path of the problem), a reference to a rule not defined before it, counts
 * that do not add up, a stream cut short.
 *
 * Evidence entries that show the same rule in the same role (and note) are one shared object:
 * readers must not change them.
 */
export async function readFindingsLines(path: string, input: Readable): Promise<FindingsDocument> {
  const decoder = new Decoder(path);
  const lines = splitLines(input);
  let lineNumber = 0;
  try {
    for await (const batch of lines) for (const line of batch) decoder.line(line, ++lineNumber);
  } catch (error) {
    if (error instanceof SgauditError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR' || /unexpected end of file/i.test(String((error as Error).message))) {
      throw new FileFormatError('FINDINGS_INVALID', path, code === 'Z_DATA_ERROR' ? 'corrupt gzip data' : 'truncated (the compressed stream ends early)', lineNumber || undefined, error);
    }
    throw error;
  } finally {
    await lines.return(undefined);
    input.destroy();
  }
  return decoder.finish(lineNumber);
}

const REF_KEYS = new Set(['role', 'rule', 'note']);

class Decoder {
  private header: Omit<FindingsFileHeader, 'schema' | 'counts'> | undefined;
  private counts = { findings: 0, rules: 0 };
  private defaults = new Map<string, Pick<CheckInfo, 'remediation' | 'docs'>>();
  private readonly rules: EvidenceRule[] = [];
  /** One Evidence per rule (the index), role and note (the key: the role, or role NUL note). */
  private readonly evidence: Map<string, Evidence>[] = [];
  private readonly findings: Finding[] = [];
  private ended = false;

  constructor(private readonly path: string) {}

  line(text: string, lineNumber: number): void {
    if (lineNumber === 1) return this.readHeader(text);
    if (text.length === 0) return;
    if (this.ended) throw this.error('data after the end line', lineNumber);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw this.error('not JSON (a corrupt or cut line)', lineNumber);
    }
    if (!isPlainObject(value)) throw this.error('not a rule, finding or end line', lineNumber);
    if ('finding' in value) return this.readFinding(value, lineNumber);
    if ('rule' in value) return this.readRule(value, lineNumber);
    if ('end' in value) return this.readEnd(value, lineNumber);
    throw this.error('not a rule, finding or end line', lineNumber);
  }

  finish(lines: number): FindingsDocument {
    if (lines === 0 || !this.header) throw this.error('empty file');
    if (!this.ended) throw this.error('truncated (no end line)', lines);
    if (this.rules.length !== this.counts.rules) throw this.error(`header counts ${this.counts.rules} rules but ${this.rules.length} were read`);
    // The file holds them by root cause; the document, like every findings@1 file, in report order.
    return { schema: FINDINGS_SCHEMA, ...this.header, findings: sortFindings(this.findings) };
  }

  private readHeader(text: string): void {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw this.error('not an sgaudit findings document (the first line is not JSON)', 1);
    }
    const schema = isPlainObject(value) ? value.schema : undefined;
    if (schema !== FINDINGS_FILE_SCHEMA) {
      const found = typeof schema === 'string' ? `schema "${schema}"` : 'no "schema" field';
      throw this.error(`not an sgaudit findings document (${found}, expected "${FINDINGS_FILE_SCHEMA}")`, 1);
    }
    const parsed = FindingsFileHeader.safeParse(value);
    if (!parsed.success) throw findingsInvalid(this.path, parsed.error, { line: 1 });
    const { schema: _schema, counts, ...header } = parsed.data;
    this.header = header;
    this.counts = counts;
    this.defaults = checkDefaults(header.checks);
  }

  private readRule(value: Record<string, unknown>, lineNumber: number): void {
    const fast = Number.isSafeInteger(value.rule) ? ruleLineInSchemaOrder(value) : undefined;
    const rule = fast ?? withoutNumber(this.validated(RuleLine, value, lineNumber, 'rule line: '));
    if (value.rule !== this.rules.length) throw this.error(`rule ${String(value.rule)} out of order: rules are numbered from 0 in the order they first appear, expected ${this.rules.length}`, lineNumber);
    this.rules.push(rule);
  }

  private readFinding(value: Record<string, unknown>, lineNumber: number): void {
    const line = value.finding;
    const evidence = onlyKeys(value, FINDING_LINE_KEYS) && isPlainObject(line) ? this.evidenceOf(line.evidence) : undefined;
    const defaults = evidence && isPlainObject(line) ? this.defaultsFor(line) : undefined;
    if (!evidence || !defaults || !isPlainObject(line)) return this.readOddFinding(value, lineNumber);
    // The parsed line is ours: restored in place (copying a finding of 16 members twice per line
    // showed in the profile), its evidence validated above and set on the schema-ordered copy.
    line.remediation = defaults.remediation;
    line.docs = defaults.docs;
    line.evidence = [];
    const finding = schemaOrderedCopy(line) ?? this.validated(Finding, line, lineNumber, '', ['finding']);
    finding.evidence = evidence;
    this.findings.push(finding);
  }

  /** A finding line the fast path refused: zod says where the problem is, or it is a rule reference or a remediation to restore. */
  private readOddFinding(value: Record<string, unknown>, lineNumber: number): void {
    const line = this.validated(FindingLine, value, lineNumber, '').finding;
    line.evidence.forEach(({ rule }, index) => {
      if (rule >= this.rules.length) throw this.error(`finding.evidence[${index}].rule: unknown rule ${rule} (not defined on an earlier line)`, lineNumber);
    });
    const defaults = this.defaultsFor(line);
    if (!defaults) throw this.error(`finding.remediation: missing, and check ${JSON.stringify(line.check)} is not in the header's checks to restore it from`, lineNumber);
    this.findings.push(this.validated(Finding, { ...line, ...defaults, evidence: line.evidence.map(({ role, rule, note }) => this.shared(rule, role, note)) }, lineNumber, '', ['finding']));
  }

  /** The remediation and docs of a finding line, those it left out taken from its check; undefined when the remediation cannot be. */
  private defaultsFor(line: Record<string, unknown>): { remediation: unknown; docs: unknown } | undefined {
    const own = typeof line.check === 'string' ? this.defaults.get(line.check) : undefined;
    const remediation = line.remediation === undefined ? own?.remediation : line.remediation;
    if (remediation === undefined) return undefined;
    return { remediation, docs: line.docs === null ? undefined : line.docs === undefined ? own?.docs : line.docs };
  }

  /** Each reference's shared Evidence; undefined when one is not exactly `{role, rule, note?}` with a known rule. */
  private evidenceOf(refs: unknown): Evidence[] | undefined {
    if (!Array.isArray(refs)) return undefined;
    const list: Evidence[] = [];
    for (let i = 0; i < refs.length; i++) {
      const ref: unknown = refs[i];
      if (!isPlainObject(ref) || !onlyKeys(ref, REF_KEYS)) return undefined;
      const { role, rule, note } = ref;
      if (!isEvidenceRole(role) || !Number.isSafeInteger(rule) || (rule as number) < 0 || (rule as number) >= this.rules.length) return undefined;
      if (note !== undefined && typeof note !== 'string') return undefined;
      list.push(this.shared(rule as number, role, note));
    }
    return list;
  }

  private shared(rule: number, role: Evidence['role'], note: string | undefined): Evidence {
    const ofRule = (this.evidence[rule] ??= new Map());
    const key = note === undefined ? role : `${role}\u0000${note}`;
    let evidence = ofRule.get(key);
    if (!evidence) {
      evidence = { role, ...(this.rules[rule] as EvidenceRule), note };
      ofRule.set(key, evidence);
    }
    return evidence;
  }

  private readEnd(value: Record<string, unknown>, lineNumber: number): void {
    const { findings } = this.validated(EndLine, value, lineNumber, 'end line: ');
    if (findings !== this.findings.length) throw this.error(`end line counts ${findings} findings but ${this.findings.length} were read`, lineNumber);
    if (findings !== this.counts.findings) throw this.error(`header counts ${this.counts.findings} findings but ${findings} were read`, lineNumber);
    this.ended = true;
  }

  private validated<T extends z.ZodType>(schema: T, value: unknown, lineNumber: number, what: string, prefix: readonly PropertyKey[] = []): z.infer<T> {
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw findingsInvalid(this.path, parsed.error, { prefix, line: lineNumber, what });
    return parsed.data;
  }

  private error(problem: string, lineNumber?: number): FileFormatError {
    return new FileFormatError('FINDINGS_INVALID', this.path, problem, lineNumber);
  }
}

const FINDING_LINE_KEYS = new Set(['finding']);

function withoutNumber({ rule: _rule, ...fields }: z.infer<typeof RuleLine>): EvidenceRule {
  return fields;
}
