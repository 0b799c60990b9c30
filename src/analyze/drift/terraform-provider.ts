import type { Peer, Protocol, Rule, SecurityGroup } from '../../model/snapshot.js';

/**
 * The alicloud provider's attributes ↔ the snapshot model: the one place that knows which
 * attribute of which resource type means what. It reads a plain attribute object, so the same
 * functions serve Terraform state (`resources[].instances[].attributes`) and, later, plans
 * (`terraform show -json`: `values.root_module.resources[].values`, `resource_changes[].change.after`),
 * which use the same attribute names. A value that would have to be guessed is refused with the
 * attribute's name (`AttributeError`), never coerced.
 */

export type Attributes = Readonly<Record<string, unknown>>;

/** A bad or missing attribute: `attribute` is the provider's name for it, `message` starts with it. */
export class AttributeError extends Error {
  readonly attribute: string;
  constructor(attribute: string, problem: string) {
    super(`${attribute}: ${problem}`);
    this.name = 'AttributeError';
    this.attribute = attribute;
  }
}

/** The resource types read, and the attributes read of each (docs/drift.md lists the same). */
export const PROVIDER_ATTRIBUTES = {
  alicloud_security_group: ['id', 'security_group_name', 'name', 'description', 'vpc_id', 'security_group_type', 'inner_access_policy', 'inner_access', 'tags'],
  alicloud_security_group_rule: [
    'id',
    'security_group_id',
    'type',
    'ip_protocol',
    'port_range',
    'cidr_ip',
    'ipv6_cidr_ip',
    'source_security_group_id',
    'source_group_owner_id',
    'source_group_owner_account',
    'prefix_list_id',
    'nic_type',
    'policy',
    'priority',
    'description',
    'security_group_rule_id',
  ],
  alicloud_instance: ['id', 'instance_name', 'security_groups', 'availability_zone', 'vswitch_id'],
  alicloud_ecs_network_interface: ['id', 'network_interface_name', 'name', 'security_group_ids', 'security_groups', 'vswitch_id'],
  alicloud_network_interface: ['id', 'network_interface_name', 'name', 'security_group_ids', 'security_groups', 'vswitch_id'],
  alicloud_ecs_network_interface_attachment: ['network_interface_id', 'instance_id'],
  alicloud_network_interface_attachment: ['network_interface_id', 'instance_id'],
  alicloud_eip_association: ['allocation_id', 'instance_id', 'instance_type'],
} as const satisfies Record<string, readonly string[]>;

export type ComparedType = keyof typeof PROVIDER_ATTRIBUTES;

export function isComparedType(type: string): type is ComparedType {
  return Object.hasOwn(PROVIDER_ATTRIBUTES, type);
}

