/**
 * The fast paths must answer exactly what the plain evaluation answers. Each shortcut is checked
 * against the straightforward computation on a synthetic estate with narrowed rules, nicType
 * rules, classic instances, missing groups and multi-group ENIs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { check as publicExposure } from '../../src/analyze/checks/public-exposure/index.js';
import { check as shadowedRule } from '../../src/analyze/checks/shadowed-rule/index.js';
import { publicAccepted, type EffectivePolicy } from '../../src/analyze/net/evaluate.js';
import { PolicyEvaluator } from '../../src/analyze/net/evaluator.js';
import { exposedRanges } from '../../src/analyze/net/exposure.js';
import { PUBLIC_SPACE } from '../../src/analyze/net/public.js';
import type { SnapshotView } from '../../src/analyze/view.js';
import { defaultAnalyzerSettings } from '../../src/config/defaults.js';
import type { Direction, Rule } from '../../src/model/snapshot.js';
import { viewOf } from './estate.js';
import { syntheticEstate } from './perf-estate.js';

const DIRECTIONS: Direction[] = ['ingress', 'egress'];

function mixedView(): SnapshotView {
  const estate = syntheticEstate({ groups: 60, rulesPerGroup: 12, enis: 300, eips: 60 }) as unknown as {
    accounts: { regions: { securityGroups: { id: string; rules: Record<string, unknown>[] }[]; instances: unknown[]; networkInterfaces: Record<string, unknown>[] }[] }[];
  };
  const region = estate.accounts[0]!.regions[0]!;
  region.securityGroups.forEach((group, g) => {
    group.rules.forEach((rule, r) => {
      if ((g + r) % 7 === 0) rule.nicType = 'intranet';
      if ((g + r) % 11 === 0) rule.nicType = 'internet';
    });
    // A covering drop in some groups so that shadowing across pools happens.
    if (g % 4 === 0) group.rules.push({ id: `drop-${g}`, direction: 'ingress', policy: 'drop', priority: 1, protocol: 'tcp', ports: { from: 1, to: 65535 }, source: { cidr: '0.0.0.0/0' } });
  });
  region.networkInterfaces.forEach((eni, e) => {
    if (e % 9 === 0) {
      const instanceId = `i-${e}`;
      eni.instanceId = instanceId;
      region.instances.push({ id: instanceId, name: `classic-${e}`, status: 'Running', networkType: 'classic', securityGroupIds: eni.securityGroupIds, privateIps: eni.privateIps, publicIps: [], tags: {} });
    }
    if (e % 13 === 0) eni.securityGroupIds = [...(eni.securityGroupIds as string[]), 'sg-missing'];
  });
  return viewOf(estate);
}

function decidersOf(policy: EffectivePolicy): Set<Rule> {
  const result = new Set<Rule>();
  for (const piece of policy.pieces) if (piece.decidedBy.rule) result.add(piece.decidedBy.rule);
  return result;
}

/** shadowed-rule as first written: every pool of every ENI evaluated in full. */
function referenceShadowed(view: SnapshotView): string[] {
  const evaluator = new PolicyEvaluator(view);
  const found: string[] = [];
  for (const { item: group } of view.groups.values()) {
    for (const direction of DIRECTIONS) {
      const candidates = group.rules.filter((rule) => rule.direction === direction && !(rule.problems?.length ?? 0) && !(direction === 'ingress' ? rule.destination : rule.source));
      const enis = view.enisByGroup.get(group.id) ?? [];
      const policies = new Set<EffectivePolicy>();
      if (enis.length === 0) policies.add(evaluator.policyOfGroups([group], { direction }));
      for (const { item: eni } of enis) {
        policies.add(evaluator.policyOf(eni, { direction, nic: 'internet' }));
        if (view.instanceOfEni(eni)?.networkType === 'classic') policies.add(evaluator.policyOf(eni, { direction, nic: 'intranet' }));
      }
      for (const rule of candidates) {
        if ([...policies].some((policy) => decidersOf(policy).has(rule))) continue;
        const witness = [...policies].find((policy) => policy.rules.some((r) => r.ref.rule === rule));
        const ordered = witness?.rules.find((r) => r.ref.rule === rule);
        if (!ordered || ordered.peers.isEmpty()) continue;
        found.push(rule.id ?? '?');
      }
    }
  }
  return found;
}

