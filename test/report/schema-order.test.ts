import { describe, expect, it } from 'vitest';
import { analyzeSnapshot } from '../../src/analyze/engine.js';
import { generateEstate } from '../../src/emulator/index.js';
import { Finding } from '../../src/model/findings.js';
import type { Snapshot } from '../../src/model/snapshot.js';
import { findingInSchemaOrder, schemaOrderedCopy } from '../../src/report/schema-order.js';
import { loadFixture } from './helpers.js';
import { syntheticFindings } from './synthetic-findings.js';

/** Every object rebuilt with its keys in reverse order: same data, the opposite of schema order. */
function reverseKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(reverseKeys) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).reverse().map((key) => [key, reverseKeys((value as Record<string, unknown>)[key])])) as T;
  return value;
}

function generatedFindings(): Finding[] {
  const estate = generateEstate({ instances: 400, groups: 80, rulesPerGroup: 20, enis: 480, eips: 80, seed: 7 });
  const snapshot: Snapshot = { schema: 'sgaudit/snapshot@1', id: 'schema-order', takenAt: '2026-12-07T00:00:00.000Z', tool: { name: 'sgaudit', version: 'test' }, provider: 'alicloud', coverage: [], accounts: estate.accounts };
  return analyzeSnapshot(snapshot, { now: new Date('2026-12-07T00:00:00Z') }).findings;
}

/** What a strict zod parse makes of a value: its output, or the error's issues. */
function viaZod(value: unknown): string {
  const parsed = Finding.safeParse(value);
  return parsed.success ? JSON.stringify(parsed.data) : `error ${JSON.stringify(parsed.error.issues.map((issue) => issue.path))}`;
}

function viaSchemaOrder(value: unknown): string {
  try {
    return JSON.stringify(findingInSchemaOrder(value as Finding));
  } catch {
    return viaZod(value);
  }
}

// The odd shapes below break the type on purpose: members are reached without it.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Untyped = Record<string, any>;

describe('findingInSchemaOrder', () => {
  const sources: [string, Finding[]][] = [
    ['the report fixture', loadFixture().findings],
    ['synthetic findings (suppressed, drift extras, long evidence, breadth, root causes)', syntheticFindings({ findings: 400, seed: 3 }).findings],
    ['an analysis of a generated estate (every check)', generatedFindings()],
  ];

  it.each(sources)('prints exactly what Finding.parse prints, without zod: %s', (_name, findings) => {
    expect(findings.length).toBeGreaterThanOrEqual(20);
    for (const finding of [...findings, ...findings.map(reverseKeys)]) {
      expect(schemaOrderedCopy(finding), finding.id).toBeDefined();
      expect(JSON.stringify(findingInSchemaOrder(finding))).toBe(JSON.stringify(Finding.parse(finding)));
    }
  });

  const base = loadFixture().findings.find((finding) => finding.evidence.length > 0 && finding.detail.ports && finding.resource.name && finding.breadth && finding.instance && finding.rootCauses)!;
  const odd: [string, (finding: Untyped) => void][] = [
    ['an unknown finding member', (f) => (f.extraField = 1)],
    ['an unknown resource member', (f) => (f.resource.arn = 'x')],
    ['an unknown detail member', (f) => (f.detail.port = 22)],
    ['an unknown evidence member', (f) => (f.evidence[0].rule = 'x')],
    ['an unknown ports member', (f) => (f.detail.ports.step = 1)],
    ['a fractional port', (f) => (f.detail.ports.from = 22.5)],
    ['a port beyond the safe integers', (f) => (f.detail.ports.to = 2 ** 60)],
    ['a string priority', (f) => (f.evidence[0].priority = '1')],
    ['an unknown severity', (f) => (f.severity = 'urgent')],
    ['an unknown resource type', (f) => (f.resource.type = 'bucket')],
    ['an unknown evidence role', (f) => (f.evidence[0].role = 'witness')],
    ['a number among the sources', (f) => (f.detail.sources = ['0.0.0.0/0', 7])],
    ['a hole in the evidence', (f) => (f.evidence = new Array(1).concat(f.evidence))],
    ['extra that is a list', (f) => (f.detail.extra = ['x'])],
    ['a suppression without owner', (f) => (f.suppressed = { reason: 'r', expires: '2030-01-01', matchedBy: 'x' })],
    ['an inherited member', (f) => Object.setPrototypeOf(f, { inherited: true })],
    ['a member set to undefined', (f) => (f.docs = undefined)],
    ['a missing message', (f) => delete f.message],
    ['an unknown breadth class', (f) => (f.breadth.class = 'galaxy')],
    ['a negative public IPv4 count', (f) => (f.breadth.publicIpv4 = -1)],
    ['a fractional public IPv4 count', (f) => (f.breadth.publicIpv4 = 1.5)],
    ['an IPv6 count that is not decimal digits', (f) => (f.breadth.publicIpv6 = '1e9')],
    ['an IPv6 count that is a number', (f) => (f.breadth.publicIpv6 = 7)],
    ['an unknown breadth member', (f) => (f.breadth.exact = true)],
    ['a breadth without summary', (f) => delete f.breadth.summary],
    ['an unknown instance member', (f) => (f.instance.zone = 'cn-hangzhou-h')],
    ['an instance without id', (f) => delete f.instance.id],
    ['a number among the root causes', (f) => (f.rootCauses = ['sg-1/sgr-1', 2])],
    ['root causes that are not a list', (f) => (f.rootCauses = 'sg-1/sgr-1')],
  ];

  it.each(odd)('leaves %s to zod: same output, or the same failure', (_name, mutate) => {
    const finding = structuredClone(base) as Untyped;
    mutate(finding);
    expect(viaSchemaOrder(finding)).toBe(viaZod(finding));
  });

  it('takes the fast path only for shapes the schema allows exactly', () => {
    const finding = structuredClone(base) as Untyped;
    finding.evidence[0].rule = 'x';
    expect(schemaOrderedCopy(finding)).toBeUndefined();
    expect(() => findingInSchemaOrder(finding as Finding)).toThrow();
  });
});
