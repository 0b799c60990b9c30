import {
  DescribeInstancesRequest,
  DescribeNetworkInterfacesRequest,
  DescribePrefixListAttributesRequest,
  DescribePrefixListsRequest,
  DescribeRegionsRequest,
  DescribeSecurityGroupAttributeRequest,
  DescribeSecurityGroupsRequest,
} from '@alicloud/ecs20140526';
import { ListAccountsRequest } from '@alicloud/resourcemanager20200331';
import { DescribeEipAddressesRequest } from '@alicloud/vpc20160428';
import type { CoverageApi } from '../../model/snapshot.js';
import type { ClientFactory } from './clients.js';
import type {
  WireEip,
  WireInstance,
  WireMember,
  WireNetworkInterface,
  WirePrefixList,
  WirePrefixListAttributes,
  WireRegion,
  WireSecurityGroup,
  WireSecurityGroupAttribute,
} from './wire.js';

/**
 * The paged APIs as data, like CloudSploit's collector table: which client, which paging style,
 * the largest page the API allows (so the request count is the minimum), how to read the items.
 * Request and response field names are the SDK models' (checked against their .d.ts).
 */

export interface Page<T> {
  items: T[];
  requestId?: string;
  /** NextToken style: absent or "" on the last page. */
  nextToken?: string;
  /** PageNumber style: the total across pages. */
  totalCount?: number;
}

/** APIs called through the orchestrator: the covered ones, plus STS GetCallerIdentity (no coverage row). */
export type CalledApi = CoverageApi | 'GetCallerIdentity';

/** Performs one HTTP call; the orchestrator wraps it with limits, retries and accounting. */
export type Caller = <T>(api: CalledApi, call: () => Promise<T>) => Promise<T>;

interface TokenApi<T, P = void> {
  api: CoverageApi;
  style: 'token';
  maxResults: number;
  fetch(clients: ClientFactory, regionId: string, nextToken: string | undefined, params: P): Promise<Page<T>>;
}

interface PageNumberApi<T> {
  api: CoverageApi;
  style: 'pageNumber';
  pageSize: number;
  fetch(clients: ClientFactory, regionId: string, pageNumber: number): Promise<Page<T>>;
}

