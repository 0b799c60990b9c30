import { afterAll, describe, expect, it } from 'vitest';
import { whatIfDelta, type DeltaEntry } from '../../src/analyze/whatif.js';
import { generateEstate } from '../../src/emulator/index.js';
import { createRandom } from '../../src/emulator/random.js';
import { SNAPSHOT_SCHEMA, type Rule, type Snapshot } from '../../src/model/snapshot.js';
import { applyChanges } from '../../src/whatif/apply.js';
import { changeOutcome } from '../../src/pipeline/whatif.js';
import type { Change } from '../../src/whatif/changes.js';

/**
 * whatif re-analyses only what a change can affect. On random changes to a generated estate, that
 * must give exactly the delta of analysing both snapshots whole: nothing the scope leaves out may
 * have changed.
 */
const estate = generateEstate({ instances: 200, groups: 40, rulesPerGroup: 12, enis: 250, eips: 40, seed: 3 });
const before: Snapshot = { schema: SNAPSHOT_SCHEMA, id: 'scope', takenAt: '2026-01-01T00:00:00.000Z', tool: { name: 'sgaudit', version: 'test' }, provider: 'alicloud', coverage: [], accounts: estate.accounts };
const regions = before.accounts.flatMap((account) => account.regions);
const groups = regions.flatMap((region) => region.securityGroups);
const enis = regions.flatMap((region) => region.networkInterfaces);
const instances = regions.flatMap((region) => region.instances);
const eips = regions.flatMap((region) => region.eips);
const origin = { file: 'random.yaml' };
const now = new Date('2026-01-01T00:00:00Z');

function randomChange(random: () => number): Change | undefined {
  const pick = <T>(list: readonly T[]): T | undefined => list[Math.floor(random() * list.length)];
  const group = pick(groups);
  if (!group) return undefined;
  switch (Math.floor(random() * 6)) {
    case 0: {
      const source = pick([{ cidr: '0.0.0.0/0' }, { cidr: '203.0.113.0/24' }, { cidr: '10.0.0.0/8' }, { ipv6Cidr: '::/0' }, { groupId: pick(groups)?.id ?? group.id }]);
      const port = pick([22, 80, 3306, 3389, 6379, 8080]) ?? 22;
      const rule: Rule = { direction: 'ingress', policy: random() < 0.25 ? 'drop' : 'accept', priority: 1 + Math.floor(random() * 3), protocol: random() < 0.2 ? 'all' : 'tcp', ports: random() < 0.2 ? { from: 1, to: 65535 } : { from: port, to: port }, ...(source ? { source } : {}) };
      return { kind: 'addRule', groupId: group.id, rule, origin };
    }
    case 1: {
      const rule = pick(group.rules.filter((r) => r.id));
      return rule?.id ? { kind: 'removeRule', groupId: group.id, match: { ruleId: rule.id }, origin } : undefined;
    }
    case 2: {
      const eni = pick(enis.filter((e) => e.securityGroupIds.length > 1));
      const groupId = eni?.securityGroupIds[0];
      return eni && groupId ? { kind: 'detachGroup', groupId, target: eni.id, origin } : undefined;
    }
    case 3: {
      const eni = pick(enis.filter((e) => e.vpcId === group.vpcId && !e.securityGroupIds.includes(group.id) && e.securityGroupIds.every((id) => groups.find((g) => g.id === id)?.type === group.type)));
      return eni ? { kind: 'attachGroup', groupId: group.id, target: eni.id, origin } : undefined;
    }
    case 4: {
      const eip = pick(eips.filter((e) => !e.boundInstanceId));
      const instance = pick(instances.filter((i) => !i.eip && i.publicIps.length === 0));
      return eip && instance ? { kind: 'bindEip', eip: eip.allocationId, target: instance.id, origin } : undefined;
    }
    default: {
      const eip = pick(eips.filter((e) => e.boundInstanceId));
      return eip ? { kind: 'unbindEip', eip: eip.allocationId, origin } : undefined;
    }
  }
}

