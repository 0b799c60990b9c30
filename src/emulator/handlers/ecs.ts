import type { Instance, NetworkInterface, PrefixList, SecurityGroup } from '../../model/snapshot.js';
import { ApiError, Errors } from '../errors.js';
import { REGION_NAMES } from '../estate-index.js';
import { pageByNumber, pageByToken, usesPageNumber } from '../paging.js';
import { wireEcsEip } from '../wire/eip.js';
import { eipMatches } from './vpc.js';
import {
  wireInstance,
  wireNetworkInterface,
  wirePermission,
  wirePrefixList,
  wirePrefixListAttributes,
  wireSecurityGroup,
  wireSecurityGroupAttribute,
  wireNicType,
} from '../wire/ecs.js';
import { filterKey, type Handler, type HandlerContext, jsonList, matchesTags, repeatList, tagFilters } from './context.js';

/** Page limits of the real ECS APIs (MaxResults maximum, default; PageSize maximum for the older style). */
const ECS_LIMITS = {
  securityGroups: { maxResultsLimit: 100, defaultMaxResults: 10, pageSizeLimit: 50 },
  rules: { maxResultsLimit: 1000, defaultMaxResults: 500 },
  instances: { maxResultsLimit: 100, defaultMaxResults: 10, pageSizeLimit: 100 },
  networkInterfaces: { maxResultsLimit: 500, defaultMaxResults: 10, pageSizeLimit: 500 },
  prefixLists: { maxResultsLimit: 100, defaultMaxResults: 10 },
  eips: { pageSizeLimit: 100 },
} as const;

function required(context: HandlerContext, name: string): string {
  const value = context.params[name];
  if (value === undefined || value === '') throw Errors.missingParameter(name);
  return value;
}

function oneOf(context: HandlerContext, name: string, allowed: string[], fallback: string): string {
  const value = context.params[name] ?? fallback;
  const match = allowed.find((candidate) => candidate.toLowerCase() === value.toLowerCase());
  if (match === undefined) throw new ApiError(400, `Invalid${name}.ValueNotSupported`, `The specified parameter ${name} is not valid: ${value}`);
  return match;
}

/** A list answered with NextToken paging, or with PageNumber paging when the caller asks for it. */
function pagedList<T>(
  context: HandlerContext,
  all: readonly T[],
  limits: { maxResultsLimit: number; defaultMaxResults: number; pageSizeLimit?: number },
  scope: string,
  listKey: string,
  itemKey: string,
  toWire: (item: T) => unknown,
): Record<string, unknown> {
  if (limits.pageSizeLimit !== undefined && usesPageNumber(context.params)) {
    const page = pageByNumber(all, context.params, limits.pageSizeLimit);
    return { [listKey]: { [itemKey]: page.items.map(toWire) }, PageNumber: page.pageNumber, PageSize: page.pageSize, TotalCount: page.totalCount, NextToken: '' };
  }
  const page = pageByToken(all, context.params, limits, scope);
  return { [listKey]: { [itemKey]: page.items.map(toWire) }, NextToken: page.nextToken, TotalCount: all.length };
}

export const describeRegions: Handler = (context) => {
  const account = context.estate.account(context.principal.accountId);
  const ids = new Set((account?.regions ?? []).map((region) => region.regionId));
  for (const forbidden of context.faults.forbidRegions ?? []) ids.add(forbidden);
  return {
    Regions: {
      Region: [...ids].sort().map((regionId) => ({
        RegionId: regionId,
        LocalName: REGION_NAMES[regionId] ?? regionId,
        RegionEndpoint: `ecs.${regionId}.aliyuncs.com`,
        Status: 'available',
      })),
    },
  };
};

export const describeSecurityGroups: Handler = (context) => {
  const region = context.region();
  const { params } = context;
  const ids = new Set([...(params.SecurityGroupId ? [params.SecurityGroupId] : []), ...(jsonList(params, 'SecurityGroupIds') ?? [])]);
  const tags = tagFilters(params);
  const networkType = params.NetworkType;
  const all = filterKey(params) === ''
    ? region.region.securityGroups
    : region.cachedFilter(`sg?${filterKey(params)}`, () =>
        region.region.securityGroups.filter(
          (group: SecurityGroup) =>
            (ids.size === 0 || ids.has(group.id)) &&
            (!params.VpcId || group.vpcId === params.VpcId) &&
            (!params.SecurityGroupType || group.type === params.SecurityGroupType) &&
            (!params.SecurityGroupName || group.name === params.SecurityGroupName) &&
            (params.ServiceManaged === undefined || String(group.serviceManaged) === params.ServiceManaged) &&
            (!networkType || (networkType === 'vpc') === (group.vpcId !== undefined)) &&
            matchesTags(group.tags, tags),
        ),
      );
  return {
    RegionId: context.regionId,
    ...pagedList(context, all, ECS_LIMITS.securityGroups, `sg/${context.regionId}/${filterKey(params)}`, 'SecurityGroups', 'SecurityGroup', (group) => wireSecurityGroup(group, region)),
  };
};

