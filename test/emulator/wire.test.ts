import { describe, expect, it } from 'vitest';
import { EstateIndex } from '../../src/emulator/estate-index.js';
import { wireInstance, wireNetworkInterface, wirePermission, wireSecurityGroup } from '../../src/emulator/wire/ecs.js';
import type { Rule } from '../../src/model/snapshot.js';
import { sampleEstate } from '../../src/emulator/index.js';

const estate = new EstateIndex(sampleEstate());
const region = estate.region('1234567890123456', 'cn-hangzhou');
const base: Rule = { direction: 'ingress', policy: 'accept', priority: 1, protocol: 'tcp', ports: { from: 22, to: 22 }, source: { cidr: '0.0.0.0/0' } };

describe('rule → Permission', () => {
  it.each<[string, Partial<Rule>, Record<string, string>]>([
    ['single TCP port', {}, { IpProtocol: 'TCP', PortRange: '22/22', Policy: 'Accept', Priority: '1', SourceCidrIp: '0.0.0.0/0' }],
    ['all TCP ports stay 1/65535', { ports: { from: 1, to: 65535 } }, { PortRange: '1/65535' }],
    ['protocol ALL is -1/-1', { protocol: 'all', ports: { from: 1, to: 65535 } }, { IpProtocol: 'ALL', PortRange: '-1/-1' }],
    ['ICMP is -1/-1', { protocol: 'icmp', ports: { from: 1, to: 65535 } }, { IpProtocol: 'ICMP', PortRange: '-1/-1' }],
    ['GRE is -1/-1', { protocol: 'gre', ports: { from: 1, to: 65535 } }, { IpProtocol: 'GRE', PortRange: '-1/-1' }],
    ['ICMPv6 keeps its case', { protocol: 'icmpv6' }, { IpProtocol: 'ICMPv6' }],
    ['drop is Drop', { policy: 'drop', priority: 110 }, { Policy: 'Drop', Priority: '110' }],
    ['IPv6 source', { source: { ipv6Cidr: '::/0' } }, { Ipv6SourceCidrIp: '::/0', SourceCidrIp: '' }],
    ['cross-account group', { source: { groupId: 'sg-bp1sharedbast000001', ownerAccount: '6543210987654321' } }, { SourceGroupId: 'sg-bp1sharedbast000001', SourceGroupOwnerAccount: '6543210987654321', SourceGroupName: 'shared-bastion' }],
    ['prefix list with its name', { source: { prefixListId: 'pl-bp1partners000000001' } }, { SourcePrefixListId: 'pl-bp1partners000000001', SourcePrefixListName: 'partner-networks' }],
    ['egress destination', { direction: 'egress', source: undefined, destination: { cidr: '10.0.0.0/8' } }, { Direction: 'egress', DestCidrIp: '10.0.0.0/8', SourceCidrIp: '' }],
    ['malformed PortRange', { problems: [{ field: 'PortRange', value: 'abc/x', problem: 'bad' }] }, { PortRange: 'abc/x' }],
    ['malformed IpProtocol', { problems: [{ field: 'IpProtocol', value: 'FOO', problem: 'bad' }] }, { IpProtocol: 'FOO' }],
    ['empty Priority', { problems: [{ field: 'Priority', value: '', problem: 'bad' }] }, { Priority: '' }],
  ])('%s', (_name, change, expected) => {
    const permission = wirePermission({ ...base, ...change }, 'intranet', estate, region);
    expect(permission).toMatchObject(expected);
    // Every string field is present, "" when absent.
    expect(Object.values(permission).every((value) => typeof value === 'string')).toBe(true);
    expect(permission.SecurityGroupRuleId).toBe('');
  });
});

describe('group, instance and ENI shapes', () => {
  it('wraps tags and keeps SecurityGroupType and ServiceManaged on the group list only', () => {
    const group = region.groupById.get('sg-bp1monitoring000001');
    if (!group) throw new Error('sample changed');
    const wire = wireSecurityGroup(group, region);
    expect(wire).toMatchObject({ SecurityGroupType: 'normal', ServiceManaged: false, Tags: { Tag: [{ TagKey: 'owner', TagValue: '{{7*7}}' }, { TagKey: 'tier', TagValue: 'monitoring' }] } });
    expect(wire).not.toHaveProperty('InnerAccessPolicy');
  });

  it('gives an instance the primary ENI groups and always-present wrapped lists', () => {
    const instance = region.region.instances.find((i) => i.id === 'i-bp1search000000001');
    if (!instance) throw new Error('sample changed');
    const wire = wireInstance(instance, 'cn-hangzhou', region) as Record<string, Record<string, unknown>>;
    expect(wire.SecurityGroupIds).toEqual({ SecurityGroupId: ['sg-bp1app00000000000001'] });
    expect(wire.PublicIpAddress).toEqual({ IpAddress: [] });
    expect(wire.EipAddress).toMatchObject({ IpAddress: '', AllocationId: '' });
    expect(wire.VpcAttributes).toMatchObject({ PrivateIpAddress: { IpAddress: ['10.0.7.71'] } });
    expect((wire.NetworkInterfaces?.NetworkInterface as unknown[]).length).toBe(2);
  });

  it('shows a secondary ENI with its own groups and its EIP as AssociatedPublicIp', () => {
    const eni = region.region.networkInterfaces.find((e) => e.id === 'eni-bp1searchadmin00001');
    if (!eni) throw new Error('sample changed');
    const wire = wireNetworkInterface(eni, 'cn-hangzhou', '1234567890123456', region);
    expect(wire).toMatchObject({
      Type: 'Secondary',
      SecurityGroupIds: { SecurityGroupId: ['sg-bp1eniadmin00000001'] },
      AssociatedPublicIp: { PublicIpAddress: '47.96.70.72', AllocationId: 'eip-bp1searchadm00001' },
      Ipv6Sets: { Ipv6Set: [] },
    });
  });
});
