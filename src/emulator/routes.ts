import type { Handler } from './handlers/context.js';
import {
  describeEcsEipAddresses,
  describeInstances,
  describeNetworkInterfaces,
  describePrefixListAttributes,
  describePrefixLists,
  describeRegions,
  describeSecurityGroupAttribute,
  describeSecurityGroups,
} from './handlers/ecs.js';
import { listAccounts } from './handlers/resource-manager.js';
import { assumeRole, getCallerIdentity } from './handlers/sts.js';
import { describeVpcEipAddresses } from './handlers/vpc.js';

export type Product = 'ecs' | 'vpc' | 'sts' | 'resourcemanager';

export interface Route {
  product: Product;
  handler: Handler;
  /** Every ECS/VPC call except DescribeRegions needs RegionId (STS and Resource Manager are global). */
  needsRegion: boolean;
}

/** Versions identify the product: ECS and VPC both have a DescribeEipAddresses. */
export const VERSIONS: Record<string, Product> = { '2014-05-26': 'ecs', '2016-04-28': 'vpc', '2015-04-01': 'sts', '2020-03-31': 'resourcemanager' };

const ROUTES: Record<Product, Record<string, Route>> = {
  ecs: {
    DescribeRegions: { product: 'ecs', handler: describeRegions, needsRegion: false },
    DescribeSecurityGroups: { product: 'ecs', handler: describeSecurityGroups, needsRegion: true },
    DescribeSecurityGroupAttribute: { product: 'ecs', handler: describeSecurityGroupAttribute, needsRegion: true },
    DescribeInstances: { product: 'ecs', handler: describeInstances, needsRegion: true },
    DescribeNetworkInterfaces: { product: 'ecs', handler: describeNetworkInterfaces, needsRegion: true },
    DescribePrefixLists: { product: 'ecs', handler: describePrefixLists, needsRegion: true },
    DescribePrefixListAttributes: { product: 'ecs', handler: describePrefixListAttributes, needsRegion: true },
    DescribeEipAddresses: { product: 'ecs', handler: describeEcsEipAddresses, needsRegion: true },
  },
  vpc: {
    DescribeEipAddresses: { product: 'vpc', handler: describeVpcEipAddresses, needsRegion: true },
  },
  sts: {
    AssumeRole: { product: 'sts', handler: assumeRole, needsRegion: false },
    GetCallerIdentity: { product: 'sts', handler: getCallerIdentity, needsRegion: false },
  },
  resourcemanager: {
    ListAccounts: { product: 'resourcemanager', handler: listAccounts, needsRegion: false },
  },
};

export function findRoute(product: Product, action: string): Route | undefined {
  return Object.hasOwn(ROUTES[product], action) ? ROUTES[product][action] : undefined;
}
