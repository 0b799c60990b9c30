import { describe, expect, it } from 'vitest';
import { computeDrift } from '../../src/analyze/drift/index.js';
import { changedExposureEnis } from '../../src/analyze/drift/exposure-prune.js';
import { SnapshotView } from '../../src/analyze/view.js';
import { generateEstate } from '../../src/emulator/generate.js';
import type { Check } from '../../src/analyze/checks/types.js';
import type { Snapshot } from '../../src/model/snapshot.js';

function generated(seed: number): Snapshot {
  const estate = generateEstate({ instances: 300, groups: 60, rulesPerGroup: 10, seed });
  return { schema: 'sgaudit/snapshot@1', id: 'old', takenAt: '2026-11-01T00:00:00Z', tool: { name: 'sgaudit', version: 'test' }, provider: 'alicloud', coverage: [], accounts: estate.accounts };
}

type Mutation = (current: Snapshot, n: number) => void;

const regions = (snapshot: Snapshot) => snapshot.accounts.flatMap((a) => a.regions);

/** Changes the exposure check must see through, or must ignore, each applied to some of the records. */
const MUTATIONS: Record<string, Mutation> = {
  'egress rules removed and added': (current, n) => {
    for (const [i, group] of regions(current).flatMap((r) => r.securityGroups).entries()) {
      if ((i + n) % 3 !== 0) continue;
      group.rules = group.rules.filter((r, k) => r.direction !== 'egress' || k % 2 === 0);
      group.rules.unshift({ direction: 'egress', policy: 'drop', priority: 1, protocol: 'all', ports: { from: 1, to: 65535 }, destination: { cidr: '0.0.0.0/0' } });
    }
  },
  'private-source ingress rules changed': (current, n) => {
    for (const [i, group] of regions(current).flatMap((r) => r.securityGroups).entries()) {
      if ((i + n) % 4 !== 0) continue;
      group.rules.unshift({ direction: 'ingress', policy: i % 2 ? 'drop' : 'accept', priority: 1 + (i % 5), protocol: 'tcp', ports: { from: 22, to: 22 }, source: { cidr: '10.1.0.0/16' } });
    }
  },
  'public ingress opened and closed': (current, n) => {
    for (const [i, group] of regions(current).flatMap((r) => r.securityGroups).entries()) {
      if ((i + n) % 5 === 0) group.rules.push({ direction: 'ingress', policy: 'accept', priority: 50, protocol: 'tcp', ports: { from: 3389, to: 3389 }, source: { cidr: '0.0.0.0/0' } });
      if ((i + n) % 7 === 0) group.rules = group.rules.filter((r) => r.direction !== 'ingress' || !r.source?.cidr?.startsWith('0.'));
    }
  },
  'group renamed, instance tagged and renamed': (current, n) => {
    for (const [i, group] of regions(current).flatMap((r) => r.securityGroups).entries()) if ((i + n) % 3 === 0) group.name = `${group.name}-renamed`;
    for (const [i, instance] of regions(current).flatMap((r) => r.instances).entries()) {
      if ((i + n) % 5 === 0) instance.tags = { ...instance.tags, touched: 'yes' };
      if ((i + n) % 6 === 0) instance.name = `${instance.name}-renamed`;
    }
  },
  'members and addresses moved': (current, n) => {
    for (const region of regions(current)) {
      region.networkInterfaces.forEach((eni, i) => {
        if ((i + n) % 11 === 0) eni.privateIps = [`10.250.${i % 250}.${(n * 7) % 250}`];
        if ((i + n) % 13 === 0 && region.securityGroups[1]) eni.securityGroupIds = [...eni.securityGroupIds, region.securityGroups[1].id];
      });
      region.instances.forEach((instance, i) => {
        if ((i + n) % 9 === 0) instance.publicIps = instance.publicIps.length > 0 ? [] : ['203.0.113.9'];
      });
      region.eips.forEach((eip, i) => {
        if ((i + n) % 5 === 0) delete eip.boundInstanceId;
      });
    }
  },
};

function exposureChanges(baseline: Snapshot, current: Snapshot, prune: boolean): string[] {
  return computeDrift(baseline, current, { pruneUnchanged: prune })
    .changes.filter((c) => c.kind === 'new-exposure' || c.kind === 'removed-exposure')
    .map((c) => JSON.stringify(c))
    .sort();
}

