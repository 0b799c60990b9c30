import type { Direction, Rule, SecurityGroup } from '../../model/snapshot.js';
import type { SnapshotView } from '../view.js';
import { evaluateEni, evaluateGroups, type EffectivePolicy } from '../net/evaluate.js';
import { evidenceOf } from '../net/evidence.js';
import { ruleEvidence, ruleResource } from './rule-ref.js';
import type { Check, FindingDraft } from './types.js';

const DIRECTIONS: readonly Direction[] = ['ingress', 'egress'];
const MAX_COVERS = 10;

/** Rules that decide at least one piece of a policy; memoized because many ENIs share a policy. */
const decidersCache = new WeakMap<EffectivePolicy, Set<Rule>>();
function decidingRules(policy: EffectivePolicy): Set<Rule> {
  let result = decidersCache.get(policy);
  if (!result) {
    result = new Set();
    for (const piece of policy.pieces) if (piece.decidedBy.rule) result.add(piece.decidedBy.rule);
    decidersCache.set(policy, result);
  }
  return result;
}

/** The policies a group takes part in: one per distinct evaluation of its ENIs (classic ENIs: both NICs), or the group alone. */
function policiesOf(view: SnapshotView, group: SecurityGroup, direction: Direction): EffectivePolicy[] {
  const enis = view.enisByGroup.get(group.id) ?? [];
  if (enis.length === 0) return [evaluateGroups(view, [group], direction)];
  const policies = new Set<EffectivePolicy>();
  for (const { item: eni } of enis) {
    policies.add(evaluateEni(view, eni, direction, { nic: 'internet' }));
    if (view.instanceOfEni(eni)?.networkType === 'classic') policies.add(evaluateEni(view, eni, direction, { nic: 'intranet' }));
  }
  return [...policies];
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
  run({ view }) {
    const findings: FindingDraft[] = [];
    for (const { item: group, accountId, regionId } of view.groups.values()) {
      for (const direction of DIRECTIONS) {
        const candidates = group.rules.filter((rule) => rule.direction === direction && !(rule.problems && rule.problems.length > 0) && !narrowed(rule));
        if (candidates.length === 0) continue;
        const policies = policiesOf(view, group, direction);
        for (const rule of candidates) {
          if (policies.some((policy) => decidingRules(policy).has(rule))) continue;
          const witness = policies.find((policy) => policy.rules.some((r) => r.ref.rule === rule));
          const ordered = witness?.rules.find((r) => r.ref.rule === rule);
          // Not in any evaluation (e.g. nicType of a NIC the ENIs do not have) or matching no address: not shadowing.
          if (!witness || !ordered || ordered.peers.isEmpty()) continue;
          const position = witness.rules.indexOf(ordered);
          const covers = witness.rules
            .slice(0, position)
            .filter(
              (r) =>
                r.protocols.some((p) => ordered.protocols.includes(p)) && r.ports.intersects(ordered.ports) && r.peers.intersects(ordered.peers),
            );
          const evidence = [ruleEvidence(group, rule, 'subject')];
          for (const cover of covers.slice(0, MAX_COVERS)) evidence.push(evidenceOf(cover.ref, 'covers'));
          const coverText = covers
            .slice(0, 3)
            .map((c) => `${c.ref.ruleId ?? c.ref.groupId} (${c.ref.policy}, priority ${c.ref.priority ?? '-'})`)
            .join(', ');
          findings.push({
            message: `${direction} ${rule.policy} rule ${rule.id ?? ''} at priority ${rule.priority} in ${group.id} (${group.name}) never takes effect: ${coverText || 'earlier rules'} ${covers.length > 3 ? `and ${covers.length - 3} more ` : ''}already decide all of its traffic.`.replace(/ {2,}/g, ' '),
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

function narrowed(rule: Rule): boolean {
  return Boolean(rule.direction === 'ingress' ? rule.destination : rule.source);
}
