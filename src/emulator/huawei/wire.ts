import { createHash } from 'node:crypto';
import type { AddressGroup, Eip, Instance, NetworkInterface, Rule, SecurityGroup } from '../../model/snapshot.js';

/**
 * Estate → Huawei Cloud wire JSON, field names from the SDK response models
 * (`@huaweicloud/huaweicloud-sdk-vpc` v3 SecurityGroup, SecurityGroupRule, AddressGroup, PageInfo;
 * v2 Port; `@huaweicloud/huaweicloud-sdk-ecs` v2 ServerDetail, ServerAddress). Shares nothing with
 * the collector's normalizer.
 */

/** When the estate gives no creation time: the API always sends one. */
const EPOCH = '2024-01-01T00:00:00Z';

/** A stable 32-hex-digit project id per (account, region): what the collector is configured with. */
export function huaweiProjectId(accountId: string, regionId: string): string {
  return createHash('sha256').update(`huawei-project:${accountId}:${regionId}`).digest('hex').slice(0, 32);
}

function tagList(tags: Record<string, string>): { key: string; value: string }[] {
  return Object.entries(tags).map(([key, value]) => ({ key, value }));
}

export function wireSecurityGroup(group: SecurityGroup, projectId: string): Record<string, unknown> {
  return {
    id: group.id,
    name: group.name,
    description: group.description,
    project_id: projectId,
    created_at: group.createdAt ?? EPOCH,
    updated_at: group.createdAt ?? EPOCH,
    enterprise_project_id: '0',
    tags: tagList(group.tags),
  };
}

/** `22`, `8000-9000`, or (multiport) the rule's own text; null for every port. */
function multiport(rule: Rule): string | null {
  if (rule.protocol !== 'tcp' && rule.protocol !== 'udp') return null;
  if (rule.portRanges && rule.portRanges.length > 0) return rule.portText ?? rule.portRanges.map((r) => (r.from === r.to ? String(r.from) : `${r.from}-${r.to}`)).join(',');
  if (rule.ports.from === 1 && rule.ports.to === 65535) return null;
  return rule.ports.from === rule.ports.to ? String(rule.ports.from) : `${rule.ports.from}-${rule.ports.to}`;
}

export function wireRule(group: SecurityGroup, rule: Rule, index: number, projectId: string, addressGroupVersion: (id: string) => 4 | 6 | undefined): Record<string, unknown> {
  const peer = rule.direction === 'ingress' ? rule.source : rule.destination;
  const ipv6 = Boolean(peer?.ipv6Cidr) || (peer?.addressGroupId !== undefined && addressGroupVersion(peer.addressGroupId) === 6);
  return {
    id: rule.id ?? createHash('sha256').update(`${group.id}/${index}`).digest('hex').slice(0, 32),
    description: rule.description ?? '',
    security_group_id: group.id,
    direction: rule.direction,
    // The API's "any protocol" is an empty protocol.
    protocol: rule.protocol === 'all' ? null : rule.protocol,
    ethertype: ipv6 ? 'IPv6' : 'IPv4',
    multiport: multiport(rule),
    action: rule.policy === 'accept' ? 'allow' : 'deny',
    priority: rule.priority,
    remote_group_id: peer?.groupId ?? null,
    remote_ip_prefix: peer?.cidr ?? peer?.ipv6Cidr ?? null,
    remote_address_group_id: peer?.addressGroupId ?? null,
    created_at: rule.createdAt ?? EPOCH,
    updated_at: rule.createdAt ?? EPOCH,
    project_id: projectId,
    enabled: rule.enabled ?? true,
  };
}

export function wireAddressGroup(group: AddressGroup, projectId: string): Record<string, unknown> {
  return {
    id: group.id,
    name: group.name,
    description: '',
    max_capacity: Math.max(20, group.entries.length),
    ip_set: group.entries.map((entry) => entry.address),
    ip_version: group.ipVersion === 'IPv6' ? 6 : 4,
    created_at: EPOCH,
    updated_at: EPOCH,
    tenant_id: projectId,
    enterprise_project_id: '0',
    tags: [],
    status: 'NORMAL',
    status_message: '',
    ip_extra_set: group.entries.map((entry) => ({ ip: entry.address, remarks: entry.description })),
  };
}

function macOf(id: string): string {
  const hex = createHash('sha256').update(id).digest('hex');
  return `fa:16:3e:${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4, 6)}`;
}

/** A VPC v2 Port: `security_groups` in the port's sequence order, as the estate lists them. */
export function wirePort(eni: NetworkInterface, projectId: string, zone: string): Record<string, unknown> {
  const addresses = [...eni.privateIps, ...eni.ipv6Addresses];
  return {
    id: eni.id,
    name: eni.name,
    network_id: eni.vSwitchId ?? '',
    admin_state_up: true,
    mac_address: macOf(eni.id),
    fixed_ips: addresses.map((ip) => ({ subnet_id: eni.vSwitchId ?? '', ip_address: ip })),
    device_id: eni.instanceId ?? '',
    // Instance NICs belong to compute; other owners are cloud services (DHCP, router, VIP, load balancer …).
    device_owner: eni.serviceManaged ? (eni.serviceId ?? 'neutron:VIP_PORT') : eni.instanceId ? `compute:${zone}` : '',
    tenant_id: projectId,
    status: eni.status || 'ACTIVE',
    security_groups: eni.securityGroupIds,
    allowed_address_pairs: [],
    extra_dhcp_opts: [],
    'binding:vnic_type': 'normal',
    dns_assignment: [],
    dns_name: '',
    instance_id: eni.instanceId ?? '',
    instance_type: eni.instanceId ? 'ecs' : '',
    port_security_enabled: true,
    zone_id: zone,
  };
}

/**
 * An ECS ServerDetail. `addresses` lists, per VPC, each of the server's ports' fixed addresses
 * and the EIPs bound to them (`OS-EXT-IPS:type` floating), with the port id: the only place the
 * ECS and VPC SDKs tell which public address sits on which port.
 */
export function wireServer(instance: Instance, enis: readonly NetworkInterface[], eipsOf: (eniId: string) => readonly Eip[], groupName: (id: string) => string, projectId: string, zone: string): Record<string, unknown> {
  const entries: Record<string, unknown>[] = [];
  for (const eni of enis) {
    const base = { 'OS-EXT-IPS-MAC:mac_addr': macOf(eni.id), 'OS-EXT-IPS:port_id': eni.id, primary: eni.type === 'Primary' };
    for (const ip of eni.privateIps) entries.push({ version: '4', addr: ip, 'OS-EXT-IPS:type': 'fixed', ...base });
    for (const ip of eni.ipv6Addresses) entries.push({ version: '6', addr: ip, 'OS-EXT-IPS:type': 'fixed', ...base });
    for (const eip of eipsOf(eni.id)) entries.push({ version: '4', addr: eip.ip, 'OS-EXT-IPS:type': 'floating', ...base });
  }
  const vpcId = instance.vpcId ?? '';
  return {
    id: instance.id,
    name: instance.name,
    status: instance.status || 'ACTIVE',
    addresses: entries.length > 0 ? { [vpcId]: entries } : {},
    security_groups: instance.securityGroupIds.map((id) => ({ id, name: groupName(id) })),
    metadata: { vpc_id: vpcId },
    tags: Object.entries(instance.tags).map(([key, value]) => `${key}=${value}`),
    'OS-EXT-SRV-ATTR:hostname': instance.hostname ?? '',
    'OS-EXT-AZ:availability_zone': zone,
    tenant_id: projectId,
    created: EPOCH,
    updated: EPOCH,
    locked: false,
  };
}
