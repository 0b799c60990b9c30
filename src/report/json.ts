import { FindingsDocument } from '../model/findings.js';
import { sortFindings } from './order.js';

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
 * every object in its declared order), free-form `detail.extra` keys sorted, findings in report order.
 */
export function renderJson(doc: FindingsDocument): string {
  const normalized = FindingsDocument.parse({ ...doc, findings: sortFindings(doc.findings) });
  for (const finding of normalized.findings) {
    if (finding.detail.extra) finding.detail.extra = sortKeysDeep(finding.detail.extra) as Record<string, unknown>;
  }
  return `${JSON.stringify(normalized, null, 2)}\n`;
}
