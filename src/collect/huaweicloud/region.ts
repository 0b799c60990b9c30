import type { Coverage, CoverageApi, Eip, NetworkInterface, Region, Rule } from '../../model/snapshot.js';
import type { Caller } from '../alicloud/paginate.js';
import { ApiCallError, classifyError, type ApiFailure } from '../retry.js';
import type { HuaweiClients } from './clients.js';
import { floatingIps, normalizeAddressGroup, normalizePort, normalizeRule, normalizeSecurityGroup, normalizeServer, primaryPortOf } from './normalize.js';
import { listAddressGroups, listPorts, listSecurityGroupRules, listSecurityGroups, listServers } from './paginate.js';
import type { WireObject } from './wire.js';

export interface HuaweiRegionJob {
  accountId: string;
  regionId: string;
  clients: HuaweiClients;
  /** Runs one HTTP call under the run's limits with retries; throws ApiCallError. */
  call: Caller;
  attempts(api: CoverageApi): number;
  redact(text: string): string;
  discovering?: () => () => void;
}

type Listed = { items: WireObject[] } | { failure: ApiFailure };

/** One listing as an open source of pages (see Progress.discovering), its failure kept rather than thrown. */
async function listing(job: HuaweiRegionJob, run: () => Promise<WireObject[]>): Promise<Listed> {
  const close = job.discovering?.();
  try {
    return { items: await run() };
  } catch (error) {
    return { failure: error instanceof ApiCallError ? error.failure : classifyError(error) };
  } finally {
    close?.();
  }
}

function coverageOf(job: HuaweiRegionJob, api: CoverageApi, listed: Listed): Coverage {
  const base = { accountId: job.accountId, regionId: job.regionId, api, requests: job.attempts(api) };
  if ('items' in listed) return { ...base, status: 'complete', items: listed.items.length };
  const { failure } = listed;
  return {
    ...base,
    status: failure.denied ? 'denied' : 'failed',
    code: failure.code,
    message: job.redact(failure.message),
    ...(failure.requestId ? { requestId: failure.requestId } : {}),
    items: 0,
  };
}

const itemsOf = (listed: Listed): WireObject[] => ('items' in listed ? listed.items : []);

/**
 * One Huawei (account, region): the five listings side by side, then the region assembled.
 * Rules come from one project-wide listing and join their groups by `security_group_id`; ports
 * carry each interface's groups in sequence order; servers name their primary port and the EIPs
 * (floating addresses) on each port. A failed listing records nothing of its kind and says so in
 * coverage, so "not seen" never reads as "none".
 */
export async function collectHuaweiRegion(job: HuaweiRegionJob): Promise<{ region: Region; coverage: Coverage[] }> {
  const { clients, call } = job;
  const [groups, rules, addressGroups, ports, servers] = await Promise.all([
    listing(job, () => listSecurityGroups(clients, call)),
    listing(job, () => listSecurityGroupRules(clients, call)),
    listing(job, () => listAddressGroups(clients, call)),
    listing(job, () => listPorts(clients, call)),
    listing(job, () => listServers(clients, call)),
  ]);

  const rulesByGroup = new Map<string, Rule[]>();
  for (const wire of itemsOf(rules)) {
    const groupId = typeof wire.security_group_id === 'string' ? wire.security_group_id : '';
    const list = rulesByGroup.get(groupId) ?? [];
    list.push(normalizeRule(wire));
    rulesByGroup.set(groupId, list);
  }
  const primaryPorts = new Set(itemsOf(servers).flatMap((server) => primaryPortOf(server) ?? []));
  const networkInterfaces = itemsOf(ports).map((port) => normalizePort(port, primaryPorts));
  const portById = new Map<string, NetworkInterface>(networkInterfaces.map((eni) => [eni.id, eni]));
  const eips: Eip[] = itemsOf(servers).flatMap(floatingIps);
  const region: Region = {
    regionId: job.regionId,
    securityGroups: itemsOf(groups).map((group) => normalizeSecurityGroup(group, rulesByGroup.get(String(group.id)) ?? [])),
    instances: itemsOf(servers).map((server) => normalizeServer(server, portById.get(primaryPortOf(server) ?? ''))),
    networkInterfaces,
    eips,
    prefixLists: [],
    addressGroups: itemsOf(addressGroups).map(normalizeAddressGroup),
  };
  const coverage = [
    coverageOf(job, 'ListSecurityGroups', groups),
    coverageOf(job, 'ListSecurityGroupRules', rules),
    coverageOf(job, 'ListAddressGroup', addressGroups),
    coverageOf(job, 'ListPorts', ports),
    coverageOf(job, 'ListServersDetails', servers),
  ];
  return { region, coverage };
}
