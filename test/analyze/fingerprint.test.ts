import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalFinding, fingerprint } from '../../src/analyze/fingerprint.js';
import type { Finding } from '../../src/model/findings.js';

type FingerprintInput = Pick<Finding, 'check' | 'accountId' | 'regionId' | 'resource' | 'detail'>;

/**
 * Ids are persisted in users' suppressions: the expected ids in the fixture were produced by the
 * first (generic canonical JSON) implementation and must never change.
 */
const CASES = JSON.parse(readFileSync(new URL('../fixtures/analyze/fingerprint-cases.json', import.meta.url), 'utf8')) as { name: string; id: string; finding: FingerprintInput }[];

/** The first implementation, verbatim: the reference the direct serializer must reproduce. */
function legacyFingerprint(finding: FingerprintInput): string {
  const detail: Record<string, unknown> = { ...finding.detail };
  if (finding.detail.sources) detail.sources = [...finding.detail.sources].sort();
  if (finding.detail.addresses) detail.addresses = [...finding.detail.addresses].sort();
  const canonical = legacyCanonicalJson({
    check: finding.check,
    accountId: finding.accountId,
    regionId: finding.regionId,
    resource: { type: finding.resource.type, id: finding.resource.id },
    detail,
  });
  return 'SG-' + createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

function legacyCanonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : legacyCanonicalJson(item))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, member]) => member !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, member]) => `${JSON.stringify(key)}:${legacyCanonicalJson(member)}`).join(',')}}`;
}

/** A sparse array of `length` with `values` from index 1 on (index 0 is a hole). */
function holey<T>(length: number, ...values: T[]): T[] {
  const list = new Array<T>(length);
  values.forEach((value, index) => (list[index + 1] = value));
  return list;
}

const base: FingerprintInput = { check: 'c', accountId: '1', regionId: 'r', resource: { type: 'rule', id: 'x' }, detail: {} };

describe('fingerprint ids are those of the first implementation', () => {
  it.each(CASES.map((entry) => [entry.name, entry] as const))('%s', (_name, { id, finding }) => {
    expect(fingerprint(finding)).toBe(id);
    expect(legacyFingerprint(finding)).toBe(id);
  });

  it.each([
    ['undefined detail members', { ...base, detail: { direction: undefined, protocol: 'tcp', ports: undefined, sources: undefined, addresses: ['b', 'a'], extra: undefined } }],
    ['undefined members inside extra', { ...base, detail: { extra: { kind: 'x', before: undefined, list: [undefined, 1] } } }],
    ['only the last detail member', { ...base, detail: { sources: ['z', 'y'] } }],
    ['only extra', { ...base, detail: { extra: { a: 1 } } }],
    ['a resource without type', { ...base, resource: { id: 'x' } as FingerprintInput['resource'] }],
    ['a resource without id', { ...base, resource: { type: 'rule' } as FingerprintInput['resource'] }],
    ['no account or check', { ...base, accountId: undefined, check: undefined } as unknown as FingerprintInput],
    ['an unknown member that is undefined', { ...base, detail: { protocol: 'tcp', other: undefined } as FingerprintInput['detail'] }],
    ['fractional and negative ports', { ...base, detail: { ports: { from: -1, to: 1.5 } } }],
    ['holes in lists', { ...base, detail: { sources: holey(1, 'a'), addresses: holey<string>(1), extra: { list: holey(3, 1, 2) } } }],
  ])('with %s', (_name, finding) => {
    expect(fingerprint(finding)).toBe(legacyFingerprint(finding));
  });

  it('writes the canonical text of the first implementation', () => {
    const [first] = CASES;
    expect(canonicalFinding(first!.finding)).toBe(
      '{"accountId":"1234567890","check":"public-exposure","detail":{"addresses":["2408::1","47.1.2.3"],"direction":"ingress","extra":{"sensitive":["ssh"],"serviceManaged":true},"ports":{"from":22,"to":22},"protocol":"tcp","sources":["0.0.0.0/0","8.8.8.0/24","::/0"]},"regionId":"cn-hangzhou","resource":{"id":"eni-1","type":"networkInterface"}}',
    );
  });

  it('matches on arbitrary findings', () => {
    const text = fc.option(fc.string({ unit: 'binary' }), { nil: undefined });
    const list = fc.option(fc.array(fc.string({ unit: 'binary' }), { maxLength: 4 }), { nil: undefined });
    const finding = fc.record({
      check: fc.string(),
      accountId: fc.string({ unit: 'binary' }),
      regionId: fc.string(),
      resource: fc.record({ type: fc.constantFrom('rule', 'securityGroup', 'networkInterface'), id: fc.string({ unit: 'binary' }), name: text }),
      detail: fc.record(
        {
          direction: fc.option(fc.constantFrom('ingress', 'egress'), { nil: undefined }),
          protocol: text,
          ports: fc.option(fc.record({ from: fc.integer(), to: fc.integer() }), { nil: undefined }),
          sources: list,
          addresses: list,
          extra: fc.option(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 })), { nil: undefined }),
        },
        { requiredKeys: [] },
      ),
    });
    fc.assert(
      fc.property(finding, (input) => fingerprint(input as FingerprintInput) === legacyFingerprint(input as FingerprintInput)),
      { numRuns: 500 },
    );
  });
});
