import { describe, expect, it } from 'vitest';
import type { Check } from '../../src/analyze/checks/types.js';
import { changeToDraft, computeDrift, createDriftCheck, diffSnapshots, driftFindings, driftFindingsDocument, matchRules } from '../../src/analyze/drift/index.js';
import { analyzeSnapshot } from '../../src/analyze/engine.js';
import { FindingsDocument } from '../../src/model/findings.js';
import type { Rule } from '../../src/model/snapshot.js';
import { clone, fixtureSnapshot } from './helpers.js';

const rule = (id: string | undefined, port: number, extra: Partial<Rule> = {}): Rule => ({
  ...(id ? { id } : {}),
  direction: 'ingress',
  policy: 'accept',
  priority: 1,
  protocol: 'tcp',
  ports: { from: port, to: port },
  source: { cidr: '0.0.0.0/0' },
  ...extra,
});

describe('matchRules', () => {
  const table: { name: string; before: Rule[]; after: Rule[]; by?: 'id' | 'content'; matched: number; removed: number; added: number }[] = [
    { name: 'same id, same content', before: [rule('a', 22)], after: [rule('a', 22)], matched: 1, removed: 0, added: 0 },
    { name: 'same id, new port → matched (modified)', before: [rule('a', 22)], after: [rule('a', 2222)], matched: 1, removed: 0, added: 0 },
    { name: 'new id, same content, by id', before: [rule('a', 22)], after: [rule('b', 22)], matched: 0, removed: 1, added: 1 },
    { name: 'new id, same content, by content', before: [rule('a', 22)], after: [rule('b', 22)], by: 'content', matched: 1, removed: 0, added: 0 },
    { name: 'no ids: canonical key', before: [rule(undefined, 22)], after: [rule(undefined, 22)], matched: 1, removed: 0, added: 0 },
    { name: 'id on one side only: canonical key', before: [rule(undefined, 22)], after: [rule('a', 22)], matched: 1, removed: 0, added: 0 },
    { name: 'duplicate content pairs one to one', before: [rule(undefined, 22), rule(undefined, 22)], after: [rule(undefined, 22)], matched: 1, removed: 1, added: 0 },
    { name: 'icmp ports are not part of the key', before: [rule(undefined, 1, { protocol: 'icmp', ports: { from: -1, to: -1 } })], after: [rule(undefined, 1, { protocol: 'icmp', ports: { from: 1, to: 65535 } })], matched: 1, removed: 0, added: 0 },
    { name: 'priority is part of the key', before: [rule(undefined, 22)], after: [rule(undefined, 22, { priority: 2 })], matched: 0, removed: 1, added: 1 },
    { name: 'policy is part of the key', before: [rule(undefined, 22)], after: [rule(undefined, 22, { policy: 'drop' })], matched: 0, removed: 1, added: 1 },
  ];
  for (const row of table) {
    it(row.name, () => {
      const result = matchRules(row.before, row.after, row.by);
      expect([result.matched.length, result.removed.length, result.added.length]).toEqual([row.matched, row.removed, row.added]);
    });
  }
});

describe('coverage safety', () => {
  it('a region denied in the new snapshot: zero removed entries, exactly one not-compared entry', () => {
    const drift = diffSnapshots(fixtureSnapshot('region-denied', 'old'), fixtureSnapshot('region-denied', 'new'));
    expect(drift.changes.filter((c) => c.kind.endsWith('-removed') || c.kind === 'group-detached')).toEqual([]);
    expect(drift.changes).toEqual([]);
    expect(drift.notCompared).toHaveLength(1);
    expect(drift.notCompared[0]).toMatchObject({ accountId: '1111', regionId: 'cn-beijing' });
    expect(drift.notCompared[0]!.reason).toContain('denied (Forbidden.RAM)');
  });

  it('a region failed in the baseline is not reported as added', () => {
    const old = fixtureSnapshot('region-denied', 'new');
    const current = fixtureSnapshot('region-denied', 'old');
    const drift = diffSnapshots(old, current);
    expect(drift.changes).toEqual([]);
    expect(drift.notCompared.map((e) => e.regionId)).toEqual(['cn-beijing']);
  });

  it('an account whose AssumeRole failed is not compared in any region', () => {
    const old = fixtureSnapshot('rule-port-changed', 'old');
    const current = clone(old);
    current.accounts = [];
    current.coverage = [{ accountId: '1111', regionId: '', api: 'AssumeRole', status: 'denied', code: 'NoPermission' }];
    const drift = diffSnapshots(old, current);
    expect(drift.changes).toEqual([]);
    expect(drift.notCompared.map((e) => e.regionId).sort()).toEqual(['cn-beijing', 'cn-hangzhou']);
  });

  it('a partially listed API other than rules makes only its own kinds not compared', () => {
    const old = fixtureSnapshot('estate-changes', 'old');
    const current = fixtureSnapshot('estate-changes', 'new');
    for (const entry of current.coverage) if (entry.regionId === 'cn-hangzhou' && entry.api === 'DescribeEipAddresses') entry.status = 'failed';
    const kinds = new Set(diffSnapshots(old, current).changes.map((c) => c.kind));
    expect(kinds.has('eip-added') || kinds.has('eip-removed') || kinds.has('eip-rebound')).toBe(false);
    expect(kinds.has('group-added')).toBe(true);
  });

  it('a group whose rules failed to page keeps its rules out of the diff but its attributes in', () => {
    const drift = diffSnapshots(fixtureSnapshot('rules-failed-to-page', 'old'), fixtureSnapshot('rules-failed-to-page', 'new'));
    expect(drift.changes.filter((c) => c.resource.name === 'web')).toEqual([]);
    expect(drift.notCompared[0]!.reason).toContain('rules of sg-web not read completely');
  });
});