export const describeSecurityGroupAttribute: Handler = (context) => {
  const region = context.region();
  const groupId = required(context, 'SecurityGroupId');
  const group = region.groupById.get(groupId);
  if (!group) throw Errors.groupNotFound();
  const nicType = oneOf(context, 'NicType', ['internet', 'intranet'], 'intranet');
  const direction = oneOf(context, 'Direction', ['ingress', 'egress', 'all'], 'all');
  const rules = group.rules.filter((rule) => wireNicType(group, rule) === nicType && (direction === 'all' || rule.direction === direction));
  const page = pageByToken(rules, context.params, ECS_LIMITS.rules, `rules/${context.regionId}/${group.id}/${nicType}/${direction}`);
  const permissions = page.items.map((rule) => wirePermission(rule, nicType, context.estate, region));
  return wireSecurityGroupAttribute(group, context.regionId, permissions, page.nextToken);
};

export const describeInstances: Handler = (context) => {
  const region = context.region();
  const { params } = context;
  const key = filterKey(params);
  const all = key === ''
    ? region.region.instances
    : region.cachedFilter(`i?${key}`, () => {
        const ids = jsonList(params, 'InstanceIds');
        const idSet = ids ? new Set(ids) : undefined;
        const tags = tagFilters(params);
        const groupId = params.SecurityGroupId;
        return region.region.instances.filter(
          (instance: Instance) =>
            (!idSet || idSet.has(instance.id)) &&
            (!params.VpcId || instance.vpcId === params.VpcId) &&
            (!params.VSwitchId || instance.vSwitchId === params.VSwitchId) &&
            (!params.Status || instance.status === params.Status) &&
            (!params.InstanceNetworkType || instance.networkType === params.InstanceNetworkType) &&
            (!params.InstanceName || instance.name === params.InstanceName) &&
            (!groupId || instance.securityGroupIds.includes(groupId)) &&
            matchesTags(instance.tags, tags),
        );
      });
  return pagedList(context, all, ECS_LIMITS.instances, `i/${context.regionId}/${key}`, 'Instances', 'Instance', (instance) => wireInstance(instance, context.regionId, region));
};

export const describeNetworkInterfaces: Handler = (context) => {
  const region = context.region();
  const { params } = context;
  const key = filterKey(params);
  const all = key === ''
    ? region.region.networkInterfaces
    : region.cachedFilter(`eni?${key}`, () => {
        const ids = new Set(repeatList(params, 'NetworkInterfaceId'));
        const tags = tagFilters(params);
        return region.region.networkInterfaces.filter(
          (eni: NetworkInterface) =>
            (ids.size === 0 || ids.has(eni.id)) &&
            (!params.InstanceId || eni.instanceId === params.InstanceId) &&
            (!params.SecurityGroupId || eni.securityGroupIds.includes(params.SecurityGroupId)) &&
            (!params.VpcId || eni.vpcId === params.VpcId) &&
            (!params.VSwitchId || eni.vSwitchId === params.VSwitchId) &&
            (!params.Type || eni.type === params.Type) &&
            (!params.Status || eni.status === params.Status) &&
            (params.ServiceManaged === undefined || String(eni.serviceManaged) === params.ServiceManaged) &&
            matchesTags(eni.tags, tags),
        );
      });
  return pagedList(context, all, ECS_LIMITS.networkInterfaces, `eni/${context.regionId}/${key}`, 'NetworkInterfaceSets', 'NetworkInterfaceSet', (eni) =>
    wireNetworkInterface(eni, context.regionId, context.principal.accountId, region),
  );
};

export const describePrefixLists: Handler = (context) => {
  const region = context.region();
  const { params } = context;
  const ids = new Set(repeatList(params, 'PrefixListId'));
  const all = region.region.prefixLists.filter(
    (list: PrefixList) =>
      (ids.size === 0 || ids.has(list.id)) &&
      (!params.AddressFamily || list.addressFamily === params.AddressFamily) &&
      (!params.PrefixListName || list.name === params.PrefixListName),
  );
  const page = pageByToken(all, params, ECS_LIMITS.prefixLists, `pl/${context.regionId}/${filterKey(params)}`);
  return { PrefixLists: { PrefixList: page.items.map((list) => wirePrefixList(list, region)) }, NextToken: page.nextToken };
};

export const describePrefixListAttributes: Handler = (context) => {
  const list = context.region().prefixListById.get(required(context, 'PrefixListId'));
  if (!list) throw Errors.prefixListNotFound();
  return wirePrefixListAttributes(list);
};

/** The old ECS action of the same name as VPC's; same PageNumber paging, fewer fields. */
export const describeEcsEipAddresses: Handler = (context) => {
  const region = context.region();
  const { params } = context;
  const all = region.region.eips.filter((eip) => eipMatches(eip, params, { status: false }));
  const page = pageByNumber(all, params, ECS_LIMITS.eips.pageSizeLimit);
  return { EipAddresses: { EipAddress: page.items.map((eip) => wireEcsEip(eip, context.regionId)) }, PageNumber: page.pageNumber, PageSize: page.pageSize, TotalCount: page.totalCount };
};
