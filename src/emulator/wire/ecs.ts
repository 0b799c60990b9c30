import type { Instance, NetworkInterface, PrefixList, Rule, SecurityGroup } from '../../model/snapshot.js';
import type { EstateIndex, RegionIndex } from '../estate-index.js';
import { creationTimeFor, ecsTags, macFor } from './common.js';

/**
 * Model → ECS 2014-05-26 wire shapes, field names taken from the SDK's response models
 * (`names()` of Describe*ResponseBody). Absent strings are "", lists are always present.
 */

const WIRE_PROTOCOL: Record<Rule['protocol'], string> = { tcp: 'TCP', udp: 'UDP', icmp: 'ICMP', icmpv6: 'ICMPv6', gre: 'GRE', all: 'ALL' };

/** "-1/-1" means "all ports" and is what the API shows for protocols without ports. */
function wirePortRange(rule: Rule): string {
  if (rule.protocol !== 'tcp' && rule.protocol !== 'udp') return '-1/-1';
  return `${rule.ports.from}/${rule.ports.to}`;
}

export function wirePermission(rule: Rule, nicType: string, estate: EstateIndex, region: RegionIndex): Record<string, string> {
  const source = rule.source ?? {};
  const destination = rule.destination ?? {};
  const permission: Record<string, string> = {
    SecurityGroupRuleId: rule.id ?? '',
    Direction: rule.direction,
    Policy: rule.policy === 'accept' ? 'Accept' : 'Drop',
    Priority: String(rule.priority),
    IpProtocol: WIRE_PROTOCOL[rule.protocol],
    PortRange: wirePortRange(rule),
    PortRangeListId: rule.portListId ?? '',
    PortRangeListName: '',
    SourcePortRange: '',
    SourceCidrIp: source.cidr ?? '',
    Ipv6SourceCidrIp: source.ipv6Cidr ?? '',
    SourceGroupId: source.groupId ?? '',
    SourceGroupName: source.groupId ? estate.groupName(source.groupId) : '',
    SourceGroupOwnerAccount: source.ownerAccount ?? '',
    SourcePrefixListId: source.prefixListId ?? '',
    SourcePrefixListName: source.prefixListId ? (region.prefixListById.get(source.prefixListId)?.name ?? '') : '',
    DestCidrIp: destination.cidr ?? '',
    Ipv6DestCidrIp: destination.ipv6Cidr ?? '',
    DestGroupId: destination.groupId ?? '',
    DestGroupName: destination.groupId ? estate.groupName(destination.groupId) : '',
    DestGroupOwnerAccount: destination.ownerAccount ?? '',
    DestPrefixListId: destination.prefixListId ?? '',
    DestPrefixListName: destination.prefixListId ? (region.prefixListById.get(destination.prefixListId)?.name ?? '') : '',
    NicType: nicType,
    Description: rule.description ?? '',
    CreateTime: rule.createdAt ?? '',
  };
  // A rule with problems stands for a malformed wire rule: send the raw value the collector must cope with.
  for (const problem of rule.problems ?? []) permission[problem.field] = problem.value;
  return permission;
}

/** Classic-network groups keep internet and intranet rules apart; a VPC rule covers both and reads as intranet. */
export function wireNicType(group: SecurityGroup, rule: Rule): 'internet' | 'intranet' {
  if (group.vpcId) return 'intranet';
  return rule.nicType ?? 'intranet';
}

export function wireSecurityGroup(group: SecurityGroup, region: RegionIndex): Record<string, unknown> {
  const members = region.memberCount(group.id);
  return {
    SecurityGroupId: group.id,
    SecurityGroupName: group.name,
    Description: group.description,
    SecurityGroupType: group.type,
    VpcId: group.vpcId ?? '',
    CreationTime: group.createdAt ?? creationTimeFor(group.id),
    ResourceGroupId: '',
    ServiceManaged: group.serviceManaged,
    EcsCount: members,
    AvailableInstanceAmount: Math.max(0, (group.type === 'enterprise' ? 65536 : 2000) - members),
    RuleCount: group.rules.length,
    GroupToGroupRuleCount: group.rules.filter((rule) => rule.source?.groupId ?? rule.destination?.groupId).length,
    Tags: ecsTags(group.tags),
  };
}

export function wireSecurityGroupAttribute(group: SecurityGroup, regionId: string, permissions: Record<string, string>[], nextToken: string): Record<string, unknown> {
  return {
    SecurityGroupId: group.id,
    SecurityGroupName: group.name,
    Description: group.description,
    VpcId: group.vpcId ?? '',
    RegionId: regionId,
    InnerAccessPolicy: group.innerAccessPolicy === 'accept' ? 'Accept' : 'Drop',
    Permissions: { Permission: permissions },
    NextToken: nextToken,
  };
}

function eniSetsOnInstance(enis: NetworkInterface[]): Record<string, unknown>[] {
  return enis.map((eni) => ({
    NetworkInterfaceId: eni.id,
    Type: eni.type,
    MacAddress: macFor(eni.id),
    PrimaryIpAddress: eni.privateIps[0] ?? '',
    PrivateIpSets: { PrivateIpSet: eni.privateIps.map((ip, i) => ({ PrivateIpAddress: ip, Primary: i === 0, PrivateDnsName: '' })) },
    Ipv6Sets: { Ipv6Set: eni.ipv6Addresses.map((ip) => ({ Ipv6Address: ip })) },
    Ipv4PrefixSets: { Ipv4PrefixSet: [] },
    Ipv6PrefixSets: { Ipv6PrefixSet: [] },
  }));
}

