import type { Evidence, FindingResource } from '../../model/findings.js';
import type { Peer, Rule, SecurityGroup } from '../../model/snapshot.js';

/** The other end of a rule: the source of an ingress rule, the destination of an egress rule. */
export function rulePeer(rule: Rule): Peer | undefined {
  return rule.direction === 'ingress' ? rule.source : rule.destination;
}

/** Human form of a peer: a CIDR, `sg-… (account …)`, `pl-…`; `any` when the rule names none. */
export function formatPeer(peer: Peer | undefined): string {
  if (!peer) return 'any';
  if (peer.cidr) return peer.cidr;
  if (peer.ipv6Cidr) return peer.ipv6Cidr;
  if (peer.groupId) return peer.ownerAccount ? `${peer.groupId} (account ${peer.ownerAccount})` : peer.groupId;
  if (peer.prefixListId) return peer.prefixListId;
  if (peer.addressGroupId) return peer.addressGroupId;
  return 'any';
}

/**
 * A rule's identity when the API gave it no SecurityGroupRuleId (older rules, classic network):
 * the canonical key drift also matches on (direction, policy, priority, protocol, ports, peer, nicType).
 */
export function ruleKey(rule: Rule): string {
  const parts = [rule.direction, rule.policy, String(rule.priority), rule.protocol, rule.portText ?? `${rule.ports.from}-${rule.ports.to}`, formatPeer(rulePeer(rule))];
  if (rule.nicType) parts.push(rule.nicType);
  return parts.join(':');
}

/** Finding resource for a rule: its id, or `<groupId>/<canonical key>`. Named after its group. */
export function ruleResource(group: SecurityGroup, rule: Rule): FindingResource {
  return { type: 'rule', id: rule.id ?? `${group.id}/${ruleKey(rule)}`, name: group.name };
}

export function ruleEvidence(group: SecurityGroup, rule: Rule, role: Evidence['role'], note?: string): Evidence {
  const evidence: Evidence = {
    role,
    groupId: group.id,
    groupName: group.name,
    direction: rule.direction,
    policy: rule.policy,
    priority: rule.priority,
    protocol: rule.protocol,
    ports: { from: rule.ports.from, to: rule.ports.to },
    peer: formatPeer(rulePeer(rule)),
  };
  if (rule.id) evidence.ruleId = rule.id;
  if (rule.description) evidence.description = rule.description;
  if (note) evidence.note = note;
  return evidence;
}

/** `tcp 22`, `tcp 1-65535`, `tcp 22,80,8000-9000` (a Huawei multiport rule), `all`: for messages. */
export function describeTraffic(rule: Pick<Rule, 'protocol' | 'ports' | 'portText'>): string {
  if (rule.protocol !== 'tcp' && rule.protocol !== 'udp') return rule.protocol;
  if (rule.portText) return `${rule.protocol} ${rule.portText}`;
  return rule.ports.from === rule.ports.to ? `${rule.protocol} ${rule.ports.from}` : `${rule.protocol} ${rule.ports.from}-${rule.ports.to}`;
}
