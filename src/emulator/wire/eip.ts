import type { Eip } from '../../model/snapshot.js';
import { creationTimeFor, vpcTags } from './common.js';

/** VPC 2016-04-28 DescribeEipAddresses item (the API the collector should use). */
export function wireVpcEip(eip: Eip, regionId: string): Record<string, unknown> {
  return {
    AllocationId: eip.allocationId,
    IpAddress: eip.ip,
    Name: eip.name,
    Description: '',
    Status: eip.status || (eip.boundInstanceId ? 'InUse' : 'Available'),
    InstanceType: eip.boundInstanceType ?? '',
    InstanceId: eip.boundInstanceId ?? '',
    InstanceRegionId: eip.boundInstanceId ? regionId : '',
    PrivateIpAddress: '',
    RegionId: regionId,
    Bandwidth: '5',
    EipBandwidth: '5',
    ChargeType: 'PostPaid',
    InternetChargeType: 'PayByTraffic',
    ISP: 'BGP',
    Netmode: 'public',
    Mode: 'NAT',
    AllocationTime: creationTimeFor(eip.allocationId),
    ExpiredTime: '',
    ResourceGroupId: '',
    VpcId: '',
    DeletionProtection: false,
    SecondLimited: false,
    ServiceManaged: 0,
    OperationLocks: { LockReason: [] },
    SecurityProtectionTypes: { SecurityProtectionType: [] },
    Tags: vpcTags({}),
  };
}

/** The older ECS 2014-05-26 DescribeEipAddresses item: fewer fields, same paging style. */
export function wireEcsEip(eip: Eip, regionId: string): Record<string, unknown> {
  return {
    AllocationId: eip.allocationId,
    IpAddress: eip.ip,
    Status: eip.status || (eip.boundInstanceId ? 'InUse' : 'Available'),
    InstanceType: eip.boundInstanceType ?? '',
    InstanceId: eip.boundInstanceId ?? '',
    RegionId: regionId,
    Bandwidth: '5',
    EipBandwidth: '5',
    ChargeType: 'PostPaid',
    InternetChargeType: 'PayByTraffic',
    AllocationTime: creationTimeFor(eip.allocationId),
    ExpiredTime: '',
    OperationLocks: { LockReason: [] },
  };
}
