import type { Eip, Instance, NetworkInterface, Peer, PortRange, PrefixList, Protocol, Rule, RuleProblem, SecurityGroup, Tags } from '../../model/snapshot.js';
import type {
  WireEip,
  WireInstance,
  WireNetworkInterface,
  WirePermission,
  WirePrefixList,
  WirePrefixListAttributes,
  WireSecurityGroup,
  WireSecurityGroupAttribute,
} from './wire.js';

/**
 * Wire (SDK response models) → snapshot model. Every quirk of the Alibaba wire format is decoded
 * here once: `""` means absent, Policy/IpProtocol case varies, "-1/-1" means all ports, Priority
 * may be a string or a number. A rule whose shape is not understood is kept with `problems` and
 * placeholder values, never dropped and never thrown: the `unparseable-rule` check reports it and
 * the evaluator skips it, so a bad rule cannot silently turn into "no rule".
 */

const ALL_PORTS: PortRange = { from: 1, to: 65535 };

/** Real responses use `""` for absent values; the SDK turns numbers into strings for string fields. */
function text(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const asText = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
  return asText === undefined || asText.trim() === '' ? undefined : asText.trim();
}

function raw(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function nonEmpty(values: readonly unknown[] | undefined): string[] {
  const out: string[] = [];
  for (const value of values ?? []) {
    const item = text(value);
    if (item !== undefined) out.push(item);
  }
  return out;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function normalizeTags(tags: readonly { tagKey?: string; tagValue?: string }[] | undefined): Tags {
  const out: Tags = {};
  for (const tag of tags ?? []) {
    const key = text(tag.tagKey);
    if (key !== undefined) out[key] = tag.tagValue ?? '';
  }
  return out;
}

const PROTOCOLS: Record<string, Protocol> = { tcp: 'tcp', udp: 'udp', icmp: 'icmp', icmpv6: 'icmpv6', gre: 'gre', all: 'all' };

function normalizeProtocol(value: unknown): { protocol: Protocol; problem?: RuleProblem } {
  const protocol = PROTOCOLS[(text(value) ?? '').toLowerCase()];
  if (protocol) return { protocol };
  return { protocol: 'all', problem: { field: 'IpProtocol', value: raw(value), problem: text(value) === undefined ? 'missing protocol' : 'unknown protocol' } };
}

function normalizePolicy(value: unknown): { policy: Rule['policy']; problem?: RuleProblem } {
  const policy = text(value)?.toLowerCase();
  // The API documents Accept as the default when Policy is not set.
  if (policy === undefined || policy === 'accept') return { policy: 'accept' };
  if (policy === 'drop') return { policy: 'drop' };
  return { policy: 'drop', problem: { field: 'Policy', value: raw(value), problem: 'unknown policy (expected Accept or Drop)' } };
}

/** Any integer is valid when reading: 110 appears on default groups created before 2020-05-27. */
function normalizePriority(value: unknown): { priority: number; problem?: RuleProblem } {
  const priorityText = text(value);
  if (priorityText !== undefined && /^[+-]?\d+$/.test(priorityText)) return { priority: Number.parseInt(priorityText, 10) };
  return { priority: 100, problem: { field: 'Priority', value: raw(value), problem: priorityText === undefined ? 'missing priority' : 'priority is not an integer' } };
}

const PORT_PROTOCOLS: ReadonlySet<Protocol> = new Set(['tcp', 'udp']);

/**
 * "22/22" → 22–22; "-1/-1" (all) → 1–65535. Protocols without ports (icmp, gre, all) always get
 * 1–65535 whatever PortRange says, so the analyzer never special-cases them. A rule that uses a
 * port list (PortRangeListId) instead of a literal range is read as all ports plus the list id.
 */
function normalizePorts(protocol: Protocol, portRange: unknown, portListId: string | undefined): { ports: PortRange; problem?: RuleProblem } {
  if (!PORT_PROTOCOLS.has(protocol)) return { ports: { ...ALL_PORTS } };
  const rangeText = text(portRange);
  if (rangeText === undefined) {
    if (portListId !== undefined) return { ports: { ...ALL_PORTS } };
    return { ports: { ...ALL_PORTS }, problem: { field: 'PortRange', value: raw(portRange), problem: 'missing port range' } };
  }
  const match = /^(-?\d+)\/(-?\d+)$/.exec(rangeText);
  if (!match) return { ports: { ...ALL_PORTS }, problem: { field: 'PortRange', value: raw(portRange), problem: 'port range is not "from/to"' } };
  const from = Number(match[1]);
  const to = Number(match[2]);
  if (from === -1 && to === -1) return { ports: { ...ALL_PORTS } };
  if (from < 1 || to > 65535 || from > to) {
    return { ports: { ...ALL_PORTS }, problem: { field: 'PortRange', value: raw(portRange), problem: 'port range outside 1–65535 or reversed' } };
  }
  return { ports: { from, to } };
}

interface PeerFields {
  cidr: unknown;
  ipv6Cidr: unknown;
  groupId: unknown;
  ownerAccount: unknown;
  prefixListId: unknown;
}

/** The peer of one side of a rule; undefined when none of its fields is set. */
function normalizePeer(fields: PeerFields): Peer | undefined {
  const groupId = text(fields.groupId);
  const peer: Peer = {
    ...optional('cidr', text(fields.cidr)),
    ...optional('ipv6Cidr', text(fields.ipv6Cidr)),
    ...optional('groupId', groupId),
    // An owner account only qualifies a group reference; alone it says nothing.
    ...optional('ownerAccount', groupId === undefined ? undefined : text(fields.ownerAccount)),
    ...optional('prefixListId', text(fields.prefixListId)),
  };
  return Object.keys(peer).length === 0 ? undefined : peer;
}

function peerKinds(peer: Peer | undefined): number {
  if (!peer) return 0;
  return [peer.cidr, peer.ipv6Cidr, peer.groupId, peer.prefixListId].filter((value) => value !== undefined).length;
}

export interface RuleContext {
  /** Classic-network groups keep the rule's NicType; in a VPC one rule covers both and NicType is noise. */
  classic: boolean;
}

export function normalizeRule(wire: WirePermission, context: RuleContext): Rule {
  const problems: RuleProblem[] = [];
  const note = <T extends { problem?: RuleProblem }>(result: T): T => {
    if (result.problem) problems.push(result.problem);
    return result;
  };

  let direction: Rule['direction'] = 'ingress';
  const directionText = text(wire.direction)?.toLowerCase();
  if (directionText === 'ingress' || directionText === 'egress') direction = directionText;
  else problems.push({ field: 'Direction', value: raw(wire.direction), problem: directionText === undefined ? 'missing direction' : 'unknown direction' });

  const { policy } = note(normalizePolicy(wire.policy));
  const { priority } = note(normalizePriority(wire.priority));
  const { protocol } = note(normalizeProtocol(wire.ipProtocol));
  const portListId = text(wire.portRangeListId);
  const { ports } = note(normalizePorts(protocol, wire.portRange, portListId));

  const source = normalizePeer({
    cidr: wire.sourceCidrIp,
    ipv6Cidr: wire.ipv6SourceCidrIp,
    groupId: wire.sourceGroupId,
    ownerAccount: wire.sourceGroupOwnerAccount,
    prefixListId: wire.sourcePrefixListId,
  });
  const destination = normalizePeer({
    cidr: wire.destCidrIp,
    ipv6Cidr: wire.ipv6DestCidrIp,
    groupId: wire.destGroupId,
    ownerAccount: wire.destGroupOwnerAccount,
    prefixListId: wire.destPrefixListId,
  });
  if (peerKinds(source) > 1) problems.push({ field: 'SourceCidrIp', value: JSON.stringify(source), problem: 'more than one kind of source' });
  if (peerKinds(destination) > 1) problems.push({ field: 'DestCidrIp', value: JSON.stringify(destination), problem: 'more than one kind of destination' });
  // The peer that decides the rule must exist: an ingress rule without a source (or egress
  // without a destination) cannot be evaluated, and guessing "anywhere" would invent exposure.
  if (direction === 'ingress' && !source) problems.push({ field: 'SourceCidrIp', value: '', problem: 'ingress rule without a source' });
  if (direction === 'egress' && !destination) problems.push({ field: 'DestCidrIp', value: '', problem: 'egress rule without a destination' });

  const nicTypeText = text(wire.nicType)?.toLowerCase();
  let nicType: Rule['nicType'];
  if (context.classic && (nicTypeText === 'internet' || nicTypeText === 'intranet')) nicType = nicTypeText;

  return {
    ...optional('id', text(wire.securityGroupRuleId)),
    direction,
    policy,
    priority,
    protocol,
    ports,
    ...optional('portListId', portListId),
    ...optional('source', source),
    ...optional('destination', destination),
    ...optional('nicType', nicType),
    ...optional('description', text(wire.description)),
    ...optional('createdAt', text(wire.createTime)),
    ...(problems.length > 0 ? { problems } : {}),
  };
}

function normalizeGroupType(value: unknown): SecurityGroup['type'] {
  return text(value)?.toLowerCase() === 'enterprise' ? 'enterprise' : 'normal';
}

/** Absent InnerAccessPolicy means the type's default: basic groups accept, enterprise groups drop. */
function normalizeInnerAccessPolicy(value: unknown, type: SecurityGroup['type']): SecurityGroup['innerAccessPolicy'] {
  const policy = text(value)?.toLowerCase();
  if (policy === 'accept' || policy === 'drop') return policy;
  return type === 'enterprise' ? 'drop' : 'accept';
}

/** A group without a VpcId is a classic-network group: its rules come in two NicType calls. */
export function isClassicGroup(wire: WireSecurityGroup): boolean {
  return text(wire.vpcId) === undefined;
}

/**
 * One group from DescribeSecurityGroups (type, tags, ServiceManaged) joined with its
 * DescribeSecurityGroupAttribute pages (InnerAccessPolicy, rules). `attribute` is undefined when
 * the rules could not be read; the group is still recorded (membership and references need it)
 * and coverage lists it as partial.
 */
export function normalizeSecurityGroup(wire: WireSecurityGroup, attribute: { innerAccessPolicy?: string; permissions: readonly WirePermission[] } | undefined): SecurityGroup {
  const type = normalizeGroupType(wire.securityGroupType);
  const classic = isClassicGroup(wire);
  return {
    id: text(wire.securityGroupId) ?? '',
    name: wire.securityGroupName ?? '',
    description: wire.description ?? '',
    ...optional('vpcId', text(wire.vpcId)),
    type,
    innerAccessPolicy: normalizeInnerAccessPolicy(attribute?.innerAccessPolicy, type),
    serviceManaged: wire.serviceManaged === true,
    tags: normalizeTags(wire.tags?.tag),
    ...optional('createdAt', text(wire.creationTime)),
    rules: (attribute?.permissions ?? []).map((permission) => normalizeRule(permission, { classic })),
  };
}

/** The rule pages of one group, concatenated (several NextToken pages, two NicTypes for classic). */
export function collectPermissions(pages: readonly WireSecurityGroupAttribute[]): { innerAccessPolicy?: string; permissions: WirePermission[] } {
  const permissions: WirePermission[] = [];
  let innerAccessPolicy: string | undefined;
  for (const page of pages) {
    innerAccessPolicy ??= text(page.innerAccessPolicy);
    for (const permission of page.permissions?.permission ?? []) permissions.push(permission);
  }
  return { ...optional('innerAccessPolicy', innerAccessPolicy), permissions };
}

export function normalizeInstance(wire: WireInstance): Instance {
  const networkType = text(wire.instanceNetworkType)?.toLowerCase() === 'classic' ? 'classic' : 'vpc';
  const vpcIps = nonEmpty(wire.vpcAttributes?.privateIpAddress?.ipAddress);
  const eipIp = text(wire.eipAddress?.ipAddress);
  return {
    id: text(wire.instanceId) ?? '',
    name: wire.instanceName ?? '',
    ...optional('hostname', text(wire.hostName)),
    status: wire.status ?? '',
    networkType,
    ...optional('vpcId', text(wire.vpcAttributes?.vpcId)),
    ...optional('vSwitchId', text(wire.vpcAttributes?.vSwitchId)),
    securityGroupIds: nonEmpty(wire.securityGroupIds?.securityGroupId),
    // Classic instances report their private address as InnerIpAddress.
    privateIps: vpcIps.length > 0 ? vpcIps : nonEmpty(wire.innerIpAddress?.ipAddress),
    publicIps: nonEmpty(wire.publicIpAddress?.ipAddress),
    ...(eipIp === undefined ? {} : { eip: { ip: eipIp, allocationId: text(wire.eipAddress?.allocationId) ?? '' } }),
    tags: normalizeTags(wire.tags?.tag),
  };
}

export function normalizeNetworkInterface(wire: WireNetworkInterface): NetworkInterface {
  const privateIps = nonEmpty((wire.privateIpSets?.privateIpSet ?? []).map((set) => set.privateIpAddress));
  const primaryIp = text(wire.privateIpAddress);
  if (primaryIp !== undefined && !privateIps.includes(primaryIp)) privateIps.unshift(primaryIp);
  const serviceId = wire.serviceID === undefined || wire.serviceID === null ? undefined : text(wire.serviceID);
  return {
    id: text(wire.networkInterfaceId) ?? '',
    name: wire.networkInterfaceName ?? '',
    description: wire.description ?? '',
    type: text(wire.type) ?? 'Secondary',
    status: wire.status ?? '',
    ...optional('instanceId', text(wire.instanceId) ?? text(wire.attachment?.instanceId)),
    serviceManaged: wire.serviceManaged === true,
    ...optional('serviceId', serviceId === '0' ? undefined : serviceId),
    ...optional('vpcId', text(wire.vpcId)),
    ...optional('vSwitchId', text(wire.vSwitchId)),
    privateIps,
    ipv6Addresses: nonEmpty((wire.ipv6Sets?.ipv6Set ?? []).map((set) => set.ipv6Address)),
    securityGroupIds: nonEmpty(wire.securityGroupIds?.securityGroupId),
    ...optional('publicIp', text(wire.associatedPublicIp?.publicIpAddress)),
    tags: normalizeTags(wire.tags?.tag),
  };
}

export function normalizeEip(wire: WireEip): Eip {
  const boundInstanceId = text(wire.instanceId);
  return {
    allocationId: text(wire.allocationId) ?? '',
    ip: text(wire.ipAddress) ?? '',
    status: wire.status ?? '',
    name: wire.name ?? '',
    ...(boundInstanceId === undefined ? {} : { ...optional('boundInstanceType', text(wire.instanceType)), boundInstanceId }),
  };
}

function normalizeAddressFamily(value: unknown, cidrs: readonly string[]): PrefixList['addressFamily'] {
  const family = text(value)?.toLowerCase();
  if (family === 'ipv6') return 'IPv6';
  if (family === 'ipv4') return 'IPv4';
  return cidrs.some((cidr) => cidr.includes(':')) ? 'IPv6' : 'IPv4';
}

/** A prefix list from DescribePrefixLists joined with its entries from DescribePrefixListAttributes. */
export function normalizePrefixList(wire: WirePrefixList, attributes: WirePrefixListAttributes | undefined): PrefixList {
  const entries = (attributes?.entries?.entry ?? []).flatMap((entry) => {
    const cidr = text(entry.cidr);
    return cidr === undefined ? [] : [{ cidr, description: entry.description ?? '' }];
  });
  return {
    id: text(wire.prefixListId) ?? '',
    name: wire.prefixListName ?? '',
    addressFamily: normalizeAddressFamily(wire.addressFamily ?? attributes?.addressFamily, entries.map((entry) => entry.cidr)),
    entries,
  };
}
