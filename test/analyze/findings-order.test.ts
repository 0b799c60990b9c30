import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SEVERITIES, SEVERITY_RANK, type Finding, type Severity } from '../../src/model/findings.js';
import { compareText, sortFindings, worstFirst } from '../../src/model/findings-order.js';

/** The order as first written: every field, the message last, in one NUL-joined key. */
function referenceOrder(findings: readonly Finding[]): Finding[] {
  const key = (f: Finding) => [worstFirst(SEVERITY_RANK[f.severity]), f.check, f.accountId, f.regionId, f.resource.id, f.id, f.message].join('\u0000');
  return [...findings].sort((a, b) => compareText(key(a), key(b)));
}

// Tiny alphabets so equal fields, fields that are prefixes of others and same-id ties all occur.
const text = fc.constantFrom('', 'a', 'ab', 'b', 'é');
const findingArb = fc
  .record({ severity: fc.constantFrom<Severity>(...SEVERITIES.slice(0, 2)), check: text, accountId: text, regionId: text, resourceId: text, id: text, message: fc.string({ maxLength: 4 }) })
  .map(
    ({ resourceId, ...rest }): Finding =>
      ({ ...rest, resource: { type: 'rule', id: resourceId }, detail: {}, title: 't', evidence: [], remediation: 'r', docs: 'd' }) as unknown as Finding,
  );

describe('sortFindings', () => {
  it('orders exactly as the key with the message appended', () => {
    fc.assert(
      fc.property(fc.array(findingArb, { maxLength: 30 }), (findings) => {
        expect(sortFindings(findings)).toEqual(referenceOrder(findings));
      }),
      { numRuns: 500 },
    );
  });
});
