import { describe, expect, it } from 'vitest';
import type { Check, FindingDraft } from '../../src/analyze/checks/types.js';
import { analyzeSnapshot, failOnReason } from '../../src/analyze/engine.js';
import { canonicalJson, fingerprint } from '../../src/analyze/fingerprint.js';
import { applySuppressions, isExpired } from '../../src/analyze/suppress.js';
import { parseConfigText } from '../../src/config/load.js';
import { SgauditError } from '../../src/model/errors.js';
import type { Finding } from '../../src/model/findings.js';
import { FindingsDocument } from '../../src/model/findings.js';
import { SNAPSHOT_SCHEMA, type Snapshot } from '../../src/model/snapshot.js';

const NOW = new Date('2025-06-01T12:00:00Z');

function snapshot(overrides: Partial<Snapshot> = {}): Snapshot {
  return {
    schema: SNAPSHOT_SCHEMA,
    id: 'snap-1',
    takenAt: '2025-06-01T00:00:00Z',
    tool: { name: 'sgaudit', version: 'test' },
    provider: 'alicloud',
    coverage: [{ accountId: '100', regionId: 'cn-hangzhou', api: 'DescribeInstances', status: 'complete' }],
    accounts: [],
    ...overrides,
  };
}

function draft(resourceId: string, overrides: Partial<FindingDraft> = {}): FindingDraft {
  return {
    message: `problem on ${resourceId}`,
    accountId: '100',
    regionId: 'cn-hangzhou',
    resource: { type: 'securityGroup', id: resourceId, name: `name-${resourceId}` },
    detail: {},
    evidence: [],
    ...overrides,
  };
}

function fakeCheck(id: string, drafts: FindingDraft[], severity: Check['meta']['severity'] = 'medium'): Check {
  return {
    meta: { id, title: `${id} title`, severity, description: `${id} description`, rationale: 'r', remediation: `${id} remediation`, docs: `docs/checks/${id}.md` },
    run: () => drafts,
  };
}

describe('fingerprint', () => {
  const base = { check: 'c', accountId: '1', regionId: 'r', resource: { type: 'rule' as const, id: 'x' }, detail: { sources: ['b', 'a'], protocol: 'tcp' } };
  it('is stable, SG- + 16 hex, and ignores source order and resource name', () => {
    const id = fingerprint(base);
    expect(id).toMatch(/^SG-[0-9a-f]{16}$/);
    expect(fingerprint({ ...base, detail: { protocol: 'tcp', sources: ['a', 'b'] } })).toBe(id);
    expect(fingerprint({ ...base, resource: { type: 'rule', id: 'x', name: 'renamed' } })).toBe(id);
  });
  it.each([
    ['check', { check: 'd' }],
    ['account', { accountId: '2' }],
    ['region', { regionId: 's' }],
    ['resource id', { resource: { type: 'rule' as const, id: 'y' } }],
    ['resource type', { resource: { type: 'securityGroup' as const, id: 'x' } }],
    ['detail', { detail: { sources: ['a', 'b'], protocol: 'udp' } }],
  ])('changes with the %s', (_name, change) => {
    expect(fingerprint({ ...base, ...change })).not.toBe(fingerprint(base));
  });
  it('canonical JSON sorts keys and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: undefined, c: [2, 1] } })).toBe('{"a":{"c":[2,1]},"b":1}');
  });
});