/** Two groups of one VPC on interfaces 10.0.1.5 (sg-g) and 10.0.2.5 (sg-x, sg-g), and sg-r that references sg-g. */
function smallEstate(): Snapshot {
  const group = (id: string, rules: Rule[]) => ({ id, name: id, description: '', vpcId: 'vpc-1', type: 'normal' as const, innerAccessPolicy: 'drop' as const, serviceManaged: false, tags: {}, rules });
  const eni = (id: string, ip: string, securityGroupIds: string[]) => ({ id, name: '', description: '', type: 'Secondary', status: '', serviceManaged: false, vpcId: 'vpc-1', privateIps: [ip], ipv6Addresses: [], securityGroupIds, tags: {} });
  const rule = (id: string, priority: number, ports: number, source: Rule['source']): Rule => ({ id, direction: 'ingress', policy: 'accept', priority, protocol: 'tcp', ports: { from: ports, to: ports }, ...(source ? { source } : {}) });
  return {
    ...before,
    id: 'small',
    accounts: [
      {
        accountId: '1',
        regions: [
          {
            regionId: 'cn-hangzhou',
            securityGroups: [
              group('sg-g', []),
              group('sg-x', [rule('r-x', 5, 22, { cidr: '10.0.0.0/8' })]),
              group('sg-r', [rule('r-ref', 2, 3306, { groupId: 'sg-g' }), rule('r-net', 1, 3306, { cidr: '10.0.1.0/24' })]),
              group('sg-spare', []),
            ],
            instances: [],
            networkInterfaces: [eni('eni-g', '10.0.1.5', ['sg-g', 'sg-spare']), eni('eni-x', '10.0.2.5', ['sg-x', 'sg-g']), eni('eni-r', '10.0.3.5', ['sg-r'])],
            eips: [],
            prefixLists: [],
            addressGroups: [],
          },
        ],
      },
    ],
  };
}

function deltas(snapshot: Snapshot, changes: Change[]) {
  const outcome = applyChanges(snapshot, { kind: 'change-file', changes, assumptions: [] });
  return { scoped: whatIfDelta(snapshot, changeOutcome(outcome), { now }), whole: whatIfDelta(snapshot, changeOutcome(outcome), { now, everything: true }) };
}

const ids = (entries: readonly DeltaEntry[]) => entries.map((entry) => `${entry.finding.id} ${entry.before?.severity ?? ''}→${entry.finding.severity}`).sort();

describe('whatif scope: the cases it exists for', () => {
  it('a rule added to one group can shadow a rule of another group on the same interfaces', () => {
    const wide: Rule = { direction: 'ingress', policy: 'accept', priority: 1, protocol: 'tcp', ports: { from: 1, to: 65535 }, source: { cidr: '10.0.0.0/8' } };
    const { scoped, whole } = deltas(smallEstate(), [{ kind: 'addRule', groupId: 'sg-g', rule: wide, origin }]);
    const shadowed = whole.added.filter((entry) => entry.finding.check === 'shadowed-rule' && entry.finding.resource.id.includes('r-x'));
    expect(shadowed).toHaveLength(1);
    expect(ids(scoped.added)).toEqual(ids(whole.added));
  });

  it('moving a member changes what rules referencing its group admit', () => {
    // eni-x leaves sg-g: the reference in sg-r now admits only 10.0.1.5, which r-net already admits first.
    const { scoped, whole } = deltas(smallEstate(), [{ kind: 'detachGroup', groupId: 'sg-g', target: 'eni-x', origin }]);
    expect(whole.added.filter((entry) => entry.finding.check === 'shadowed-rule' && entry.finding.resource.id.includes('r-ref'))).toHaveLength(1);
    expect(ids(scoped.added)).toEqual(ids(whole.added));
    expect(ids(scoped.removed)).toEqual(ids(whole.removed));
    expect(ids(scoped.changed)).toEqual(ids(whole.changed));
  });
});

describe('whatif scope on random change sets', () => {
  let changedSomething = 0;
  afterAll(() => {
    // Most random change sets must change some finding, or the comparison proves little.
    expect(changedSomething).toBeGreaterThanOrEqual(20);
  });

  it.each(Array.from({ length: 30 }, (_, trial) => trial))('random change set %i: the scoped delta equals the delta of whole analyses', (trial) => {
    const random = createRandom(1000 + trial);
    const changes: Change[] = [];
    for (let attempt = 0; changes.length < 1 + (trial % 4) && attempt < 50; attempt++) {
      const change = randomChange(random);
      if (!change) continue;
      try {
        applyChanges(before, { kind: 'change-file', changes: [...changes, change], assumptions: [] });
        changes.push(change);
      } catch {
        // A change Alibaba Cloud would refuse (e.g. a group's last member): draw another.
      }
    }
    expect(changes.length).toBeGreaterThan(0);
    const outcome = applyChanges(before, { kind: 'change-file', changes, assumptions: [] });
    const scoped = whatIfDelta(before, changeOutcome(outcome), { now });
    const whole = whatIfDelta(before, changeOutcome(outcome), { now, everything: true });
    if (whole.added.length + whole.removed.length + whole.changed.length > 0) changedSomething++;
    expect(ids(scoped.added)).toEqual(ids(whole.added));
    expect(ids(scoped.removed)).toEqual(ids(whole.removed));
    expect(ids(scoped.changed)).toEqual(ids(whole.changed));
    expect(scoped.scope.interfaces).toBeLessThan(whole.scope.interfaces);
  });
});
