import { FindingsDocument, SEVERITIES, type Finding, type Severity } from '../model/findings.js';
import { joinPieces, prettyJsonPieces } from './json-pieces.js';
import { compareText, sortFindings } from './order.js';
import { findingInSchemaOrder } from './schema-order.js';

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
  return joinPieces(renderJsonPieces(doc));
}

/** renderJson's bytes in pieces of a few hundred findings, for writing large documents as a stream. */
export function renderJsonPieces(doc: FindingsDocument): Generator<string, void, undefined> {
  return prettyJsonPieces(normalizedHeader(doc), ['findings'], sortFindings(doc.findings), normalizeFinding);
}

/**
 * The document with its findings list empty, validated, in schema order and with its other lists
 * sorted: what both the JSON report and a findings@2 file's header hold.
 */
export function normalizedHeader(doc: FindingsDocument): FindingsDocument {
  return FindingsDocument.parse({
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
}

/** A finding in schema order (validated on the way), with its free-form extras' keys sorted. */
export function normalizeFinding(finding: Finding): Finding {
  const normalized = findingInSchemaOrder(finding);
  if (normalized.detail.extra) normalized.detail.extra = sortKeysDeep(normalized.detail.extra) as Record<string, unknown>;
  return normalized;
}
