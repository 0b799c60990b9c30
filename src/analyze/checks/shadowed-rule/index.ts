import type { Direction, Rule, SecurityGroup } from '../../../model/snapshot.js';
import type { EffectivePolicy, OrderedRule } from '../../net/evaluate.js';
import type { PolicyEvaluator } from '../../net/evaluator.js';
import { evidenceOf } from '../../net/evidence.js';
import { isEvaluable } from '../../net/rule-order.js';
import { ruleEvidence, ruleResource } from '../rule-ref.js';
import type { Check, FindingDraft } from '../types.js';
import { inScope } from '../scope.js';

const DIRECTIONS: readonly Direction[] = ['ingress', 'egress'];
const MAX_COVERS = 10;

/**
 * Finds the candidates that decide nothing in any evaluation the group takes part in, without
 * evaluating every ENI's pool where it can be avoided. Two facts make that sound:
 * - Monotonicity: pooling only inserts other rules; the group's own rules keep their relative
 *   order. A rule covered by earlier rules of its own group that apply on every ENI (not
 *   narrowed to some addresses, no nicType when a classic ENI is involved) is covered in every pool.
 * - A rule that decides traffic in its group alone still decides it on an ENI carrying only
 *   that group (a VPC ENI evaluates a subset of the same rules, in the same order).
 * Anything else is settled on the real pools, stopping at the first pool where the rule decides.
 */
function shadowedRules(evaluator: PolicyEvaluator, group: SecurityGroup, direction: Direction, candidates: readonly Rule[]): Rule[] {
  const { view } = evaluator;
  const enis = view.enisByGroup.get(group.id) ?? [];
  if (enis.length === 0) {
    const deciders = evaluator.decidingRulesOfGroups([group], { direction });
    return candidates.filter((rule) => !deciders.has(rule));
  }
  const anyClassic = enis.some(({ item }) => view.isClassicEni(item));
  const everywhere = (rule: Rule) => !narrowed(rule) && !(anyClassic && rule.nicType);
  const allEverywhere = group.rules.every((rule) => rule.direction !== direction || everywhere(rule));
  const coveredDeciders = evaluator.decidingRulesOfGroups([group], allEverywhere ? { direction } : { direction, onlyRules: everywhere });
  let aloneDeciders: Set<Rule> | undefined;
  const soloVpcEni = enis.some(({ item }) => !view.isClassicEni(item) && item.securityGroupIds.every((id) => id === group.id || !view.groups.has(id)));
  const pools = lazyPolicies(evaluator, group, direction);
  const result: Rule[] = [];
  for (const rule of candidates) {
    if (everywhere(rule)) {
      if (!coveredDeciders.has(rule)) {
        result.push(rule);
        continue;
      }
      if (soloVpcEni) {
        aloneDeciders ??= allEverywhere ? coveredDeciders : evaluator.decidingRulesOfGroups([group], { direction });
        if (aloneDeciders.has(rule)) continue;
      }
    }
    if (!pools.some((policy) => evaluator.decidingRulesOf(policy).has(rule))) result.push(rule);
  }
  return result;
}

/** The group's pools (one per distinct ENI evaluation; classic ENIs: both NICs), evaluated only as far as a caller iterates. */
function lazyPolicies(evaluator: PolicyEvaluator, group: SecurityGroup, direction: Direction): { some(test: (policy: EffectivePolicy) => boolean): boolean } {
  const { view } = evaluator;
  const enis = view.enisByGroup.get(group.id) ?? [];
  const evaluated: EffectivePolicy[] = [];
  let next = 0;
  const pull = (): boolean => {
    if (next >= enis.length) return false;
    const eni = (enis[next++] as (typeof enis)[number]).item;
    evaluated.push(evaluator.policyOf(eni, { direction, nic: 'internet' }));
    if (view.isClassicEni(eni)) evaluated.push(evaluator.policyOf(eni, { direction, nic: 'intranet' }));
    return true;
  };
  return {
    some(test) {
      for (let i = 0; ; i++) {
        while (i >= evaluated.length) if (!pull()) return false;
        if (test(evaluated[i] as EffectivePolicy)) return true;
      }
    },
  };
}

/** A pool's rules in evaluation order and where the witnessed rule stands in it. */
interface Witness {
  rules: readonly OrderedRule[];
  position: number;
}

/**
 * The evaluations a group's witnesses come from, in ENI order (internet NIC first), computed only
 * as far as needed and once per group and direction (a group can have hundreds of shadowed rules).
 * A rule's position is found by scanning the pool (a few dozen rules; a map per pool cost more to
 * build than the scans it saved, for the two or three shadowed rules of a typical group).
 */
