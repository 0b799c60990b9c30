import type { Rule, SecurityGroup } from '../../../model/snapshot.js';
import type { AddressSet } from '../../net/address-set.js';
import { PUBLIC_PEER_KINDS, type AcceptedPiece, type EffectivePolicy } from '../../net/evaluate.js';
import type { PolicyEvaluator } from '../../net/evaluator.js';
import { capList, describeExposure, exposedRanges, sourceCidrs, touchedSpecs } from '../../net/exposure.js';
import { latentExposureSeverity } from '../../severity.js';
import { ExposureFacts } from '../exposure-facts.js';
import { PUBLIC_SPACE } from '../../net/public.js';
import type { Check, FindingDraft } from '../types.js';
import type { PortSpec } from '../../../config/settings.js';
import { inScope } from '../scope.js';

/**
 * A group that would expose sensitive ports the moment one of its interfaces gets an EIP. It is
 * computed through the evaluator on the group's actual interfaces, so a drop in a co-attached
 * group is honoured, and only this group's own accept rules are held against it.
 */
export const check: Check = {
  meta: {
    id: 'latent-exposure',
    title: 'Security group would expose sensitive ports if given a public address',
    severity: 'medium',
    description:
      'Reports security groups whose rules accept public IPv4 sources on sensitive ports (sensitivePorts: SSH, RDP, databases …) while every network interface carrying the group has no public address. Nothing is exposed today; binding an EIP or assigning a public IP to any of those interfaces would expose the ports at once. Medium when the sources are the internet at large (breadth internet), low for a wide range or an allow-list.',
    rationale:
      'EIPs are bound for troubleshooting and forgotten, and an interface can be moved behind a public address without anyone reading its security groups again. An accept from the internet on an admin or database port is a trap set in advance.',
    remediation:
      'Narrow the source of the rule to the private ranges or security groups that need access, or delete it. If public access is really intended later, add it together with the public address and review it then.',
    docs: 'docs/checks/latent-exposure.md',
  },
  run({ view, evaluator, settings, scope }) {
    const findings: FindingDraft[] = [];
    // An EIP or a public IP is IPv4; a global IPv6 address would already make the ENI public.
    const filter = PUBLIC_SPACE.ipv4();
    // No ENI of a candidate group is public, so no public-exposure evaluation is shared: a local
    // cache lets co-attached candidate groups share theirs and frees them when the check ends.
    const policies = new Map<string, EffectivePolicy>();
    // Rules repeat a few protocol/port ranges.
    const touchesSensitive = new Map<string, boolean>();
    const facts = new ExposureFacts(settings);
    for (const { item: group, accountId, regionId } of view.groups.values()) {
      if (!inScope(scope?.groups, group.id)) continue;
      const enis = view.enisByGroup.get(group.id) ?? [];
      if (enis.length === 0) continue;
      // Attached groups usually have a public ENI (public-exposure's concern, and its addresses
      // are cached by now): asking that first spares most groups the rule scan.
      if (enis.some((located) => view.publicAddressesOfEni(located.item).length > 0)) continue;
      if (!mayExposeSensitive(evaluator, group, filter, settings.sensitivePorts, touchesSensitive)) continue;
      const accepted: AcceptedPiece[] = [];
      const seen = new Set<object>();
      for (const { item: eni } of enis) {
        const context = evaluator.contextOf(eni, { direction: 'ingress' });
        let policy = policies.get(context.key);
        // Only publicAccepted pieces are read: the evaluations decide just those, exactly.
        if (!policy) policies.set(context.key, (policy = evaluator.evaluate(context, { publicAcceptsOnly: true })));
        if (seen.has(policy)) continue;
        seen.add(policy);
        for (const piece of evaluator.publicAccepted(policy, filter)) {
          if (piece.piece.decidedBy.kind === 'rule' && piece.piece.decidedBy.groupId === group.id) accepted.push(piece);
        }
      }
      if (accepted.length === 0) continue;
      const interfaces = enis.map((located) => located.item.id);
      for (const range of exposedRanges(accepted, settings.allowedPublicPorts)) {
        const services = facts.services(range);
        if (services.length === 0) continue;
        const traffic = describeExposure(range.protocol, range.ports);
        const sources = sourceCidrs(range.sources, range.pieces, facts.covers);
        const breadth = facts.breadth(range, sources);
        const detail = { direction: 'ingress' as const, protocol: range.protocol, ports: range.ports, sources: capList(sources, 20), extra: { sensitive: services } };
        findings.push({
          severity: latentExposureSeverity(breadth.class),
          title: `Security group would expose ${traffic} to ${breadth.class === 'internet' ? 'the internet' : 'public sources'}`,
          message: `${group.id} (${group.name}) accepts ${traffic} (${services.join(', ')}) from ${breadth.summary}; none of its ${enis.length} interface(s) has a public address yet.`,
          accountId,
          regionId,
          resource: { type: 'securityGroup', id: group.id, name: group.name },
          detail,
          idDetail: { ...detail, sources: [range.sources.key()] },
          evidence: facts.evidence(range),
          breadth,
          rootCauses: facts.rootCauses(range, (_sensitivity, breadthClass) => latentExposureSeverity(breadthClass)).map((cause) => ({ ...cause, interfaces })),
        });
      }
    }
    return findings;
  },
};

/**
 * Findings come only from pieces this group's own accept rules decide for public IPv4 sources on
 * a sensitive port, and a piece lies inside its rule's protocol, ports and peers: a group with no
 * such rule cannot have a finding, whatever its pools look like, and is not evaluated.
 */
function mayExposeSensitive(evaluator: PolicyEvaluator, group: SecurityGroup, filter: AddressSet, sensitive: readonly PortSpec[], touches: Map<string, boolean>): boolean {
  for (const ordered of evaluator.groupRules(group, 'ingress')) {
    if (ordered.policy !== 'accept' || !PUBLIC_PEER_KINDS.includes(ordered.peerKind)) continue;
    const rule = ordered.rule as Rule;
    const key = `${rule.protocol}/${rule.ports.from}/${rule.ports.to}`;
    let touched = touches.get(key);
    if (touched === undefined) touches.set(key, (touched = touchedSpecs(sensitive, rule.protocol, rule.ports).length > 0));
    if (!touched) continue;
    if (ordered.peers.intersects(filter)) return true;
  }
  return false;
}