describe('evaluator fast paths agree with the full evaluation', () => {
  const view = mixedView();
  const evaluator = new PolicyEvaluator(view);

  it('decidingRulesOfGroups = deciders of policyOfGroups pieces, for every group, direction and rule filter', () => {
    const notNarrowed = (rule: Rule) => !(rule.direction === 'ingress' ? rule.destination : rule.source);
    for (const { item: group } of view.groups.values()) {
      for (const direction of DIRECTIONS) {
        expect(evaluator.decidingRulesOfGroups([group], { direction })).toEqual(decidersOf(evaluator.policyOfGroups([group], { direction })));
        expect(evaluator.decidingRulesOfGroups([group], { direction, onlyRules: notNarrowed })).toEqual(decidersOf(evaluator.policyOfGroups([group], { direction, onlyRules: notNarrowed })));
      }
    }
  });

  it('decidingRulesOfGroups = deciders of policyOfGroups pieces on random small groups (with and without overlaps)', () => {
    const peer = fc.constantFrom({ cidr: '0.0.0.0/0' }, { cidr: '10.0.0.0/8' }, { cidr: '10.1.0.0/16' }, { cidr: '47.1.0.0/16' }, { ipv6Cidr: '::/0' }, { groupId: 'sg-0' });
    const rule = fc.record({
      policy: fc.constantFrom('accept', 'drop'),
      priority: fc.integer({ min: 1, max: 3 }),
      protocol: fc.constantFrom('tcp', 'udp', 'icmp', 'all'),
      from: fc.constantFrom(1, 22, 80, 443),
      span: fc.constantFrom(0, 0, 100, 65534),
      source: peer,
    });
    let sizes = 0;
    fc.assert(
      fc.property(fc.array(rule, { minLength: 1, maxLength: 8 }), (drafts) => {
        const estate = syntheticEstate({ groups: 2, rulesPerGroup: 1, enis: 3, eips: 0 }) as unknown as { accounts: { regions: { securityGroups: { rules: unknown[] }[] }[] }[] };
        estate.accounts[0]!.regions[0]!.securityGroups[1]!.rules = drafts.map((draft, index) => ({
          id: `r-${index}`,
          direction: 'ingress',
          policy: draft.policy,
          priority: draft.priority,
          protocol: draft.protocol,
          ports: draft.protocol === 'tcp' || draft.protocol === 'udp' ? { from: draft.from, to: Math.min(65535, draft.from + draft.span) } : { from: 1, to: 65535 },
          source: draft.source,
        }));
        const randomView = new PolicyEvaluator(viewOf(estate));
        const group = randomView.view.groups.get('sg-1')!.item;
        const fast = randomView.decidingRulesOfGroups([group], { direction: 'ingress' });
        sizes += fast.size;
        expect([...fast].map((r) => r.id).sort()).toEqual([...decidersOf(randomView.policyOfGroups([group], { direction: 'ingress' }))].map((r) => r.id).sort());
      }),
      { numRuns: 300 },
    );
    expect(sizes).toBeGreaterThan(300);
  });

  it('rulesOf and evaluate give what policyOf gives', () => {
    const fresh = new PolicyEvaluator(mixedView());
    for (const { item: eni } of view.enis.values()) {
      for (const direction of DIRECTIONS) {
        const cached = evaluator.policyOf(eni, { direction });
        // A separate evaluator, so the evaluation cannot come from policyOf's memo.
        expect(fresh.rulesOf(eni, { direction }).map((r) => r.ref.ruleId)).toEqual(cached.rules.map((r) => r.ref.ruleId));
        const prepared = fresh.evaluate(fresh.contextOf(eni, { direction }));
        const shape = (policy: EffectivePolicy) => policy.pieces.map((p) => [p.protocol, p.ports.toString(), p.peers.key(), p.decidedBy.ruleId ?? p.decidedBy.kind, p.passed.map((r) => r.ruleId)]);
        expect(shape(prepared)).toEqual(shape(cached));
      }
    }
  });

  it('evaluate with publicAcceptsOnly gives the public accepted pieces of the full evaluation', () => {
    const fresh = new PolicyEvaluator(mixedView());
    const shape = (policy: EffectivePolicy, filter: typeof PUBLIC_SPACE) =>
      publicAccepted(policy, filter).map((p) => [p.protocol, p.ports.toString(), p.peers.key(), p.piece.peers.key(), p.piece.decidedBy, p.piece.passed]);
    let compared = 0;
    let skipped = 0;
    for (const { item: eni } of view.enis.values()) {
      for (const direction of DIRECTIONS) {
        const full = evaluator.policyOf(eni, { direction });
        const restricted = fresh.evaluate(fresh.contextOf(eni, { direction }), { publicAcceptsOnly: true });
        expect(restricted.pieces.length).toBeLessThanOrEqual(full.pieces.length);
        skipped += full.pieces.length - restricted.pieces.length;
        for (const filter of [PUBLIC_SPACE, PUBLIC_SPACE.ipv4(), PUBLIC_SPACE.ipv6()]) {
          const expected = shape(full, filter);
          compared += expected.length;
          expect(JSON.stringify(shape(restricted, filter))).toBe(JSON.stringify(expected));
        }
      }
    }
    expect(compared).toBeGreaterThan(100);
    expect(skipped).toBeGreaterThan(100);
  });

  it('shadowed-rule finds exactly the rules the all-pools evaluation finds', () => {
    const reference = referenceShadowed(view);
    const fresh = mixedView();
    const fast = shadowedRule.run({ view: fresh, evaluator: new PolicyEvaluator(fresh), settings: defaultAnalyzerSettings() }).map((finding) => finding.resource.id);
    expect(reference.length).toBeGreaterThan(5);
    expect(fast).toEqual(reference);
  });
});

