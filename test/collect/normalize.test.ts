import { readFileSync } from 'node:fs';
import {
  DescribeInstancesResponseBody,
  DescribeNetworkInterfacesResponseBody,
  DescribePrefixListAttributesResponseBody,
  DescribePrefixListsResponseBody,
  DescribeSecurityGroupAttributeResponseBody,
  DescribeSecurityGroupsResponseBody,
} from '@alicloud/ecs20140526';
import { DescribeEipAddressesResponseBody } from '@alicloud/vpc20160428';
import { describe, expect, it } from 'vitest';
import {
  collectPermissions,
  normalizeEip,
  normalizeInstance,
  normalizeNetworkInterface,
  normalizePrefixList,
  normalizeRule,
  normalizeSecurityGroup,
} from '../../src/collect/alicloud/normalize.js';
import { Eip, Instance, NetworkInterface, PrefixList, Rule, SecurityGroup } from '../../src/model/snapshot.js';
import { fromWire } from './sdk-cast.js';

interface RuleCase {
  name: string;
  classic?: boolean;
  wire: Record<string, unknown>;
  expected: unknown;
}
const ruleCases = JSON.parse(readFileSync(new URL('../fixtures/collect/rules.json', import.meta.url), 'utf8')) as RuleCase[];

function firstPermission(wire: Record<string, unknown>) {
  const body = fromWire(DescribeSecurityGroupAttributeResponseBody, { RequestId: 'r', Permissions: { Permission: [wire] } });
  const permission = body.permissions?.permission?.[0];
  if (!permission) throw new Error('fixture has no permission');
  return permission;
}

const PASCAL = /"[A-Z][A-Za-z0-9]*":/;

describe('normalizeRule (wire → model table)', () => {
  it.each(ruleCases.map((c) => [c.name, c] as const))('%s', (_name, testCase) => {
    const rule = normalizeRule(firstPermission(testCase.wire), { classic: testCase.classic ?? false });
    expect(rule).toEqual(testCase.expected);
    // The result must satisfy the snapshot schema and carry no wire-shaped keys.
    expect(Rule.parse(rule)).toEqual(rule);
    expect(JSON.stringify(rule)).not.toMatch(PASCAL);
  });

  it('never throws on garbage fields', () => {
    const garbage = [{}, { Direction: 'sideways', Priority: 'x', IpProtocol: '', PortRange: '1/2/3' }, { Priority: '-5', IpProtocol: 'udp', PortRange: '0/70000' }];
    for (const wire of garbage) {
      const rule = normalizeRule(firstPermission(wire), { classic: false });
      expect(rule.problems?.length).toBeGreaterThan(0);
      expect(() => Rule.parse(rule)).not.toThrow();
    }
  });
});

describe('normalizeSecurityGroup', () => {
  const listBody = fromWire(DescribeSecurityGroupsResponseBody, {
    RequestId: 'r',
    SecurityGroups: {
      SecurityGroup: [
        { SecurityGroupId: 'sg-basic', SecurityGroupName: 'web', Description: '', VpcId: 'vpc-1', SecurityGroupType: 'normal', ServiceManaged: false, CreationTime: '2020-01-01T00:00:00Z', Tags: { Tag: [{ TagKey: 'tier', TagValue: 'web' }] } },
        { SecurityGroupId: 'sg-ent', SecurityGroupName: 'ent', Description: 'd', VpcId: 'vpc-1', SecurityGroupType: 'enterprise', ServiceManaged: true, Tags: { Tag: [] } },
        { SecurityGroupId: 'sg-classic', SecurityGroupName: 'old', Description: '', VpcId: '', SecurityGroupType: 'normal', Tags: { Tag: [] } },
      ],
    },
  });
  const [basic, enterprise, classic] = listBody.securityGroups?.securityGroup ?? [];

  const cases: [string, () => SecurityGroup, Partial<SecurityGroup>][] = [
    ['basic group defaults innerAccessPolicy to accept', () => normalizeSecurityGroup(basic!, { permissions: [] }),
      { id: 'sg-basic', name: 'web', vpcId: 'vpc-1', type: 'normal', innerAccessPolicy: 'accept', serviceManaged: false, tags: { tier: 'web' }, createdAt: '2020-01-01T00:00:00Z', rules: [] }],
    ['enterprise group defaults innerAccessPolicy to drop', () => normalizeSecurityGroup(enterprise!, { permissions: [] }),
      { id: 'sg-ent', type: 'enterprise', innerAccessPolicy: 'drop', serviceManaged: true, description: 'd' }],
    ['explicit InnerAccessPolicy wins', () => normalizeSecurityGroup(enterprise!, { innerAccessPolicy: 'Accept', permissions: [] }), { innerAccessPolicy: 'accept' }],
    ['group without rules data is still recorded', () => normalizeSecurityGroup(basic!, undefined), { id: 'sg-basic', rules: [] }],
  ];
  it.each(cases)('%s', (_name, run, expected) => {
    const group = run();
    expect(group).toMatchObject(expected);
    expect(SecurityGroup.parse(group)).toEqual(group);
  });

  it('classic group (no VpcId) keeps rules of both NicTypes, pages concatenated', () => {
    const pages = [
      fromWire(DescribeSecurityGroupAttributeResponseBody, { InnerAccessPolicy: 'Drop', NextToken: 't', Permissions: { Permission: [{ Direction: 'ingress', Policy: 'Accept', Priority: 1, IpProtocol: 'TCP', PortRange: '80/80', SourceCidrIp: '0.0.0.0/0', NicType: 'internet' }] } }),
      fromWire(DescribeSecurityGroupAttributeResponseBody, { InnerAccessPolicy: 'Drop', NextToken: '', Permissions: { Permission: [{ Direction: 'ingress', Policy: 'Accept', Priority: 1, IpProtocol: 'TCP', PortRange: '22/22', SourceCidrIp: '10.0.0.0/8', NicType: 'intranet' }] } }),
    ];
    const group = normalizeSecurityGroup(classic!, collectPermissions(pages));
    expect(group.vpcId).toBeUndefined();
    expect(group.innerAccessPolicy).toBe('drop');
    expect(group.rules.map((rule) => [rule.nicType, rule.ports.from])).toEqual([['internet', 80], ['intranet', 22]]);
  });
});