function witnessOrders(evaluator: PolicyEvaluator, group: SecurityGroup, direction: Direction): (rule: Rule) => Witness | undefined {
  const { view } = evaluator;
  const enis = view.enisByGroup.get(group.id) ?? [];
  const orders: (readonly OrderedRule[])[] = [];
  // The next pool to compute: ENI index, and whether its intranet NIC (classic only) is next.
  let nextEni = 0;
  let intranetNext = false;
  let groupAloneDone = enis.length > 0;
  const pull = (): readonly OrderedRule[] | undefined => {
    if (!groupAloneDone) {
      groupAloneDone = true;
      return evaluator.policyOfGroups([group], { direction }).rules;
    }
    if (nextEni >= enis.length) return undefined;
    const eni = (enis[nextEni] as (typeof enis)[number]).item;
    if (intranetNext) {
      intranetNext = false;
      nextEni++;
      return evaluator.rulesOf(eni, { direction, nic: 'intranet' });
    }
    if (view.isClassicEni(eni)) intranetNext = true;
    else nextEni++;
    return evaluator.rulesOf(eni, { direction, nic: 'internet' });
  };
  return (rule) => {
    for (let i = 0; ; i++) {
      while (i >= orders.length) {
        const rules = pull();
        if (!rules) return undefined;
        if (!orders.includes(rules)) orders.push(rules);
      }
      const rules = orders[i] as readonly OrderedRule[];
      for (let position = 0; position < rules.length; position++) if ((rules[position] as OrderedRule).rule === rule) return { rules, position };
    }
  };
}

/**
 * A rule is shadowed when, on every ENI carrying its group, rules evaluated before it (pooled
 * across co-attached groups, drop winning priority ties) already decide all the traffic it
 * matches, so it never decides anything. Rules the evaluator skips (problems), rules whose peer
 * resolves to nothing (dangling group or prefix list) and rules narrowed to specific
 * destinations are left to other checks.
 */
export const check: Check = {
  meta: {
    id: 'shadowed-rule',
    title: 'Rule can never take effect (shadowed by higher-priority rules)',
    severity: 'low',
    description:
      'Reports rules that never decide any traffic on any network interface carrying their group, because rules evaluated before them (higher priority, or a drop at the same priority, possibly in another group attached to the same interface) cover their whole protocol, port and address space. For a group attached to nothing, the rule is checked against its own group alone.',
    rationale:
      'A shadowed rule misleads readers: a drop that never applies looks like protection, an accept that never applies looks like access. Both usually come from a misunderstanding of priorities (1 is evaluated first; drop wins ties) or from rules pooled across groups.',
    remediation: 'Delete the rule, or change its priority (or the covering rules) so it does what it was meant to do. The covering rules are listed as evidence.',
    docs: 'docs/checks/shadowed-rule.md',
  },
  run({ view, evaluator, scope }) {
    const findings: FindingDraft[] = [];
    for (const { item: group, accountId, regionId } of view.groups.values()) {
      if (!inScope(scope?.groups, group.id)) continue;
      for (const direction of DIRECTIONS) {
        // Rules the evaluator never uses (problems, disabled) are not shadowed: nothing could make them decide.
        const candidates = group.rules.filter((rule) => rule.direction === direction && isEvaluable(rule) && !narrowed(rule));
        if (candidates.length === 0) continue;
        const shadowed = shadowedRules(evaluator, group, direction, candidates);
        if (shadowed.length === 0) continue;
        const witnessOf = witnessOrders(evaluator, group, direction);
        for (const rule of shadowed) {
          const witness = witnessOf(rule);
          const ordered = witness?.rules[witness.position];
          // Not in any evaluation (e.g. nicType of a NIC the ENIs do not have) or matching no address: not shadowing.
          if (!witness || !ordered || ordered.peers.isEmpty()) continue;
          const covers: OrderedRule[] = [];
          const { rules } = witness;
          for (let i = 0; i < witness.position; i++) {
            const r = rules[i] as OrderedRule;
            if (shareProtocol(r.protocols, ordered.protocols) && r.ports.intersects(ordered.ports) && r.peers.intersects(ordered.peers)) covers.push(r);
          }
          const evidence = [ruleEvidence(group, rule, 'subject')];
          for (const cover of covers.slice(0, MAX_COVERS)) evidence.push(evidenceOf(cover.ref, 'covers'));
          const coverText = covers
            .slice(0, 3)
            .map((c) => `${c.ref.ruleId ?? c.ref.groupId} (${c.ref.policy}, priority ${c.ref.priority ?? '-'})`)
            .join(', ');
          const message = `${direction} ${rule.policy} rule ${rule.id ?? ''} at priority ${rule.priority} in ${group.id} (${group.name}) never takes effect: ${coverText || 'earlier rules'} ${covers.length > 3 ? `and ${covers.length - 3} more ` : ''}already decide all of its traffic.`;
          findings.push({
            // Runs of spaces (a rule without id, odd names) read as one; most messages have none.
            message: message.includes('  ') ? message.replace(/ {2,}/g, ' ') : message,
            accountId,
            regionId,
            resource: ruleResource(group, rule),
            detail: { direction, protocol: rule.protocol, ports: { from: rule.ports.from, to: rule.ports.to }, sources: [ordered.ref.peer] },
            evidence,
          });
        }
      }
    }
    return findings;
  },
};

/** Whether two rules share a protocol (a plain loop: this runs for every earlier rule of every shadowed rule). */
function shareProtocol(a: readonly string[], b: readonly string[]): boolean {
  for (let i = 0; i < a.length; i++) if (b.includes(a[i] as string)) return true;
  return false;
}

function narrowed(rule: Rule): boolean {
  return Boolean(rule.direction === 'ingress' ? rule.destination : rule.source);
}