function token(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

export const SECURITY_GROUPS: TokenApi<WireSecurityGroup> = {
  api: 'DescribeSecurityGroups',
  style: 'token',
  maxResults: 100,
  async fetch(clients, regionId, nextToken) {
    const { body } = await clients.ecs(regionId).describeSecurityGroupsWithOptions(new DescribeSecurityGroupsRequest({ regionId, maxResults: this.maxResults, nextToken }), clients.runtime());
    return { items: body?.securityGroups?.securityGroup ?? [], requestId: body?.requestId, nextToken: token(body?.nextToken) };
  },
};

/** Rules of one group for one NicType; the API pages rules too (a group can hold 1,000+ rules). */
export const SECURITY_GROUP_RULES: TokenApi<WireSecurityGroupAttribute, { securityGroupId: string; nicType: 'internet' | 'intranet' }> = {
  api: 'DescribeSecurityGroupAttribute',
  style: 'token',
  maxResults: 1000,
  async fetch(clients, regionId, nextToken, { securityGroupId, nicType }) {
    const { body } = await clients
      .ecs(regionId)
      .describeSecurityGroupAttributeWithOptions(new DescribeSecurityGroupAttributeRequest({ regionId, securityGroupId, nicType, maxResults: this.maxResults, nextToken }), clients.runtime());
    // The whole page body is the item: it carries InnerAccessPolicy as well as the rules.
    return { items: body ? [body] : [], requestId: body?.requestId, nextToken: token(body?.nextToken) };
  },
};

export const INSTANCES: TokenApi<WireInstance> = {
  api: 'DescribeInstances',
  style: 'token',
  maxResults: 100,
  async fetch(clients, regionId, nextToken) {
    const { body } = await clients.ecs(regionId).describeInstancesWithOptions(new DescribeInstancesRequest({ regionId, maxResults: this.maxResults, nextToken }), clients.runtime());
    return { items: body?.instances?.instance ?? [], requestId: body?.requestId, nextToken: token(body?.nextToken) };
  },
};

export const NETWORK_INTERFACES: TokenApi<WireNetworkInterface> = {
  api: 'DescribeNetworkInterfaces',
  style: 'token',
  maxResults: 500,
  async fetch(clients, regionId, nextToken) {
    const { body } = await clients.ecs(regionId).describeNetworkInterfacesWithOptions(new DescribeNetworkInterfacesRequest({ regionId, maxResults: this.maxResults, nextToken }), clients.runtime());
    return { items: body?.networkInterfaceSets?.networkInterfaceSet ?? [], requestId: body?.requestId, nextToken: token(body?.nextToken) };
  },
};

export const PREFIX_LISTS: TokenApi<WirePrefixList> = {
  api: 'DescribePrefixLists',
  style: 'token',
  maxResults: 100,
  async fetch(clients, regionId, nextToken) {
    const { body } = await clients.ecs(regionId).describePrefixListsWithOptions(new DescribePrefixListsRequest({ regionId, maxResults: this.maxResults, nextToken }), clients.runtime());
    return { items: body?.prefixLists?.prefixList ?? [], requestId: body?.requestId, nextToken: token(body?.nextToken) };
  },
};

/** Not paged: one call per prefix list returns all its entries. */
export async function fetchPrefixListAttributes(clients: ClientFactory, regionId: string, prefixListId: string): Promise<WirePrefixListAttributes | undefined> {
  const { body } = await clients.ecs(regionId).describePrefixListAttributesWithOptions(new DescribePrefixListAttributesRequest({ regionId, prefixListId }), clients.runtime());
  return body;
}

/** VPC's DescribeEipAddresses (ECS has an older action of the same name): PageNumber/PageSize ≤ 100. */
export const EIP_ADDRESSES: PageNumberApi<WireEip> = {
  api: 'DescribeEipAddresses',
  style: 'pageNumber',
  pageSize: 100,
  async fetch(clients, regionId, pageNumber) {
    const { body } = await clients.vpc(regionId).describeEipAddressesWithOptions(new DescribeEipAddressesRequest({ regionId, pageNumber, pageSize: this.pageSize }), clients.runtime());
    return { items: body?.eipAddresses?.eipAddress ?? [], requestId: body?.requestId, totalCount: body?.totalCount };
  },
};

/**
 * Resource Directory members, every folder at once (ListAccounts; ListAccountsForParent would list
 * one folder's direct members only): PageNumber/PageSize ≤ 100. Global: the region is not sent.
 */
export const RESOURCE_DIRECTORY_MEMBERS: PageNumberApi<WireMember> = {
  api: 'ListAccounts',
  style: 'pageNumber',
  pageSize: 100,
  async fetch(clients, _regionId, pageNumber) {
    const { body } = await clients.resourceManager().listAccountsWithOptions(new ListAccountsRequest({ pageNumber, pageSize: this.pageSize }), clients.runtime());
    return { items: body?.accounts?.account ?? [], requestId: body?.requestId, totalCount: body?.totalCount };
  },
};

export async function fetchRegions(clients: ClientFactory, bootstrapRegion: string): Promise<{ regions: WireRegion[]; requestId?: string }> {
  const { body } = await clients.ecs(bootstrapRegion).describeRegionsWithOptions(new DescribeRegionsRequest({}), clients.runtime());
  return { regions: body?.regions?.region ?? [], requestId: body?.requestId };
}

/** A hard stop against a server that keeps handing out tokens or pages. */
const MAX_PAGES = 100_000;

/**
 * Page a NextToken API to the end, handing each page to `onPage` as it arrives (so dependent
 * calls can start before the listing ends). A repeated token is a server bug, not an endless loop.
 */
export async function pageByToken<T, P>(spec: TokenApi<T, P>, clients: ClientFactory, regionId: string, params: P, caller: Caller, onPage: (page: Page<T>) => void | Promise<void>): Promise<void> {
  const seen = new Set<string>();
  let nextToken: string | undefined;
  for (let pages = 0; pages < MAX_PAGES; pages++) {
    const page = await caller(spec.api, () => spec.fetch(clients, regionId, nextToken, params));
    await onPage(page);
    if (page.nextToken === undefined) return;
    if (seen.has(page.nextToken)) throw Object.assign(new Error(`${spec.api} returned the same NextToken twice`), { code: 'PagingLoop' });
    seen.add(page.nextToken);
    nextToken = page.nextToken;
  }
  throw Object.assign(new Error(`${spec.api} did not finish after ${MAX_PAGES} pages`), { code: 'PagingLoop' });
}

/** Page a PageNumber API until TotalCount items have been seen (or a short/empty page ends it). */
export async function pageByNumber<T>(spec: PageNumberApi<T>, clients: ClientFactory, regionId: string, caller: Caller, onPage: (page: Page<T>) => void | Promise<void>): Promise<void> {
  let seen = 0;
  for (let pageNumber = 1; pageNumber <= MAX_PAGES; pageNumber++) {
    const page = await caller(spec.api, () => spec.fetch(clients, regionId, pageNumber));
    await onPage(page);
    seen += page.items.length;
    if (page.items.length === 0) return;
    if (page.totalCount !== undefined ? seen >= page.totalCount : page.items.length < spec.pageSize) return;
  }
  throw Object.assign(new Error(`${spec.api} did not finish after ${MAX_PAGES} pages`), { code: 'PagingLoop' });
}
