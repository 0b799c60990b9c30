import type { AddressGroup, Eip, Instance, NetworkInterface, Peer, PortRange, Protocol, Rule, RuleProblem, SecurityGroup, Tags } from '../../model/snapshot.js';
import type { WireAddressGroup, WireObject, WirePort, WireRule, WireSecurityGroup, WireServer } from './wire.js';

/**
 * Huawei Cloud wire JSON → snapshot model, every quirk decoded here once: an empty protocol is
 * every protocol, an empty `multiport` every port, a rule without a remote admits its whole
 * address family (ethertype), `allow`/`deny` are accept/drop. A rule whose shape is not
 * understood is kept with `problems` (reported by `unparseable-rule`, skipped by the evaluator),
 * never dropped.
 */

const ALL_PORTS: PortRange = { from: 1, to: 65535 };

function text(value: unknown): string | undefined {
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function raw(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function list(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

function object(value: unknown): WireObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as WireObject) : {};
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** VPC tags are [{key, value}]. */
function keyValueTags(value: unknown): Tags {
  const tags: Tags = {};
  for (const tag of list(value)) {
    const key = text(object(tag).key);
    if (key !== undefined) tags[key] = text(object(tag).value) ?? '';
  }
  return tags;
}

/** ECS server tags are "key=value" strings. */
function stringTags(value: unknown): Tags {
  const tags: Tags = {};
  for (const tag of list(value)) {
    if (typeof tag !== 'string' || tag === '') continue;
    const eq = tag.indexOf('=');
    if (eq < 0) tags[tag] = '';
    else tags[tag.slice(0, eq)] = tag.slice(eq + 1);
  }
  return tags;
}

export function normalizeSecurityGroup(wire: WireSecurityGroup, rules: Rule[]): SecurityGroup {
  return {
    id: text(wire.id) ?? '',
    name: text(wire.name) ?? '',
    description: text(wire.description) ?? '',
    // Huawei groups are prioritised allow/deny lists with no implicit intra-group access.
    type: 'normal',
    innerAccessPolicy: 'drop',
    serviceManaged: false,
    tags: keyValueTags(wire.tags),
    ...optional('createdAt', text(wire.created_at)),
    rules,
  };
}

const PROTOCOL_NAMES: Record<string, Protocol> = { tcp: 'tcp', udp: 'udp', icmp: 'icmp', icmpv6: 'icmpv6', gre: 'gre', '6': 'tcp', '17': 'udp', '1': 'icmp', '58': 'icmpv6', '47': 'gre' };

function normalizeProtocol(value: unknown): { protocol: Protocol; problem?: RuleProblem } {
  const name = text(value)?.toLowerCase();
  // The API's "any protocol" is an empty protocol.
  if (name === undefined || name === 'any' || name === 'all') return { protocol: 'all' };
  const protocol = PROTOCOL_NAMES[name];
  return protocol ? { protocol } : { protocol: 'all', problem: { field: 'protocol', value: raw(value), problem: 'protocol sgaudit cannot evaluate' } };
}

/** `22`, `8000-9000`, `22,80,8000-9000` (Huawei multiport); empty = every port. */
function parseMultiport(value: unknown): { ports: PortRange; portRanges?: PortRange[]; portText?: string } | { problem: RuleProblem } {
  const written = text(value);
  if (written === undefined) return { ports: ALL_PORTS };
  const ranges: PortRange[] = [];
  for (const part of written.split(',')) {
    const match = /^\s*(\d{1,5})(?:\s*-\s*(\d{1,5}))?\s*$/.exec(part);
    const from = match ? Number(match[1]) : Number.NaN;
    const to = match?.[2] === undefined ? from : Number(match[2]);
    if (!match || from < 1 || to > 65535 || from > to) return { problem: { field: 'multiport', value: written, problem: 'not a port, range or comma-separated list of them' } };
    ranges.push({ from, to });
  }
  const span = { from: Math.min(...ranges.map((r) => r.from)), to: Math.max(...ranges.map((r) => r.to)) };
  return ranges.length === 1 ? { ports: span } : { ports: span, portRanges: ranges, portText: written };
}

function normalizePeer(wire: WireRule, ipv6: boolean): Peer {
  const group = text(wire.remote_group_id);
  if (group !== undefined) return { groupId: group };
  const addressGroup = text(wire.remote_address_group_id);
  if (addressGroup !== undefined) return { addressGroupId: addressGroup };
  const prefix = text(wire.remote_ip_prefix);
  // No remote at all: every address of the rule's family.
  if (prefix === undefined) return ipv6 ? { ipv6Cidr: '::/0' } : { cidr: '0.0.0.0/0' };
  return prefix.includes(':') ? { ipv6Cidr: prefix } : { cidr: prefix };
}

export function normalizeRule(wire: WireRule): Rule {
  const problems: RuleProblem[] = [];
  const direction = text(wire.direction) === 'egress' ? 'egress' : 'ingress';
  if (text(wire.direction) !== direction) problems.push({ field: 'direction', value: raw(wire.direction), problem: 'unknown direction (expected ingress or egress)' });
  const action = text(wire.action)?.toLowerCase();
  // allow is the API's default action.
  const policy = action === 'deny' ? 'drop' : 'accept';
  if (action !== undefined && action !== 'allow' && action !== 'deny') problems.push({ field: 'action', value: raw(wire.action), problem: 'unknown action (expected allow or deny)' });
  const priority = typeof wire.priority === 'number' && Number.isInteger(wire.priority) ? wire.priority : Number.parseInt(text(wire.priority) ?? '', 10);
  if (!Number.isInteger(priority)) problems.push({ field: 'priority', value: raw(wire.priority), problem: 'priority is not an integer' });
  const { protocol, problem: protocolProblem } = normalizeProtocol(wire.protocol);
  if (protocolProblem) problems.push(protocolProblem);
  const multiport = protocol === 'tcp' || protocol === 'udp' ? parseMultiport(wire.multiport) : { ports: ALL_PORTS };
  if ('problem' in multiport) problems.push(multiport.problem);
  const ports = 'problem' in multiport ? { ports: ALL_PORTS } : multiport;
  const ipv6 = text(wire.ethertype)?.toLowerCase() === 'ipv6';
  const peer = normalizePeer(wire, ipv6);
  return {
    ...optional('id', text(wire.id)),
    direction,
    policy,
    priority: Number.isInteger(priority) ? priority : 100,
    protocol,
    ...ports,
    ...(wire.enabled === false ? { enabled: false } : {}),
    ...(direction === 'ingress' ? { source: peer } : { destination: peer }),
    ...optional('description', text(wire.description)),
    ...optional('createdAt', text(wire.created_at)),
    ...(problems.length > 0 ? { problems } : {}),
  };
}

export function normalizeAddressGroup(wire: WireAddressGroup): AddressGroup {
  const extra = list(wire.ip_extra_set).map(object);
  const entries =
    extra.length > 0
      ? extra.map((entry) => ({ address: text(entry.ip) ?? '', description: text(entry.remarks) ?? '' }))
      : list(wire.ip_set).map((ip) => ({ address: text(ip) ?? '', description: '' }));
  return { id: text(wire.id) ?? '', name: text(wire.name) ?? '', ipVersion: String(wire.ip_version) === '6' ? 'IPv6' : 'IPv4', entries: entries.filter((entry) => entry.address !== '') };
}

/** Whether a device owner is an instance's NIC (`compute:<zone>`); others are cloud services' ports. */
function isComputeOwner(owner: string | undefined): boolean {
  return owner?.startsWith('compute:') ?? false;
}

/** A port, whose `security_groups` order is its security group sequence (seed 002). */
export function normalizePort(wire: WirePort, primaryPortIds: ReadonlySet<string>): NetworkInterface {
  const id = text(wire.id) ?? '';
  const owner = text(wire.device_owner);
  const addresses = list(wire.fixed_ips).map((fixed) => text(object(fixed).ip_address) ?? '');
  const serviceManaged = owner !== undefined && !isComputeOwner(owner);
  return {
    id,
    name: text(wire.name) ?? '',
    description: '',
    type: primaryPortIds.has(id) ? 'Primary' : 'Secondary',
    status: text(wire.status) ?? '',
    ...optional('instanceId', isComputeOwner(owner) ? text(wire.device_id) : undefined),
    serviceManaged,
    ...optional('serviceId', serviceManaged ? owner : undefined),
    ...optional('vSwitchId', text(wire.network_id)),
    privateIps: addresses.filter((ip) => ip !== '' && !ip.includes(':')),
    ipv6Addresses: addresses.filter((ip) => ip.includes(':')),
    securityGroupIds: list(wire.security_groups).flatMap((group) => text(group) ?? []),
    tags: {},
  };
}

interface ServerAddress {
  addr: string;
  version: string;
  floating: boolean;
  portId: string | undefined;
  primary: boolean;
}

function serverAddresses(wire: WireServer): ServerAddress[] {
  const result: ServerAddress[] = [];
  for (const entries of Object.values(object(wire.addresses))) {
    for (const entry of list(entries).map(object)) {
      const addr = text(entry.addr);
      if (addr === undefined) continue;
      result.push({ addr, version: text(entry.version) ?? '4', floating: text(entry['OS-EXT-IPS:type']) === 'floating', portId: text(entry['OS-EXT-IPS:port_id']), primary: entry.primary === true });
    }
  }
  return result;
}

/** The server's primary port: the one its addresses mark primary, else the first port they name. */
export function primaryPortOf(wire: WireServer): string | undefined {
  const addresses = serverAddresses(wire).filter((address) => address.portId !== undefined);
  return (addresses.find((address) => address.primary) ?? addresses[0])?.portId;
}

/**
 * A server; its groups are its primary port's, in that port's sequence, when the port is known
 * (the server's own `security_groups` list has no order that means anything).
 */
export function normalizeServer(wire: WireServer, primaryPort: NetworkInterface | undefined): Instance {
  const primaryId = primaryPortOf(wire);
  const fixedOnPrimary = serverAddresses(wire).filter((address) => !address.floating && address.portId === primaryId && !address.addr.includes(':'));
  return {
    id: text(wire.id) ?? '',
    name: text(wire.name) ?? '',
    ...optional('hostname', text(wire['OS-EXT-SRV-ATTR:hostname'])),
    status: text(wire.status) ?? '',
    networkType: 'vpc',
    ...optional('vpcId', text(object(wire.metadata).vpc_id)),
    securityGroupIds: primaryPort ? primaryPort.securityGroupIds : list(wire.security_groups).flatMap((group) => text(object(group).id) ?? []),
    privateIps: primaryPort ? primaryPort.privateIps : fixedOnPrimary.map((address) => address.addr),
    publicIps: [],
    tags: stringTags(wire.tags),
  };
}

/**
 * The EIPs (floating IPs) on a server's ports. ECS names the address and its port, not the EIP's
 * own id (no EIP SDK is published for Node), so the address stands for the allocation id.
 */
export function floatingIps(wire: WireServer): Eip[] {
  return serverAddresses(wire)
    .filter((address) => address.floating && address.portId !== undefined)
    .map((address) => ({ allocationId: address.addr, ip: address.addr, status: '', name: '', boundInstanceType: 'NetworkInterface', boundInstanceId: address.portId as string }));
}
