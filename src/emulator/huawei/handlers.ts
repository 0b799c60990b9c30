import type { Eip, NetworkInterface } from '../../model/snapshot.js';
import type { RegionIndex } from '../estate-index.js';
import { HuaweiErrors } from './errors.js';
import { wireAddressGroup, wirePort, wireRule, wireSecurityGroup, wireServer } from './wire.js';

/** What a Huawei handler sees: the caller's (account, region) as a project, and the query. */
interface HuaweiContext {
  projectId: string;
  regionId: string;
  region: RegionIndex;
  query: URLSearchParams;
  groupName: (id: string) => string;
}

type HuaweiHandler = (context: HuaweiContext) => Record<string, unknown>;

/** Page limits of the real APIs: VPC lists take limit up to 2000; ECS ListServersDetails 1–1000, default 25. */
const VPC_LIMIT = { max: 2000, fallback: 2000 };
const ECS_LIMIT = { max: 1000, fallback: 25 };

function limitOf(query: URLSearchParams, bounds: { max: number; fallback: number }, min: number): number {
  const raw = query.get('limit');
  if (raw === null || raw === '') return bounds.fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > bounds.max) throw HuaweiErrors.invalidParameter('limit', raw);
  // VPC reads limit 0 as "no limit", within its maximum.
  return value === 0 ? bounds.max : value;
}

/** Marker paging: the page starts after the item whose id is the marker. */
function afterMarker<T>(items: readonly T[], idOf: (item: T) => string, query: URLSearchParams, limit: number): { page: T[]; more: boolean } {
  const marker = query.get('marker');
  let start = 0;
  if (marker !== null && marker !== '') {
    const at = items.findIndex((item) => idOf(item) === marker);
    if (at < 0) throw HuaweiErrors.invalidMarker(marker);
    start = at + 1;
  }
  return { page: items.slice(start, start + limit), more: start + limit < items.length };
}

/** VPC v3 `page_info`: `next_marker` only when there is a next page. */
function pageInfo<T>(page: readonly T[], more: boolean, idOf: (item: T) => string): Record<string, unknown> {
  const first = page[0];
  const last = page.at(-1);
  return { ...(first ? { previous_marker: idOf(first) } : {}), current_count: page.length, ...(more && last ? { next_marker: idOf(last) } : {}) };
}

const byId = (item: { id: string }): string => item.id;

const listSecurityGroups: HuaweiHandler = ({ region, query, projectId }) => {
  const { page, more } = afterMarker(region.region.securityGroups, byId, query, limitOf(query, VPC_LIMIT, 0));
  return { security_groups: page.map((group) => wireSecurityGroup(group, projectId)), page_info: pageInfo(page, more, byId) };
};

const listSecurityGroupRules: HuaweiHandler = ({ region, query, projectId }) => {
  const groupFilter = new Set(query.getAll('security_group_id'));
  const versions = new Map(region.region.addressGroups.map((group) => [group.id, group.ipVersion === 'IPv6' ? (6 as const) : (4 as const)]));
  const all = region.cachedFilter(`hw-rules|${[...groupFilter].sort().join(',')}`, () =>
    region.region.securityGroups
      .filter((group) => groupFilter.size === 0 || groupFilter.has(group.id))
      .flatMap((group) => group.rules.map((rule, index) => wireRule(group, rule, index, projectId, (id) => versions.get(id)))),
  );
  const idOf = (rule: Record<string, unknown>): string => rule.id as string;
  const { page, more } = afterMarker(all, idOf, query, limitOf(query, VPC_LIMIT, 0));
  return { security_group_rules: page, page_info: pageInfo(page, more, idOf) };
};

const listAddressGroups: HuaweiHandler = ({ region, query, projectId }) => {
  const { page, more } = afterMarker(region.region.addressGroups, byId, query, limitOf(query, VPC_LIMIT, 0));
  return { address_groups: page.map((group) => wireAddressGroup(group, projectId)), page_info: pageInfo(page, more, byId) };
};

/** VPC v2 ListPorts (`/v1/{project_id}/ports`): marker + limit, no page_info (a short page is the last). */
const listPorts: HuaweiHandler = ({ region, query, projectId, regionId }) => {
  const { page } = afterMarker(region.region.networkInterfaces, byId, query, limitOf(query, VPC_LIMIT, 0));
  return { ports: page.map((eni) => wirePort(eni, projectId, `${regionId}a`)) };
};

/** ECS ListServersDetails: `offset` is a page number (from 1), `count` the total. */
const listServersDetails: HuaweiHandler = ({ region, query, projectId, regionId, groupName }) => {
  const limit = limitOf(query, ECS_LIMIT, 1);
  const rawOffset = query.get('offset');
  const offset = rawOffset === null || rawOffset === '' ? 1 : Number(rawOffset);
  if (!Number.isInteger(offset) || offset < 1) throw HuaweiErrors.invalidParameter('offset', rawOffset ?? '');
  const { instances } = region.region;
  const page = instances.slice((offset - 1) * limit, offset * limit);
  const eipsOf = (eniId: string): readonly Eip[] => {
    const eip = region.eipBoundTo(eniId);
    return eip && eip.boundInstanceType === 'NetworkInterface' ? [eip] : [];
  };
  const enisOf = (instanceId: string): readonly NetworkInterface[] => region.enisByInstance.get(instanceId) ?? [];
  return { count: instances.length, servers: page.map((instance) => wireServer(instance, enisOf(instance.id), eipsOf, groupName, projectId, `${regionId}a`)) };
};

/** Routes by path: `{version}/{project_id}/{rest}`, with the SDK operation name as the action. */
const ROUTES: { pattern: RegExp; action: string; product: 'hwvpc' | 'hwecs'; handler: HuaweiHandler }[] = [
  { pattern: /^\/v3\/([^/]+)\/vpc\/security-groups\/?$/, action: 'ListSecurityGroups', product: 'hwvpc', handler: listSecurityGroups },
  { pattern: /^\/v3\/([^/]+)\/vpc\/security-group-rules\/?$/, action: 'ListSecurityGroupRules', product: 'hwvpc', handler: listSecurityGroupRules },
  { pattern: /^\/v3\/([^/]+)\/vpc\/address-groups\/?$/, action: 'ListAddressGroup', product: 'hwvpc', handler: listAddressGroups },
  { pattern: /^\/v1\/([^/]+)\/ports\/?$/, action: 'ListPorts', product: 'hwvpc', handler: listPorts },
  { pattern: /^\/v1\/([^/]+)\/cloudservers\/detail\/?$/, action: 'ListServersDetails', product: 'hwecs', handler: listServersDetails },
];

export function findHuaweiRoute(method: string, pathname: string): { action: string; product: 'hwvpc' | 'hwecs'; projectId: string; handler: HuaweiHandler } | undefined {
  if (method !== 'GET') return undefined;
  for (const route of ROUTES) {
    const match = route.pattern.exec(pathname);
    if (match) return { action: route.action, product: route.product, projectId: decodeURIComponent(match[1] ?? ''), handler: route.handler };
  }
  return undefined;
}

/** Huawei requests are told apart from Alibaba's by their path: `/v1/…` or `/v3/…` with a project id. */
export function isHuaweiPath(url: string | undefined): boolean {
  return /^\/v[13]\/[^/?]+\//.test(url ?? '');
}
