import { describe, expect, it } from 'vitest';
import { computeDrift } from '../../src/analyze/drift/index.js';
import { pruneToChangedUnits } from '../../src/analyze/drift/exposure-prune.js';
import { generateEstate } from '../../src/emulator/generate.js';
import type { Snapshot } from '../../src/model/snapshot.js';

function generated(seed: number): Snapshot {
  const estate = generateEstate({ instances: 400, groups: 80, rulesPerGroup: 8, seed });
  return { schema: 'sgaudit/snapshot@1', id: 'old', takenAt: '2026-11-01T00:00:00Z', tool: { name: 'sgaudit', version: 'test' }, provider: 'alicloud', coverage: [], accounts: estate.accounts };
}

/** A few changes of every kind that moves exposure: rules opened and closed, addresses, membership, EIPs. */
function mutate(baseline: Snapshot): Snapshot {
  const current = structuredClone(baseline);
  current.id = 'new';
  let n = 0;
  for (const region of current.accounts.flatMap((a) => a.regions)) {
    for (const group of region.securityGroups) {
      n++;
      if (n % 9 === 0) group.rules.push({ direction: 'ingress', policy: 'accept', priority: 50, protocol: 'tcp', ports: { from: 3389, to: 3389 }, source: { cidr: '0.0.0.0/0' } });
      if (n % 11 === 0) group.rules.unshift({ direction: 'ingress', policy: 'drop', priority: 1, protocol: 'all', ports: { from: 1, to: 65535 }, source: { cidr: '0.0.0.0/0' } });
      if (n % 13 === 0) group.rules = group.rules.slice(1);
    }
    region.instances.forEach((instance, i) => {
      if (i % 17 === 0) instance.publicIps = instance.publicIps.length > 0 ? [] : ['203.0.113.7'];
    });
    region.networkInterfaces.forEach((eni, i) => {
      if (i % 19 === 0 && region.securityGroups[0]) eni.securityGroupIds = [region.securityGroups[0].id];
    });
    region.eips.forEach((eip, i) => {
      if (i % 7 === 0) delete eip.boundInstanceId;
    });
  }
  return current;
}

describe('exposure drift evaluates only changed units', () => {
  for (const seed of [1, 2, 3, 5, 8]) {
    it(`same exposure drift with and without pruning (generated estate, seed ${seed})`, () => {
      const baseline = generated(seed);
      const current = mutate(baseline);
      const exposure = (prune: boolean) =>
        computeDrift(baseline, current, { pruneUnchanged: prune })
          .changes.filter((c) => c.kind === 'new-exposure' || c.kind === 'removed-exposure')
          .map((c) => `${c.kind} ${c.identity}`)
          .sort();
      const full = exposure(false);
      expect(full.length).toBeGreaterThan(0);
      const pruned = exposure(true);
      expect(pruned).toEqual(full);
    });
  }

  it('keeps only the changed units', () => {
    const baseline = generated(4);
    const unchanged = pruneToChangedUnits(baseline, structuredClone(baseline));
    expect(unchanged.changedUnits.size).toBe(0);
    expect(unchanged.current.accounts.flatMap((a) => a.regions).every((r) => r.instances.length === 0 && r.networkInterfaces.length === 0)).toBe(true);
    const changed = pruneToChangedUnits(baseline, mutate(baseline));
    expect(changed.changedUnits.size).toBeGreaterThan(0);
    expect(changed.changedUnits.size).toBeLessThan(changed.units);
  });
});
