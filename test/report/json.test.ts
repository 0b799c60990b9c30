import { describe, expect, it } from 'vitest';
import { FindingsDocument } from '../../src/model/findings.js';
import { renderJson } from '../../src/report/json.js';
import { sortFindings } from '../../src/report/order.js';
import { loadFixture } from './helpers.js';
import { syntheticFindings } from './synthetic-findings.js';

/** Rebuild every object with its keys in reverse order: same data, different key order. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).reverse().map((key) => [key, reverseKeys((value as Record<string, unknown>)[key])]));
  }
  return value;
}

describe('JSON report', () => {
  const doc = loadFixture();
  const json = renderJson(doc);

  it('is the findings document: it validates and holds the same findings', () => {
    const parsed = FindingsDocument.parse(JSON.parse(json));
    expect(parsed.findings).toEqual(sortFindings(doc.findings));
    expect(parsed.coverage).toHaveLength(doc.coverage.length);
    expect(parsed.suppressions).toHaveLength(doc.suppressions.length);
  });

  it('prints the same bytes whatever the key order of the input', () => {
    expect(renderJson(reverseKeys(doc) as FindingsDocument)).toBe(json);
  });

  it('uses schema key order and 2-space indentation', () => {
    expect(Object.keys(JSON.parse(json) as object)).toEqual(Object.keys(FindingsDocument.shape).filter((key) => key in doc));
    expect(json.split('\n')[1]).toBe('  "schema": "sgaudit/findings@1",');
    expect(json.endsWith('}\n')).toBe(true);
  });

  it('re-rendering its own output is a fixed point', () => {
    expect(renderJson(FindingsDocument.parse(JSON.parse(json)))).toBe(json);
  });

  it('prints a document of many findings in pieces that join into what one JSON.stringify prints', () => {
    // 1,234 findings: several pieces of 500 and a short last one, extras and suppressions included.
    const big = syntheticFindings({ findings: 1234 });
    const text = renderJson(big);
    // JSON.parse keeps key order, so printing the parsed text again must give the same bytes.
    expect(`${JSON.stringify(JSON.parse(text), null, 2)}\n`).toBe(text);
    expect(FindingsDocument.parse(JSON.parse(text)).findings).toEqual(sortFindings(big.findings).map((finding) => FindingsDocument.shape.findings.element.parse(finding)));
    expect(renderJson({ ...big, findings: [] })).toContain('\n  "findings": [],\n');
  });
});
