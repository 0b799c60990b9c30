import { Finding, FindingsDocument, SEVERITIES, type Severity } from '../model/findings.js';
import { compareText, sortFindings } from './order.js';

const byKeys =
  <T>(...keys: ((item: T) => string)[]) =>
  (a: T, b: T): number => {
    for (const key of keys) {
      const order = compareText(key(a), key(b));
      if (order) return order;
    }
    return 0;
  };

function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeysDeep((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/**
 * The findings document itself, with a stable shape: keys in schema order (the zod parse rebuilds
 * every object in its declared order), free-form `detail.extra` keys sorted, findings in report
 * order and the other lists sorted, so the same document always prints the same bytes.
 */
export function renderJson(doc: FindingsDocument): string {
  let text = '';
  for (const chunk of renderJsonChunks(doc)) text += chunk;
  return text;
}

/** Findings per chunk of renderJsonChunks. */
const FINDINGS_PER_CHUNK = 500;

/**
 * renderJson's bytes in pieces, a few hundred findings at a time, for writing large documents as
 * a stream: 118,000 findings are ~230 MB of indented JSON, which as one string (and the copy a
 * write makes of it) cost over a gigabyte and seconds of GC. The document around the findings is
 * printed once with an empty list, which is then opened; each batch is printed inside a
 * `{"findings": [...]}` wrapper, whose indentation is exactly the findings' own in the document,
 * and the wrapper is cut off, so the pieces join into what one JSON.stringify would print.
 */
export function* renderJsonChunks(doc: FindingsDocument): Generator<string, void, undefined> {
  const header = FindingsDocument.parse({
    ...doc,
    coverage: [...doc.coverage].sort(byKeys((c) => c.accountId, (c) => c.regionId, (c) => c.api)),
    checks: [...doc.checks].sort(byKeys((c) => c.id)),
    summary: {
      ...doc.summary,
      bySeverity: Object.fromEntries(Object.entries(doc.summary.bySeverity).sort(byKeys(([severity]) => String(SEVERITIES.indexOf(severity as Severity) + 10) + severity))),
      byCheck: sortKeysDeep(doc.summary.byCheck) as Record<string, number>,
    },
    findings: [],
    suppressions: [...doc.suppressions].sort(byKeys((s) => s.status, (s) => s.matcher)),
    ...(doc.notCompared ? { notCompared: [...doc.notCompared].sort(byKeys((n) => n.accountId, (n) => n.regionId, (n) => n.api ?? '')) } : {}),
  });
  const text = `${JSON.stringify(header, null, 2)}\n`;
  const findings = sortFindings(doc.findings);
  if (findings.length === 0) {
    yield text;
    return;
  }
  // Top-level members are the only lines indented by exactly two spaces.
  const emptyList = '\n  "findings": []';
  const at = text.indexOf(emptyList);
  if (at < 0) throw new Error('renderJson: the findings list is missing from the document');
  yield text.slice(0, at + emptyList.length - 1);
  const opening = '{\n  "findings": [';
  const closing = '\n  ]\n}';
  for (let start = 0; start < findings.length; start += FINDINGS_PER_CHUNK) {
    const batch = findings.slice(start, start + FINDINGS_PER_CHUNK).map(normalizeFinding);
    const wrapped = JSON.stringify({ findings: batch }, null, 2);
    yield (start === 0 ? '' : ',') + wrapped.slice(opening.length, wrapped.length - closing.length);
  }
  yield `\n  ]${text.slice(at + emptyList.length)}`;
}

/** A finding in schema order (validated on the way), with its free-form extras' keys sorted. */
function normalizeFinding(finding: Finding): Finding {
  const normalized = Finding.parse(finding);
  if (normalized.detail.extra) normalized.detail.extra = sortKeysDeep(normalized.detail.extra) as Record<string, unknown>;
  return normalized;
}
