import type { Evidence } from '../../model/findings.js';
import type { Peer, Rule, SecurityGroup } from '../../model/snapshot.js';

/** Protocols whose rules carry ports; for the others the normalizer stores 1–65535 and the range means nothing. */
const PORT_PROTOCOLS = new Set(['tcp', 'udp']);

function peerKey(peer: Peer | undefined): string {
  if (!peer) return '';
  if (peer.cidr) return `cidr:${peer.cidr.toLowerCase()}`;
  if (peer.ipv6Cidr) return `ipv6:${peer.ipv6Cidr.toLowerCase()}`;
  if (peer.groupId) return `sg:${peer.groupId}${peer.ownerAccount ? `@${peer.ownerAccount}` : ''}`;
  if (peer.prefixListId) return `pl:${peer.prefixListId}`;
  if (peer.addressGroupId) return `ag:${peer.addressGroupId}`;
  return '';
}

/** Human form of a peer, as evidence shows it. */
export function describePeer(peer: Peer | undefined): string | undefined {
  if (!peer) return undefined;
  if (peer.cidr) return peer.cidr;
  if (peer.ipv6Cidr) return peer.ipv6Cidr;
  if (peer.groupId) return peer.ownerAccount ? `${peer.groupId} (account ${peer.ownerAccount})` : peer.groupId;
  return peer.prefixListId ?? peer.addressGroupId;
}

function portsKey(rule: Pick<Rule, 'protocol' | 'ports' | 'portListId' | 'portRanges'>): string {
  if (rule.portListId) return `list:${rule.portListId}`;
  if (rule.portRanges?.length && PORT_PROTOCOLS.has(rule.protocol)) return rule.portRanges.map((range) => `${range.from}-${range.to}`).join(',');
  return PORT_PROTOCOLS.has(rule.protocol) ? `${rule.ports.from}-${rule.ports.to}` : '*';
}

function samePorts(a: Rule, b: Rule): boolean {
  if (a.portListId || b.portListId) return a.portListId === b.portListId;
  if (!PORT_PROTOCOLS.has(a.protocol)) return true;
  if (a.portRanges?.length || b.portRanges?.length) return portsKey(a) === portsKey(b);
  return a.ports.from === b.ports.from && a.ports.to === b.ports.to;
}

/**
 * Canonical key of a rule: everything that decides what it does (direction, protocol, ports,
 * peers, nicType, policy, priority). Two rules with the same key are the same rule for drift
 * even when their ids differ. Description and createdAt are not part of it.
 */
export function canonicalRuleKey(rule: Rule): string {
  return [
    rule.direction,
    rule.protocol,
    portsKey(rule),
    `src=${peerKey(rule.source)}`,
    `dst=${peerKey(rule.destination)}`,
    rule.nicType ?? '',
    rule.policy,
    rule.priority,
  ].join('|');
}

/** Key plus the attributes a "modified" rule may differ in (a Huawei rule switched off is modified). */
export function ruleContent(rule: Rule): string {
  return `${canonicalRuleKey(rule)}|${rule.description ?? ''}${rule.enabled === false ? '|disabled' : ''}`;
}

function samePeer(a: Peer | undefined, b: Peer | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return peerKey(a) === peerKey(b);
  return a.cidr === b.cidr && a.ipv6Cidr === b.ipv6Cidr && a.groupId === b.groupId && a.ownerAccount === b.ownerAccount && a.prefixListId === b.prefixListId && a.addressGroupId === b.addressGroupId ? true : peerKey(a) === peerKey(b);
}

/**
 * `ruleContent(a) === ruleContent(b)` without building strings: the diff asks this for every
 * matched pair of rules, almost always with the answer yes.
 */
export function sameRuleContent(a: Rule, b: Rule): boolean {
  if (a === b) return true;
  return (
    a.direction === b.direction &&
    a.protocol === b.protocol &&
    a.policy === b.policy &&
    a.priority === b.priority &&
    (a.nicType ?? '') === (b.nicType ?? '') &&
    (a.description ?? '') === (b.description ?? '') &&
    (a.enabled === false) === (b.enabled === false) &&
    samePorts(a, b) &&
    samePeer(a.source, b.source) &&
    samePeer(a.destination, b.destination)
  );
}

/** The rule's far end: source for ingress, destination for egress. */
export function rulePeer(rule: Rule): Peer | undefined {
  return rule.direction === 'ingress' ? rule.source : rule.destination;
}

/** The parts of a rule shown in before/after, without noise (problems, createdAt). */
export function ruleSummary(rule: Rule): Record<string, unknown> {
  const summary: Record<string, unknown> = {
    direction: rule.direction,
    policy: rule.policy,
    priority: rule.priority,
    protocol: rule.protocol,
    ports: PORT_PROTOCOLS.has(rule.protocol) ? (rule.portText ?? `${rule.ports.from}/${rule.ports.to}`) : 'all',
  };
  if (rule.enabled === false) summary.enabled = false;
  if (rule.id) summary.id = rule.id;
  if (rule.portListId) summary.portListId = rule.portListId;
  if (rule.source) summary.source = describePeer(rule.source);
  if (rule.destination) summary.destination = describePeer(rule.destination);
  if (rule.nicType) summary.nicType = rule.nicType;
  if (rule.description) summary.description = rule.description;
  return summary;
}

export function ruleEvidence(group: Pick<SecurityGroup, 'id' | 'name'>, rule: Rule, note?: string): Evidence {
  const peer = describePeer(rulePeer(rule));
  return {
    role: 'subject',
    groupId: group.id,
    ...(group.name ? { groupName: group.name } : {}),
    ...(rule.id ? { ruleId: rule.id } : {}),
    direction: rule.direction,
    policy: rule.policy,
    priority: rule.priority,
    protocol: rule.protocol,
    ports: rule.ports,
    ...(peer ? { peer } : {}),
    ...(rule.description ? { description: rule.description } : {}),
    ...(note ? { note } : {}),
  };
}