// ---------------------------------------------------------------------------------------------
// Typed attribute readers: absent, null and "" are "not set"; anything else of the wrong type is refused.

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}…` : text;
}

function isUnset(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

function text(attributes: Attributes, name: string): string | undefined {
  const value = attributes[name];
  if (isUnset(value)) return undefined;
  if (typeof value !== 'string') throw new AttributeError(name, `expected a string, got ${show(value)}`);
  return value;
}

function requiredText(attributes: Attributes, name: string): string {
  const value = text(attributes, name);
  if (value === undefined) throw new AttributeError(name, 'missing');
  return value;
}

/** Account ids are strings in the schema; a number written by hand is the same id. */
function accountId(attributes: Attributes, name: string): string | undefined {
  const value = attributes[name];
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  return text(attributes, name);
}

function integer(attributes: Attributes, name: string): number | undefined {
  const value = attributes[name];
  if (isUnset(value)) return undefined;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value.trim());
  throw new AttributeError(name, `${show(value)} is not an integer`);
}

function oneOf<T extends string>(attributes: Attributes, name: string, values: readonly T[]): T | undefined {
  const value = text(attributes, name);
  if (value === undefined) return undefined;
  const lower = value.toLowerCase();
  const found = values.find((candidate) => candidate === lower);
  if (!found) throw new AttributeError(name, `${show(value)} is not one of ${values.join(', ')}`);
  return found;
}

function stringList(attributes: Attributes, name: string): string[] | undefined {
  const value = attributes[name];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string' || item === '')) throw new AttributeError(name, `expected a list of ids, got ${show(value)}`);
  return value as string[];
}

function stringMap(attributes: Attributes, name: string): Record<string, string> | undefined {
  const value = attributes[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value) || Object.values(value).some((item) => typeof item !== 'string')) {
    throw new AttributeError(name, `expected a map of strings, got ${show(value)}`);
  }
  return { ...(value as Record<string, string>) };
}

// ---------------------------------------------------------------------------------------------
// alicloud_security_group

export function groupFromAttributes(attributes: Attributes): SecurityGroup {
  const id = requiredText(attributes, 'id');
  const type = oneOf(attributes, 'security_group_type', ['normal', 'enterprise']) ?? 'normal';
  let inner = oneOf(attributes, 'inner_access_policy', ['accept', 'drop']);
  if (inner === undefined) {
    // Providers before 1.55 wrote the boolean `inner_access` instead.
    const legacy = attributes.inner_access;
    if (typeof legacy === 'boolean') inner = legacy ? 'accept' : 'drop';
    else if (!isUnset(legacy)) throw new AttributeError('inner_access', `expected true or false, got ${show(legacy)}`);
  }
  const vpcId = text(attributes, 'vpc_id');
  return {
    id,
    // Provider ≥ 1.239 writes `security_group_name`; older ones `name` (both are set in between).
    name: text(attributes, 'security_group_name') ?? text(attributes, 'name') ?? '',
    description: text(attributes, 'description') ?? '',
    ...(vpcId ? { vpcId } : {}),
    type,
    innerAccessPolicy: inner ?? (type === 'normal' ? 'accept' : 'drop'),
    serviceManaged: false,
    tags: stringMap(attributes, 'tags') ?? {},
    rules: [],
  };
}

// ---------------------------------------------------------------------------------------------
// alicloud_security_group_rule

const PROTOCOLS: readonly Protocol[] = ['tcp', 'udp', 'icmp', 'icmpv6', 'gre', 'all'];
const ALL_PORTS = { from: 1, to: 65535 } as const;

/**
 * A rule as Terraform manages it. `nicType` is kept as written: whether it means anything depends
 * on the group (classic keeps it, a VPC ignores it), which may be known only once the live group is.
 */
export interface TerraformRule extends Rule {
  groupId: string;
  /** The provider's resource id, `sg-…:ingress:tcp:22/22:intranet:0.0.0.0/0:accept:1`. */
  providerId: string;
}

function portsOf(protocol: Protocol, range: string | undefined): Rule['ports'] {
  const ported = protocol === 'tcp' || protocol === 'udp';
  if (range === undefined) {
    if (ported) throw new AttributeError('port_range', `missing; a ${protocol} rule needs "from/to" ("1/65535" for every port)`);
    return { ...ALL_PORTS };
  }
  const match = /^(-?\d+)\/(-?\d+)$/.exec(range.trim());
  if (!match) throw new AttributeError('port_range', `${show(range)} is not "from/to"`);
  const from = Number(match[1]);
  const to = Number(match[2]);
  // "-1/-1" is every port (the provider's default, the only value of icmp, gre and all), as the collector reads it.
  if (!ported || (from === -1 && to === -1)) return { ...ALL_PORTS };
  if (from < 1 || to > 65535 || from > to) throw new AttributeError('port_range', `${show(range)} is not a range within 1–65535`);
  return { from, to };
}

/** The provider's rule resource id, as it writes it (IPv6 peers with `_` for `:`). */
function providerRuleId(groupId: string, direction: string, protocol: string, portRange: string, nicType: string, peer: string, policy: string, priority: number): string {
  return [groupId, direction, protocol, portRange, nicType, peer.replaceAll(':', '_'), policy, priority].join(':');
}

/** The parts of a provider rule id (`sg-xxx:ingress:tcp:22/22:intranet:0.0.0.0/0:accept:1`); IPv6 peers come back with their colons. */
export function parseProviderRuleId(id: string): { groupId: string; type: string; protocol: string; portRange: string; nicType: string; peer: string; policy: string; priority: string } | undefined {
  const parts = id.split(':');
  if (parts.length < 8) return undefined;
  const [groupId, type, protocol, portRange, nicType] = parts as [string, string, string, string, string];
  // The provider writes IPv6 peers with `_` for `:`; ids written by hand may keep the colons.
  let peer = parts.slice(5, -2).join(':');
  if (/^[0-9a-f_]+\/\d+$/i.test(peer) && peer.includes('_')) peer = peer.replaceAll('_', ':');
  return { groupId, type, protocol, portRange, nicType, peer, policy: parts.at(-2)!, priority: parts.at(-1)! };
}

const PEER_ATTRIBUTES = ['cidr_ip', 'ipv6_cidr_ip', 'source_security_group_id', 'prefix_list_id'] as const;

function peerOf(attributes: Attributes): { peer: Peer; written: string } {
  const set = PEER_ATTRIBUTES.filter((name) => text(attributes, name) !== undefined);
  if (set.length === 0) throw new AttributeError('cidr_ip', `missing; one of ${PEER_ATTRIBUTES.join(', ')} must be set`);
  if (set.length > 1) throw new AttributeError(set[1]!, `set together with ${set[0]}; a rule has one peer`);
  const cidr = text(attributes, 'cidr_ip');
  if (cidr) return { peer: { cidr }, written: cidr };
  const ipv6Cidr = text(attributes, 'ipv6_cidr_ip');
  if (ipv6Cidr) return { peer: { ipv6Cidr }, written: ipv6Cidr };
  const prefixListId = text(attributes, 'prefix_list_id');
  if (prefixListId) return { peer: { prefixListId }, written: prefixListId };
  const groupId = requiredText(attributes, 'source_security_group_id');
  // The provider fills `source_group_owner_id` (the API's SourceGroupOwnerAccount); the deprecated
  // `source_group_owner_account` stays empty in states written the supported way, and is the only
  // one set in states of older providers.
  const owner = accountId(attributes, 'source_group_owner_id') ?? accountId(attributes, 'source_group_owner_account');
  return { peer: { groupId, ...(owner ? { ownerAccount: owner } : {}) }, written: groupId };
}

export function ruleFromAttributes(attributes: Attributes): TerraformRule {
  const groupId = requiredText(attributes, 'security_group_id');
  const direction = oneOf(attributes, 'type', ['ingress', 'egress']);
  if (!direction) throw new AttributeError('type', 'missing');
  const protocol = oneOf(attributes, 'ip_protocol', PROTOCOLS);
  if (!protocol) throw new AttributeError('ip_protocol', 'missing');
  const portRange = text(attributes, 'port_range');
  const ports = portsOf(protocol, portRange);
  const { peer, written } = peerOf(attributes);
  const policy = oneOf(attributes, 'policy', ['accept', 'drop']) ?? 'accept';
  const priority = integer(attributes, 'priority') ?? 1;
  const nicType = oneOf(attributes, 'nic_type', ['internet', 'intranet']);
  const description = text(attributes, 'description');
  const ruleId = text(attributes, 'security_group_rule_id');
  return {
    groupId,
    providerId: text(attributes, 'id') ?? providerRuleId(groupId, direction, protocol, portRange ?? '-1/-1', nicType ?? 'intranet', written, policy, priority),
    ...(ruleId ? { id: ruleId } : {}),
    direction,
    policy,
    priority,
    protocol,
    ports,
    ...(direction === 'ingress' ? { source: peer } : { destination: peer }),
    ...(nicType ? { nicType } : {}),
    ...(description ? { description } : {}),
  };
}

/**
 * The rule as the collector would read it from this group: in a VPC one rule covers both NIC
 * types and NicType is dropped; a group's own account as the peer's owner says nothing.
 */
export function ruleForGroup(rule: TerraformRule, classic: boolean, ownAccountId: string): Rule {
  const { groupId: _groupId, providerId: _providerId, ...plain } = rule;
  if (!classic) delete plain.nicType;
  return withoutOwnAccount(plain, ownAccountId);
}

/** A rule whose group peer names the rule's own account as owner, without that owner (the API may or may not return it). */
export function withoutOwnAccount<T extends Rule>(rule: T, ownAccountId: string): T {
  const peer = rule.direction === 'ingress' ? rule.source : rule.destination;
  if (!peer?.ownerAccount || peer.ownerAccount !== ownAccountId) return rule;
  const { ownerAccount: _ownerAccount, ...rest } = peer;
  return rule.direction === 'ingress' ? { ...rule, source: rest } : { ...rule, destination: rest };
}

// ---------------------------------------------------------------------------------------------
// alicloud_instance, network interfaces, attachments, EIP associations

export interface TerraformInstance {
  id: string;
  name?: string;
  securityGroupIds: string[];
  zone?: string;
  vSwitchId?: string;
}

export function instanceFromAttributes(attributes: Attributes): TerraformInstance {
  const id = requiredText(attributes, 'id');
  const securityGroupIds = stringList(attributes, 'security_groups');
  if (!securityGroupIds) throw new AttributeError('security_groups', 'missing');
  const name = text(attributes, 'instance_name');
  const zone = text(attributes, 'availability_zone');
  const vSwitchId = text(attributes, 'vswitch_id');
  return { id, ...(name ? { name } : {}), securityGroupIds, ...(zone ? { zone } : {}), ...(vSwitchId ? { vSwitchId } : {}) };
}

export interface TerraformInterface {
  id: string;
  name?: string;
  securityGroupIds: string[];
  /** The attribute the groups were read from: `security_group_ids`, or the deprecated `security_groups`. */
  groupsAttribute: 'security_group_ids' | 'security_groups';
  vSwitchId?: string;
}

export function interfaceFromAttributes(attributes: Attributes): TerraformInterface {
  const id = requiredText(attributes, 'id');
  const current = stringList(attributes, 'security_group_ids');
  const legacy = stringList(attributes, 'security_groups');
  const groupsAttribute = current?.length || !legacy ? 'security_group_ids' : 'security_groups';
  const securityGroupIds = groupsAttribute === 'security_group_ids' ? current : legacy;
  if (!securityGroupIds) throw new AttributeError('security_group_ids', 'missing');
  const name = text(attributes, 'network_interface_name') ?? text(attributes, 'name');
  const vSwitchId = text(attributes, 'vswitch_id');
  return { id, ...(name ? { name } : {}), securityGroupIds, groupsAttribute, ...(vSwitchId ? { vSwitchId } : {}) };
}

export interface TerraformAttachment {
  networkInterfaceId: string;
  instanceId: string;
}

export function attachmentFromAttributes(attributes: Attributes): TerraformAttachment {
  return { networkInterfaceId: requiredText(attributes, 'network_interface_id'), instanceId: requiredText(attributes, 'instance_id') };
}

export interface TerraformEipAssociation {
  allocationId: string;
  instanceId: string;
  instanceType?: string;
}

export function eipAssociationFromAttributes(attributes: Attributes): TerraformEipAssociation {
  const instanceType = text(attributes, 'instance_type');
  return { allocationId: requiredText(attributes, 'allocation_id'), instanceId: requiredText(attributes, 'instance_id'), ...(instanceType ? { instanceType } : {}) };
}

// ---------------------------------------------------------------------------------------------
// Places: what the provider writes about zones and regions.

/**
 * The region of a zone id: the longest known region it extends (`cn-hangzhou-i` → `cn-hangzhou`,
 * `ap-southeast-1a` → `ap-southeast-1`), else the zone without its letter.
 */
export function regionOfZone(zone: string, knownRegions: Iterable<string>): string | undefined {
  let best: string | undefined;
  for (const region of knownRegions) {
    if (zone.length > region.length && zone.startsWith(region) && /^-?[a-z0-9]$/.test(zone.slice(region.length)) && (!best || region.length > best.length)) best = region;
  }
  if (best) return best;
  return /^(.+)-[a-z]$/.exec(zone)?.[1] ?? /^(.+\d)[a-z]$/.exec(zone)?.[1];
}