/** Stub exposure check: an ENI is exposed on every public accept rule of its groups (enough to test the plumbing). */
const stubExposure: Check = {
  meta: { id: 'public-exposure', title: 'stub', severity: 'high', description: '', rationale: '', remediation: '', docs: '' },
  run({ view }) {
    const drafts = [];
    for (const [id, eni] of view.enis) {
      if (view.publicAddressesOfEni(eni.item).length === 0) continue;
      const rules = view.groupsOfEni(eni.item).flatMap((g) => g.rules);
      for (const r of rules) {
        if (r.direction !== 'ingress' || r.policy !== 'accept' || r.source?.cidr !== '0.0.0.0/0' || r.ports.from === 443) continue;
        if (rules.some((d) => d.policy === 'drop' && d.priority <= r.priority && d.ports.from === r.ports.from)) continue;
        drafts.push({ message: `${id} open on ${r.ports.from}`, accountId: eni.accountId, regionId: eni.regionId, resource: { type: 'networkInterface' as const, id }, detail: { protocol: r.protocol, ports: r.ports, sources: ['0.0.0.0/0'] }, evidence: [] });
      }
    }
    return drafts;
  },
};

describe('exposure drift through the engine', () => {
  it('new exposure is high, with the exposure finding as evidence', () => {
    const drift = computeDrift(fixtureSnapshot('new-exposure', 'old'), fixtureSnapshot('new-exposure', 'new'), { exposureCheck: stubExposure });
    const exposure = drift.changes.filter((c) => c.kind === 'new-exposure');
    expect(exposure.map((c) => c.resource.id)).toEqual(['eni-web1']);
    expect(changeToDraft(exposure[0]!).severity).toBe('high');
    expect(drift.exposureCompared).toBe(true);
  });

  it('a new drop rule shows as removed exposure (info)', () => {
    const drift = computeDrift(fixtureSnapshot('drop-removes-exposure', 'old'), fixtureSnapshot('drop-removes-exposure', 'new'), { exposureCheck: stubExposure });
    const removed = drift.changes.filter((c) => c.kind === 'removed-exposure');
    expect(removed.map((c) => c.resource.id)).toEqual(['eni-web1']);
    expect(changeToDraft(removed[0]!).severity).toBe('info');
  });

  it('exposure in a region not compared is neither new nor removed', () => {
    const old = fixtureSnapshot('drop-removes-exposure', 'old');
    const current = fixtureSnapshot('drop-removes-exposure', 'new');
    current.accounts[0]!.regions = current.accounts[0]!.regions.filter((r) => r.regionId !== 'cn-hangzhou');
    for (const entry of current.coverage) if (entry.regionId === 'cn-hangzhou') entry.status = 'failed';
    const drift = computeDrift(old, current, { exposureCheck: stubExposure });
    expect(drift.changes).toEqual([]);
  });

  it('exposure of an ENI whose group failed to page is not reported as removed', () => {
    const old = fixtureSnapshot('drop-removes-exposure', 'old');
    const current = clone(old);
    current.accounts[0]!.regions[0]!.securityGroups.find((g) => g.id === 'sg-web')!.rules = [];
    for (const entry of current.coverage) if (entry.regionId === 'cn-hangzhou' && entry.api === 'DescribeSecurityGroupAttribute') Object.assign(entry, { status: 'partial', resourceIds: ['sg-web'] });
    expect(computeDrift(old, current, { exposureCheck: stubExposure }).changes).toEqual([]);
  });

  it('says so when no public-exposure check is available', () => {
    const drift = computeDrift(fixtureSnapshot('new-exposure', 'old'), fixtureSnapshot('new-exposure', 'new'), { exposureCheck: undefined, exposure: true });
    expect(drift.notCompared.some((e) => e.api === 'public-exposure')).toBe(!drift.exposureCompared);
  });
});