describe('analyzeSnapshot', () => {
  const checks = [
    fakeCheck('zeta', [draft('sg-2'), draft('sg-1', { severity: 'critical' })]),
    fakeCheck('alpha', [draft('sg-3', { severity: 'low', title: 'custom title', remediation: 'custom fix' })], 'high'),
  ];

  it('builds a valid document, sorted by severity, check and resource, with defaults from meta', () => {
    const document = analyzeSnapshot(snapshot(), { checks, now: NOW });
    expect(FindingsDocument.parse(document)).toEqual(document);
    expect(document.findings.map((finding) => [finding.severity, finding.check, finding.resource.id])).toEqual([
      ['critical', 'zeta', 'sg-1'],
      ['medium', 'zeta', 'sg-2'],
      ['low', 'alpha', 'sg-3'],
    ]);
    const [, second, third] = document.findings;
    expect(second).toMatchObject({ title: 'zeta title', remediation: 'zeta remediation', docs: 'docs/checks/zeta.md' });
    expect(third).toMatchObject({ title: 'custom title', remediation: 'custom fix' });
    expect(document).toMatchObject({ snapshotId: 'snap-1', snapshotTakenAt: '2025-06-01T00:00:00Z', generatedAt: NOW.toISOString() });
    expect(document.coverage).toEqual(snapshot().coverage);
    expect(document.checks.map((check) => check.id)).toEqual(['zeta', 'alpha']);
    expect(document.summary).toEqual({
      total: 3,
      suppressed: 0,
      bySeverity: { critical: 1, high: 0, medium: 1, low: 1, info: 0 },
      byCheck: { zeta: 2, alpha: 1 },
    });
  });

  it('gives the same ids on a second run and different ids to different problems', () => {
    const first = analyzeSnapshot(snapshot(), { checks, now: NOW });
    const second = analyzeSnapshot(snapshot({ id: 'snap-2' }), { checks: [...checks].reverse(), now: new Date('2026-01-01T00:00:00Z') });
    expect(second.findings.map((finding) => finding.id)).toEqual(first.findings.map((finding) => finding.id));
    expect(new Set(first.findings.map((finding) => finding.id)).size).toBe(3);
  });

  it('keeps ids unique when a check reports the same problem twice', () => {
    const document = analyzeSnapshot(snapshot(), { checks: [fakeCheck('dup', [draft('sg-1'), draft('sg-1')])], now: NOW });
    const [first, second] = document.findings.map((finding) => finding.id);
    expect(second).toBe(`${first}-2`);
  });

  it('applies config: disabled checks do not run, severity overrides replace per-finding severity', () => {
    const config = parseConfigText('checks:\n  unused-group: { enabled: false }\n  broad-rule: { severity: info }\n', 'c.yaml');
    const document = analyzeSnapshot(snapshot(), {
      config,
      checks: [fakeCheck('unused-group', [draft('sg-1')]), fakeCheck('broad-rule', [draft('sg-2', { severity: 'high' })], 'medium')],
      now: NOW,
    });
    expect(document.checks).toEqual([expect.objectContaining({ id: 'broad-rule', severity: 'info' })]);
    expect(document.findings.map((finding) => [finding.check, finding.severity])).toEqual([['broad-rule', 'info']]);
  });

  it('suppressions: by id, by check + glob on name; expired and unmatched are reported', () => {
    const plain = analyzeSnapshot(snapshot(), { checks, now: NOW });
    const idOfSg2 = plain.findings.find((finding) => finding.resource.id === 'sg-2')?.id;
    const config = {
      ...parseConfigText('', 'c.yaml'),
      suppressions: [
        { id: idOfSg2, reason: 'accepted', owner: 'alice', expires: '2025-06-01' },
        { check: 'alpha', resource: 'name-sg-*', reason: 'legacy', owner: 'bob', expires: '2030-01-01' },
        { check: 'zeta', resource: 'sg-1', reason: 'too late', owner: 'carol', expires: '2025-05-31' },
        { check: 'zeta', resource: 'sg-404', reason: 'stale', owner: 'dave', expires: '2030-01-01' },
      ],
    };
    const document = analyzeSnapshot(snapshot(), { checks, config, now: NOW });
    const byResource = Object.fromEntries(document.findings.map((finding) => [finding.resource.id, finding.suppressed]));
    expect(byResource['sg-2']).toEqual({ reason: 'accepted', owner: 'alice', expires: '2025-06-01', matchedBy: idOfSg2 });
    expect(byResource['sg-3']).toEqual({ reason: 'legacy', owner: 'bob', expires: '2030-01-01', matchedBy: 'alpha:name-sg-*' });
    expect(byResource['sg-1']).toBeUndefined();
    expect(document.suppressions).toEqual([
      { matcher: 'zeta:sg-1', reason: 'too late', owner: 'carol', expires: '2025-05-31', status: 'expired' },
      { matcher: 'zeta:sg-404', reason: 'stale', owner: 'dave', expires: '2030-01-01', status: 'unmatched' },
    ]);
    expect(document.summary).toMatchObject({ total: 3, suppressed: 2, bySeverity: { critical: 1, medium: 0, low: 0 }, byCheck: { zeta: 1, alpha: 0 } });
    // The one line that says why --fail-on made the exit code 1; suppressed findings do not count.
    expect(failOnReason(document, 'high')).toBe('exit 1: 1 unsuppressed finding at or above --fail-on high (1 critical)');
    expect(failOnReason(analyzeSnapshot(snapshot(), { checks: [checks[1] as Check], config, now: NOW }), 'info')).toBeUndefined();
  });

  it('turns a throwing check into an SgauditError naming it', () => {
    const broken: Check = { ...fakeCheck('broken', []), run: () => { throw new TypeError('x is undefined'); } };
    expect(() => analyzeSnapshot(snapshot(), { checks: [broken], now: NOW })).toThrow(SgauditError);
    expect(() => analyzeSnapshot(snapshot(), { checks: [broken], now: NOW })).toThrow('check broken failed: x is undefined');
  });

  it('passes a baseline view to checks and records its id', () => {
    let sawBaseline: string | undefined;
    const check: Check = { ...fakeCheck('b', []), run: (context) => { sawBaseline = context.baseline?.snapshot.id; return []; } };
    const document = analyzeSnapshot(snapshot(), { checks: [check], baseline: snapshot({ id: 'old' }), now: NOW });
    expect(sawBaseline).toBe('old');
    expect(document.baselineId).toBe('old');
  });
});

describe('suppression expiry', () => {
  it.each([
    ['2025-06-01', '2025-06-01T23:59:59Z', false],
    ['2025-06-01', '2025-06-02T00:00:00Z', true],
    ['not-a-date', '2000-01-01T00:00:00Z', true],
  ])('expires %s at %s → expired %s', (expires, now, expired) => {
    expect(isExpired({ expires, reason: 'r', owner: 'o', id: 'x' }, new Date(now))).toBe(expired);
  });
  it('does not modify its input', () => {
    const finding = { id: 'SG-1', check: 'c', resource: { type: 'rule', id: 'r' } } as Finding;
    const result = applySuppressions([finding], [{ id: 'SG-1', reason: 'r', owner: 'o', expires: '2030-01-01' }], NOW);
    expect(result.findings[0]?.suppressed).toBeDefined();
    expect(finding.suppressed).toBeUndefined();
  });
});
