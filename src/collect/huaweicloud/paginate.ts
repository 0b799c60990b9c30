import type { CoverageApi } from '../../model/snapshot.js';
import type { Caller } from '../alicloud/paginate.js';
import type { HuaweiClients } from './clients.js';
import type { WireAddressGroup, WireObject, WirePort, WireRule, WireSecurityGroup, WireServer } from './wire.js';

/**
 * The Huawei listings and how each pages. VPC v3 lists take `limit` + `marker` and answer
 * `page_info.next_marker` while there is more; VPC v2 ListPorts takes `limit` + `marker` (the last
 * port's id) and a short page is the last; ECS ListServersDetails takes `offset` as a page number
 * from 1 with `limit`, and `count` totals. Page sizes are the APIs' maxima (ECS: the 200 Huawei
 * recommends for large tenants, its maximum being 1,000), so the request count is near the minimum.
 */
const HUAWEI_PAGE_SIZES = { vpc: 2000, ports: 2000, servers: 200 } as const;

/** A page whose list is missing is a body the SDK could not parse (it hands back `{}`): worth another try. */
function listOf(page: WireObject, key: string, api: CoverageApi): WireObject[] {
  const items = page[key];
  if (!Array.isArray(items)) throw new SyntaxError(`${api}: the response has no ${key} list`);
  return items as WireObject[];
}

function nextMarker(page: WireObject): string | undefined {
  const info = page.page_info;
  const marker = typeof info === 'object' && info !== null ? (info as WireObject).next_marker : undefined;
  return typeof marker === 'string' && marker !== '' ? marker : undefined;
}

async function byMarker(call: Caller, api: CoverageApi, key: string, fetch: (marker: string | undefined) => Promise<unknown>): Promise<WireObject[]> {
  const all: WireObject[] = [];
  let marker: string | undefined;
  do {
    const current = marker;
    const page = (await call(api, () => fetch(current))) as WireObject;
    const items = listOf(page, key, api);
    all.push(...items);
    marker = nextMarker(page);
  } while (marker !== undefined);
  return all;
}

export function listSecurityGroups(clients: HuaweiClients, call: Caller): Promise<WireSecurityGroup[]> {
  const { ListSecurityGroupsRequest } = clients.requests;
  return byMarker(call, 'ListSecurityGroups', 'security_groups', (marker) => {
    const request = new ListSecurityGroupsRequest().withLimit(HUAWEI_PAGE_SIZES.vpc);
    return clients.vpc.listSecurityGroups(marker ? request.withMarker(marker) : request);
  });
}

/** Every rule of the project in one paged listing (grouped by `security_group_id` afterwards): far fewer calls than one listing per group. */
export function listSecurityGroupRules(clients: HuaweiClients, call: Caller): Promise<WireRule[]> {
  const { ListSecurityGroupRulesRequest } = clients.requests;
  return byMarker(call, 'ListSecurityGroupRules', 'security_group_rules', (marker) => {
    const request = new ListSecurityGroupRulesRequest().withLimit(HUAWEI_PAGE_SIZES.vpc);
    return clients.vpc.listSecurityGroupRules(marker ? request.withMarker(marker) : request);
  });
}

export function listAddressGroups(clients: HuaweiClients, call: Caller): Promise<WireAddressGroup[]> {
  const { ListAddressGroupRequest } = clients.requests;
  return byMarker(call, 'ListAddressGroup', 'address_groups', (marker) => {
    const request = new ListAddressGroupRequest().withLimit(HUAWEI_PAGE_SIZES.vpc);
    return clients.vpc.listAddressGroup(marker ? request.withMarker(marker) : request);
  });
}

export async function listPorts(clients: HuaweiClients, call: Caller): Promise<WirePort[]> {
  const { ListPortsRequest } = clients.requests;
  const all: WirePort[] = [];
  let marker: string | undefined;
  for (;;) {
    const current = marker;
    const request = new ListPortsRequest().withLimit(HUAWEI_PAGE_SIZES.ports);
    const page = (await call('ListPorts', () => clients.ports.listPorts(current ? request.withMarker(current) : request))) as unknown as WireObject;
    const items = listOf(page, 'ports', 'ListPorts');
    all.push(...items);
    const last = items.at(-1)?.id;
    if (items.length < HUAWEI_PAGE_SIZES.ports || typeof last !== 'string') return all;
    marker = last;
  }
}

export async function listServers(clients: HuaweiClients, call: Caller): Promise<WireServer[]> {
  const { ListServersDetailsRequest } = clients.requests;
  const all: WireServer[] = [];
  for (let pageNumber = 1; ; pageNumber++) {
    const request = new ListServersDetailsRequest().withLimit(HUAWEI_PAGE_SIZES.servers).withOffset(pageNumber);
    const page = (await call('ListServersDetails', () => clients.ecs.listServersDetails(request))) as unknown as WireObject;
    const items = listOf(page, 'servers', 'ListServersDetails');
    all.push(...items);
    const count = typeof page.count === 'number' ? page.count : undefined;
    // `count` says when the list is done; without it a short page does.
    if (items.length === 0 || (count !== undefined ? all.length >= count : items.length < HUAWEI_PAGE_SIZES.servers)) return all;
  }
}