describe('drift findings', () => {
  const now = new Date('2026-11-20T03:00:00Z');

  it('driftFindingsDocument is a valid sgaudit/findings@1 document with kinds, before/after and notCompared', () => {
    const document = driftFindingsDocument(fixtureSnapshot('rule-port-changed', 'old'), fixtureSnapshot('rule-port-changed', 'new'), { now, exposureCheck: stubExposure });
    expect(FindingsDocument.parse(document)).toBeTruthy();
    expect(document.checks.map((c) => c.id)).toEqual(['drift']);
    expect(document.baselineId).toBe('snap-old');
    expect(document.snapshotId).toBe('snap-new');
    expect(document.findings).toHaveLength(1);
    const finding = document.findings[0]!;
    expect(finding).toMatchObject({ check: 'drift', severity: 'medium', resource: { type: 'rule', id: 'sgr-web-2' } });
    expect(finding.detail.extra).toMatchObject({ kind: 'rule-modified', groupId: 'sg-web', before: { ports: '22/22' }, after: { ports: '2222/2222' } });
    expect(finding.evidence[0]).toMatchObject({ role: 'subject', groupId: 'sg-web', ruleId: 'sgr-web-2' });
    expect(document.summary.byCheck).toEqual({ drift: 1 });
    expect(document.notCompared).toEqual([]);
  });

  it('ids are stable across runs and unique', () => {
    const run = () => driftFindingsDocument(fixtureSnapshot('estate-changes', 'old'), fixtureSnapshot('estate-changes', 'new'), { now, exposure: false });
    const first = run().findings.map((f) => f.id);
    expect(run().findings.map((f) => f.id)).toEqual(first);
    expect(new Set(first).size).toBe(first.length);
    expect(first.every((id) => /^SG-[0-9a-f]{16}$/.test(id))).toBe(true);
  });

  it('driftFindings and the drift check give the same ids as the document', () => {
    const old = fixtureSnapshot('estate-changes', 'old');
    const current = fixtureSnapshot('estate-changes', 'new');
    const viaFunction = driftFindings(old, current, { now, exposure: false }).findings.map((f) => f.id);
    const viaEngine = analyzeSnapshot(current, { baseline: old, checks: [createDriftCheck({ exposure: false })], now }).findings.map((f) => f.id);
    expect(viaEngine).toEqual(viaFunction);
    expect(viaEngine.length).toBe(12);
  });

  it('before/after carry exactly what changed', () => {
    const document = driftFindingsDocument(fixtureSnapshot('estate-changes', 'old'), fixtureSnapshot('estate-changes', 'new'), { now, exposure: false });
    const extra = (kind: string) => document.findings.find((f) => f.detail.extra?.kind === kind)?.detail.extra;
    expect(extra('group-modified')).toEqual({
      kind: 'group-modified',
      before: { name: 'db', innerAccessPolicy: 'accept', tags: {} },
      after: { name: 'database', innerAccessPolicy: 'drop', tags: { owner: 'dba' } },
    });
    expect(extra('eip-rebound')).toMatchObject({ before: { boundInstanceId: 'i-web1' }, after: { boundInstanceId: 'eni-web1-2', boundInstanceType: 'NetworkInterface' } });
    expect(extra('rule-modified')).toMatchObject({ groupId: 'sg-web', after: { id: 'sgr-web-3', description: 'allow all egress' } });
    expect(extra('rule-modified')?.before).not.toHaveProperty('description');
    expect(extra('group-attached')).toMatchObject({ groupId: 'sg-new', before: ['sg-db'], after: ['sg-db', 'sg-new'] });
  });

  it('the drift check finds nothing without a baseline', () => {
    expect(analyzeSnapshot(fixtureSnapshot('estate-changes', 'new'), { checks: [createDriftCheck()], now }).findings).toEqual([]);
  });
});