describe('public-exposure skips only ENIs that cannot accept public traffic', () => {
  it('finds the same ENIs as evaluating every internet-reachable ENI', () => {
    const estate = syntheticEstate({ groups: 60, rulesPerGroup: 12, enis: 300, eips: 150 }) as unknown as {
      accounts: { regions: { securityGroups: { rules: { policy: string; source?: { cidr?: string } }[] }[] }[] }[];
    };
    // Half the groups lose their public accept rules, so many ENIs have nothing public to accept.
    estate.accounts[0]!.regions[0]!.securityGroups.forEach((group, g) => {
      if (g % 2 === 0) group.rules = group.rules.filter((rule) => rule.policy !== 'accept' || !rule.source?.cidr || rule.source.cidr.startsWith('10.'));
    });
    const view = viewOf(estate);
    const evaluator = new PolicyEvaluator(view);
    const settings = defaultAnalyzerSettings();
    const reference = [...view.enis.values()]
      .filter(({ item }) => view.publicAddressesOfEni(item).length > 0)
      .filter(({ item }) => exposedRanges(publicAccepted(evaluator.policyOf(item, { direction: 'ingress' }), PUBLIC_SPACE.ipv4()), settings.allowedPublicPorts).length > 0)
      .map(({ item }) => item.id);
    const freshView = viewOf(estate);
    const found = [...new Set(publicExposure.run({ view: freshView, evaluator: new PolicyEvaluator(freshView), settings }).map((finding) => finding.resource.id))];
    expect(reference.length).toBeGreaterThan(10);
    expect(reference.length).toBeLessThan(150);
    expect(found.sort()).toEqual(reference.sort());
  });
});
