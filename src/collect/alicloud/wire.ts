/**
 * The SDK's response models, named for what they hold. The SDK maps the PascalCase wire JSON to
 * these camelCase classes (`$dara.cast`), converting numbers to strings where the model says string
 * (Priority is declared a string but arrives as either). These types never leave `collect/`.
 */
import type * as Ecs from '@alicloud/ecs20140526';
import type * as ResourceManager from '@alicloud/resourcemanager20200331';
import type * as Vpc from '@alicloud/vpc20160428';

export type WireSecurityGroup = Ecs.DescribeSecurityGroupsResponseBodySecurityGroupsSecurityGroup;
export type WireSecurityGroupAttribute = Ecs.DescribeSecurityGroupAttributeResponseBody;
export type WirePermission = Ecs.DescribeSecurityGroupAttributeResponseBodyPermissionsPermission;
export type WireInstance = Ecs.DescribeInstancesResponseBodyInstancesInstance;
export type WireNetworkInterface = Ecs.DescribeNetworkInterfacesResponseBodyNetworkInterfaceSetsNetworkInterfaceSet;
export type WirePrefixList = Ecs.DescribePrefixListsResponseBodyPrefixListsPrefixList;
export type WirePrefixListAttributes = Ecs.DescribePrefixListAttributesResponseBody;
export type WireEip = Vpc.DescribeEipAddressesResponseBodyEipAddressesEipAddress;
export type WireRegion = Ecs.DescribeRegionsResponseBodyRegionsRegion;
export type WireMember = ResourceManager.ListAccountsResponseBodyAccountsAccount;