export function wireInstance(instance: Instance, regionId: string, region: RegionIndex): Record<string, unknown> {
  const vpc = instance.networkType === 'vpc';
  return {
    InstanceId: instance.id,
    InstanceName: instance.name,
    HostName: instance.hostname ?? '',
    Description: '',
    Status: instance.status,
    InstanceNetworkType: instance.networkType,
    RegionId: regionId,
    ZoneId: `${regionId}-a`,
    InstanceType: 'ecs.g7.large',
    InstanceTypeFamily: 'ecs.g7',
    Cpu: 2,
    Memory: 8192,
    OSType: 'linux',
    OSName: 'Alibaba Cloud Linux 3',
    ImageId: 'aliyun_3_x64_20G_alibase_20240528.vhd',
    CreationTime: creationTimeFor(instance.id),
    InstanceChargeType: 'PostPaid',
    InternetChargeType: 'PayByTraffic',
    InternetMaxBandwidthOut: instance.publicIps.length > 0 ? 5 : 0,
    ResourceGroupId: '',
    VpcAttributes: {
      VpcId: instance.vpcId ?? '',
      VSwitchId: instance.vSwitchId ?? '',
      NatIpAddress: '',
      PrivateIpAddress: { IpAddress: vpc ? instance.privateIps : [] },
    },
    InnerIpAddress: { IpAddress: vpc ? [] : instance.privateIps },
    PublicIpAddress: { IpAddress: instance.publicIps },
    EipAddress: {
      AllocationId: instance.eip?.allocationId ?? '',
      IpAddress: instance.eip?.ip ?? '',
      Bandwidth: instance.eip ? 5 : 0,
      InternetChargeType: instance.eip ? 'PayByTraffic' : '',
      IsSupportUnassociate: true,
    },
    // Only the primary ENI's groups: secondary ENIs carry their own (DescribeNetworkInterfaces).
    SecurityGroupIds: { SecurityGroupId: instance.securityGroupIds },
    NetworkInterfaces: { NetworkInterface: eniSetsOnInstance(region.enisByInstance.get(instance.id) ?? []) },
    Tags: ecsTags(instance.tags),
    OperationLocks: { LockReason: [] },
    RdmaIpAddress: { IpAddress: [] },
  };
}

export function wireNetworkInterface(eni: NetworkInterface, regionId: string, accountId: string, region: RegionIndex): Record<string, unknown> {
  const eip = region.eipBoundTo(eni.id);
  const publicIp = { PublicIpAddress: eni.publicIp ?? '', AllocationId: eip && eip.ip === eni.publicIp ? eip.allocationId : '' };
  const serviceId = eni.serviceId !== undefined && /^\d+$/.test(eni.serviceId) ? Number(eni.serviceId) : undefined;
  return {
    NetworkInterfaceId: eni.id,
    NetworkInterfaceName: eni.name,
    Description: eni.description,
    Type: eni.type,
    Status: eni.status,
    InstanceId: eni.instanceId ?? '',
    Attachment: eni.instanceId ? { InstanceId: eni.instanceId, DeviceIndex: eni.type === 'Primary' ? 0 : 1, NetworkCardIndex: 0, TrunkNetworkInterfaceId: '' } : {},
    ServiceManaged: eni.serviceManaged,
    ...(serviceId === undefined ? {} : { ServiceID: serviceId }),
    VpcId: eni.vpcId ?? '',
    VSwitchId: eni.vSwitchId ?? '',
    ZoneId: `${regionId}-a`,
    OwnerId: accountId,
    MacAddress: macFor(eni.id),
    CreationTime: creationTimeFor(eni.id),
    ResourceGroupId: '',
    PrivateIpAddress: eni.privateIps[0] ?? '',
    PrivateIpSets: {
      PrivateIpSet: eni.privateIps.map((ip, i) => ({
        PrivateIpAddress: ip,
        Primary: i === 0,
        PrivateDnsName: '',
        AssociatedPublicIp: i === 0 ? publicIp : { PublicIpAddress: '', AllocationId: '' },
      })),
    },
    Ipv6Sets: { Ipv6Set: eni.ipv6Addresses.map((ip) => ({ Ipv6Address: ip })) },
    Ipv4PrefixSets: { Ipv4PrefixSet: [] },
    Ipv6PrefixSets: { Ipv6PrefixSet: [] },
    SecurityGroupIds: { SecurityGroupId: eni.securityGroupIds },
    AssociatedPublicIp: publicIp,
    Tags: ecsTags(eni.tags),
  };
}

export function wirePrefixList(list: PrefixList, region: RegionIndex): Record<string, unknown> {
  return {
    PrefixListId: list.id,
    PrefixListName: list.name,
    AddressFamily: list.addressFamily,
    MaxEntries: Math.max(20, list.entries.length),
    AssociationCount: region.prefixListAssociations(list.id),
    Description: '',
    CreationTime: creationTimeFor(list.id),
    ResourceGroupId: '',
    Tags: ecsTags({}),
  };
}

export function wirePrefixListAttributes(list: PrefixList): Record<string, unknown> {
  return {
    PrefixListId: list.id,
    PrefixListName: list.name,
    AddressFamily: list.addressFamily,
    MaxEntries: Math.max(20, list.entries.length),
    Description: '',
    CreationTime: creationTimeFor(list.id),
    Entries: { Entry: list.entries.map((entry) => ({ Cidr: entry.cidr, Description: entry.description })) },
  };
}