describe('resources', () => {
  it('instance: VpcAttributes, public IPs, EIP, primary ENI groups, tags', () => {
    const body = fromWire(DescribeInstancesResponseBody, {
      Instances: { Instance: [{
        InstanceId: 'i-1', InstanceName: 'db-1', HostName: 'db1', Status: 'Running', InstanceNetworkType: 'vpc',
        VpcAttributes: { VpcId: 'vpc-1', VSwitchId: 'vsw-1', NatIpAddress: '', PrivateIpAddress: { IpAddress: ['10.0.0.5'] } },
        InnerIpAddress: { IpAddress: [] }, PublicIpAddress: { IpAddress: ['47.1.2.3'] },
        EipAddress: { IpAddress: '', AllocationId: '', InternetChargeType: '' },
        SecurityGroupIds: { SecurityGroupId: ['sg-a', 'sg-b'] }, Tags: { Tag: [{ TagKey: 'tier', TagValue: 'internal' }] },
      }, {
        InstanceId: 'i-2', InstanceName: '', Status: 'Stopped', InstanceNetworkType: 'classic',
        VpcAttributes: { VpcId: '', VSwitchId: '', PrivateIpAddress: { IpAddress: [] } }, InnerIpAddress: { IpAddress: ['10.1.1.1'] },
        PublicIpAddress: { IpAddress: [] }, EipAddress: { IpAddress: '8.8.4.4', AllocationId: 'eip-9' }, SecurityGroupIds: { SecurityGroupId: [] }, Tags: { Tag: [] },
      }] },
    });
    const [vpc, classic] = (body.instances?.instance ?? []).map(normalizeInstance);
    const expected: Instance[] = [
      { id: 'i-1', name: 'db-1', hostname: 'db1', status: 'Running', networkType: 'vpc', vpcId: 'vpc-1', vSwitchId: 'vsw-1', securityGroupIds: ['sg-a', 'sg-b'], privateIps: ['10.0.0.5'], publicIps: ['47.1.2.3'], tags: { tier: 'internal' } },
      { id: 'i-2', name: '', status: 'Stopped', networkType: 'classic', securityGroupIds: [], privateIps: ['10.1.1.1'], publicIps: [], eip: { ip: '8.8.4.4', allocationId: 'eip-9' }, tags: {} },
    ];
    expect([vpc, classic]).toEqual(expected);
    for (const instance of expected) expect(Instance.parse(instance)).toEqual(instance);
  });

  it('ENI: type, instance, managed service, private IPs, IPv6, associated public IP, own groups', () => {
    const body = fromWire(DescribeNetworkInterfacesResponseBody, {
      NetworkInterfaceSets: { NetworkInterfaceSet: [{
        NetworkInterfaceId: 'eni-2', NetworkInterfaceName: 'sec', Description: '', Type: 'Secondary', Status: 'InUse', InstanceId: 'i-1',
        ServiceManaged: true, ServiceID: 12345, VpcId: 'vpc-1', VSwitchId: 'vsw-1', PrivateIpAddress: '10.0.0.7',
        PrivateIpSets: { PrivateIpSet: [{ PrivateIpAddress: '10.0.0.7', Primary: true }, { PrivateIpAddress: '10.0.0.8', Primary: false }] },
        Ipv6Sets: { Ipv6Set: [{ Ipv6Address: '2408:4000::1' }] }, AssociatedPublicIp: { PublicIpAddress: '39.1.1.1', AllocationId: 'eip-2' },
        SecurityGroupIds: { SecurityGroupId: ['sg-c'] }, Tags: { Tag: [] }, Attachment: { InstanceId: '' },
      }, {
        NetworkInterfaceId: 'eni-3', NetworkInterfaceName: '', Description: 'rds', Type: 'Secondary', Status: 'Available', InstanceId: '',
        ServiceManaged: false, VpcId: 'vpc-1', VSwitchId: 'vsw-1', PrivateIpAddress: '10.0.0.9', PrivateIpSets: { PrivateIpSet: [] },
        Ipv6Sets: { Ipv6Set: [] }, AssociatedPublicIp: { PublicIpAddress: '', AllocationId: '' }, SecurityGroupIds: { SecurityGroupId: ['sg-d'] }, Tags: { Tag: [] },
      }] },
    });
    const enis = (body.networkInterfaceSets?.networkInterfaceSet ?? []).map(normalizeNetworkInterface);
    const expected: NetworkInterface[] = [
      { id: 'eni-2', name: 'sec', description: '', type: 'Secondary', status: 'InUse', instanceId: 'i-1', serviceManaged: true, serviceId: '12345', vpcId: 'vpc-1', vSwitchId: 'vsw-1', privateIps: ['10.0.0.7', '10.0.0.8'], ipv6Addresses: ['2408:4000::1'], securityGroupIds: ['sg-c'], publicIp: '39.1.1.1', tags: {} },
      { id: 'eni-3', name: '', description: 'rds', type: 'Secondary', status: 'Available', serviceManaged: false, vpcId: 'vpc-1', vSwitchId: 'vsw-1', privateIps: ['10.0.0.9'], ipv6Addresses: [], securityGroupIds: ['sg-d'], tags: {} },
    ];
    expect(enis).toEqual(expected);
    for (const eni of expected) expect(NetworkInterface.parse(eni)).toEqual(eni);
  });

  it('EIP: bound to an ENI, and unbound', () => {
    const body = fromWire(DescribeEipAddressesResponseBody, {
      EipAddresses: { EipAddress: [
        { AllocationId: 'eip-1', IpAddress: '47.0.0.1', Status: 'InUse', Name: 'web', InstanceType: 'NetworkInterface', InstanceId: 'eni-2' },
        { AllocationId: 'eip-2', IpAddress: '47.0.0.2', Status: 'Available', Name: '', InstanceType: '', InstanceId: '' },
      ] },
      TotalCount: 2, PageNumber: 1, PageSize: 100,
    });
    const eips = (body.eipAddresses?.eipAddress ?? []).map(normalizeEip);
    const expected: Eip[] = [
      { allocationId: 'eip-1', ip: '47.0.0.1', status: 'InUse', name: 'web', boundInstanceType: 'NetworkInterface', boundInstanceId: 'eni-2' },
      { allocationId: 'eip-2', ip: '47.0.0.2', status: 'Available', name: '' },
    ];
    expect(eips).toEqual(expected);
    for (const eip of expected) expect(Eip.parse(eip)).toEqual(eip);
  });

  it('prefix list: entries and address family', () => {
    const list = fromWire(DescribePrefixListsResponseBody, { PrefixLists: { PrefixList: [{ PrefixListId: 'pl-6', PrefixListName: 'v6', AddressFamily: 'IPv6' }, { PrefixListId: 'pl-4', PrefixListName: 'v4', AddressFamily: '' }] } });
    const attributes = fromWire(DescribePrefixListAttributesResponseBody, { PrefixListId: 'pl-6', AddressFamily: 'IPv6', Entries: { Entry: [{ Cidr: '2001:db8::/32', Description: 'lab' }, { Cidr: '', Description: '' }] } });
    const [v6, v4] = list.prefixLists?.prefixList ?? [];
    const expected: PrefixList[] = [
      { id: 'pl-6', name: 'v6', addressFamily: 'IPv6', entries: [{ cidr: '2001:db8::/32', description: 'lab' }] },
      { id: 'pl-4', name: 'v4', addressFamily: 'IPv4', entries: [] },
    ];
    expect([normalizePrefixList(v6!, attributes), normalizePrefixList(v4!, undefined)]).toEqual(expected);
    for (const prefixList of expected) expect(PrefixList.parse(prefixList)).toEqual(prefixList);
  });
});