describe('exposure drift visits only ENIs whose exposure inputs changed', () => {
  for (const [name, mutation] of Object.entries(MUTATIONS)) {
    for (const seed of [3, 6]) {
      it(`${name} (seed ${seed}): same changes as evaluating every ENI`, () => {
        const baseline = generated(seed);
        const current = structuredClone(baseline);
        mutation(current, seed);
        expect(exposureChanges(baseline, current, true)).toEqual(exposureChanges(baseline, current, false));
      });
    }
  }

  it('all mutations at once: same changes as evaluating every ENI, and some of them', () => {
    const baseline = generated(9);
    const current = structuredClone(baseline);
    for (const mutation of Object.values(MUTATIONS)) mutation(current, 9);
    const full = exposureChanges(baseline, current, false);
    expect(full.length).toBeGreaterThan(0);
    expect(exposureChanges(baseline, current, true)).toEqual(full);
  });

  it('egress-only changes and renames leave no ENI to evaluate', () => {
    const baseline = generated(2);
    const current = structuredClone(baseline);
    MUTATIONS['egress rules removed and added']!(current, 2);
    for (const group of regions(current).flatMap((r) => r.securityGroups)) group.name = `${group.name}-renamed`;
    expect(changedExposureEnis(new SnapshotView(baseline), new SnapshotView(current)).size).toBe(0);
  });

  it('views handed in by the caller give the same drift as views built here', () => {
    const baseline = generated(5);
    const current = structuredClone(baseline);
    for (const mutation of Object.values(MUTATIONS)) mutation(current, 5);
    const views = { baseline: new SnapshotView(baseline), current: new SnapshotView(current) };
    const built = computeDrift(baseline, current).changes;
    expect(built.some((c) => c.kind === 'new-exposure')).toBe(true);
    expect(computeDrift(baseline, current, { views }).changes).toEqual(built);
  });

  it('records shared by both sides (as readSnapshotPair shares identical lines) give the same drift as copies', () => {
    const baseline = generated(7);
    const current = structuredClone(baseline);
    for (const mutation of Object.values(MUTATIONS)) mutation(current, 7);
    const shared = structuredClone(current);
    let sharedRecords = 0;
    const share = <T>(before: T[], after: T[]) =>
      after.map((record, i) => {
        const old = before[i];
        if (old === undefined || JSON.stringify(old) !== JSON.stringify(record)) return record;
        sharedRecords++;
        return old;
      });
    shared.accounts.forEach((account, a) =>
      account.regions.forEach((region, r) => {
        const old = baseline.accounts[a]!.regions[r]!;
        region.securityGroups = share(old.securityGroups, region.securityGroups);
        region.instances = share(old.instances, region.instances);
        region.networkInterfaces = share(old.networkInterfaces, region.networkInterfaces);
        region.eips = share(old.eips, region.eips);
        region.prefixLists = share(old.prefixLists, region.prefixLists);
      }),
    );
    expect(sharedRecords).toBeGreaterThan(100);
    const copies = computeDrift(baseline, current).changes;
    expect(copies.length).toBeGreaterThan(0);
    expect(computeDrift(baseline, shared).changes).toEqual(copies);
  });

  it('a problem the check reports twice keeps the engine ids (X, X-2, in message order)', () => {
    const baseline = generated(4);
    delete baseline.accounts[0]!.regions[0]!.networkInterfaces[0]!.publicIp;
    const current = structuredClone(baseline);
    const eni = current.accounts[0]!.regions[0]!.networkInterfaces[0]!;
    eni.publicIp = '203.0.113.77';
    // One finding per ENI with a public IP; the changed ENI reports its problem twice.
    const twice: Check = {
      meta: { id: 'public-exposure', title: 'stub', severity: 'high', description: '', rationale: '', remediation: '', docs: '' },
      run({ view }) {
        const drafts = [];
        for (const [id, located] of view.enis) {
          if (!located.item.publicIp) continue;
          const draft = { message: `${id} open`, accountId: located.accountId, regionId: located.regionId, resource: { type: 'networkInterface' as const, id }, detail: { protocol: 'tcp', ports: { from: 22, to: 22 } }, evidence: [] };
          if (id === eni.id) drafts.push({ ...draft, message: `${id} open again` });
          drafts.push(draft);
        }
        return drafts;
      },
    };
    const changes = computeDrift(baseline, current, { exposureCheck: twice }).changes.filter((c) => c.kind === 'new-exposure');
    const byMessage = new Map(changes.map((c) => [c.message, c.identity]));
    const first = byMessage.get(`New since the baseline: ${eni.id} open`);
    expect(first).toMatch(/^SG-[0-9a-f]{16}$/);
    expect(byMessage.get(`New since the baseline: ${eni.id} open again`)).toBe(`${first}-2`);
    expect(changes).toHaveLength(2);
  });

  it('a private-source ingress change is evaluated (it can change how public sources are described)', () => {
    const baseline = generated(2);
    const current = structuredClone(baseline);
    MUTATIONS['private-source ingress rules changed']!(current, 2);
    expect(changedExposureEnis(new SnapshotView(baseline), new SnapshotView(current)).size).toBeGreaterThan(0);
  });
});
