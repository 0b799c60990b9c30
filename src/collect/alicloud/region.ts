import type { Coverage, CoverageApi, Eip, Instance, NetworkInterface, PrefixList, Region, SecurityGroup } from '../../model/snapshot.js';
import { ApiCallError, classifyError, type ApiFailure } from '../retry.js';
import type { ClientFactory } from './clients.js';
import {
  collectPermissions,
  isClassicGroup,
  normalizeEip,
  normalizeInstance,
  normalizeNetworkInterface,
  normalizePrefixList,
  normalizeSecurityGroup,
} from './normalize.js';
import {
  EIP_ADDRESSES,
  fetchPrefixListAttributes,
  INSTANCES,
  NETWORK_INTERFACES,
  pageByNumber,
  pageByToken,
  PREFIX_LISTS,
  SECURITY_GROUP_RULES,
  SECURITY_GROUPS,
  type Caller,
} from './paginate.js';
import type { WirePrefixList, WirePrefixListAttributes, WireSecurityGroup, WireSecurityGroupAttribute } from './wire.js';

/**
 * Everything of one (account, region): the five listings run side by side, and each group's
 * rules (and each prefix list's entries) are fetched as soon as the listing page naming it
 * arrives. Every API gets a coverage record; a failed listing leaves its kind empty and says so,
 * so "not seen" can never read as "none".
 */

export interface RegionJob {
  accountId: string;
  regionId: string;
  clients: ClientFactory;
  /** Runs one HTTP call under the concurrency limits with retries; throws ApiCallError. */
  call: Caller;
  /** HTTP attempts made so far for an API in this region (retries included). */
  attempts(api: CoverageApi): number;
  /** Redacts secrets from messages before they are stored. */
  redact(text: string): string;
  /** Opens a source of pages not yet known, for progress (see Progress.discovering); returns its closer. */
  discovering?: () => () => void;
}

/**
 * Runs a paged read as an open source of pages: opened at once (synchronously, so the caller can
 * rely on it being open when collectRegion returns its promise), closed when the last page is in.
 */
async function paging<T>(job: RegionJob, run: () => Promise<T>): Promise<T> {
  const close = job.discovering?.();
  try {
    return await run();
  } finally {
    close?.();
  }
}

export interface RegionOutcome {
  region: Region;
  coverage: Coverage[];
}

interface ApiResult {
  items: number;
  failure?: ApiFailure;
  /** Resources whose detail call failed (partial coverage), with their failures. */
  failedIds: string[];
  detailFailures?: ApiFailure[];
  /** How many resources a detail API was asked about. */
  attempted?: number;
  /** The detail API was not attempted because the listing it depends on failed. */
  skippedBecause?: { api: CoverageApi; failure: ApiFailure };
}

function failureOf(error: unknown): ApiFailure {
  if (error instanceof ApiCallError) return error.failure;
  return classifyError(error);
}

function coverageRecord(job: RegionJob, api: CoverageApi, result: ApiResult): Coverage {
  const base = { accountId: job.accountId, regionId: job.regionId, api, requests: job.attempts(api), items: result.items };
  const describe = (failure: ApiFailure) => ({
    code: failure.code,
    message: job.redact(failure.message),
    ...(failure.requestId ? { requestId: failure.requestId } : {}),
  });
  if (result.skippedBecause) {
    const { api: parent, failure } = result.skippedBecause;
    return { ...base, status: failure.denied ? 'denied' : 'failed', ...describe(failure), message: job.redact(`not attempted: ${parent} ${failure.denied ? 'was denied' : 'failed'} (${failure.message})`) };
  }
  if (result.failure) return { ...base, status: result.failure.denied ? 'denied' : 'failed', ...describe(result.failure) };
  if (result.failedIds.length > 0) {
    const failures = result.detailFailures ?? [];
    const resourceIds = [...result.failedIds].sort();
    const [first] = failures;
    if (result.failedIds.length === result.attempted) {
      // Every detail call failed: nothing of this API was seen.
      const denied = failures.length > 0 && failures.every((failure) => failure.denied);
      return { ...base, status: denied ? 'denied' : 'failed', resourceIds, ...(first ? describe(first) : {}) };
    }
    // Some resources only: partial, naming them, with the first failure as the example.
    return { ...base, status: 'partial', resourceIds, ...(first ? describe(first) : {}) };
  }
  return { ...base, status: 'complete' };
}

/**
 * A test for ids already seen in one listing: true for the second and later occurrences. A missing
 * id is never a repeat (such records are kept for unparseable-rule and coverage to report).
 */
export function repeatedIds(): (id: string | undefined) => boolean {
  const seen = new Set<string>();
  return (id) => {
    if (!id) return false;
    if (seen.has(id)) return true;
    seen.add(id);
    return false;
  };
}

function emptyResult(): ApiResult {
  return { items: 0, failedIds: [] };
}

async function collectSecurityGroups(job: RegionJob): Promise<{ groups: SecurityGroup[]; list: ApiResult; rules: ApiResult }> {
  const list = emptyResult();
  const rules: ApiResult = { ...emptyResult(), detailFailures: [], attempted: 0 };
  const listed: WireSecurityGroup[] = [];
  const attributes = new Map<string, ReturnType<typeof collectPermissions>>();
  const pending: Promise<void>[] = [];

  // A listing can name a group twice (a page boundary shifting under the collector): one record per id.
  const isRepeat = repeatedIds();
  const fetchRules = async (group: WireSecurityGroup): Promise<void> => {
    const securityGroupId = group.securityGroupId ?? '';
    // Classic-network groups answer one NicType per call; VPC rules are all intranet.
    const nicTypes = isClassicGroup(group) ? (['internet', 'intranet'] as const) : (['intranet'] as const);
    const pages: WireSecurityGroupAttribute[] = [];
    try {
      // One source for both NicTypes, so the total is not shown final between them.
      await paging(job, async () => {
        for (const nicType of nicTypes) {
          await pageByToken(SECURITY_GROUP_RULES, job.clients, job.regionId, { securityGroupId, nicType }, job.call, (page) => {
            pages.push(...page.items);
          });
        }
      });
      const joined = collectPermissions(pages);
      attributes.set(securityGroupId, joined);
      rules.items += joined.permissions.length;
    } catch (error) {
      rules.failedIds.push(securityGroupId);
      rules.detailFailures?.push(failureOf(error));
    }
  };

  try {
    await paging(job, () =>
      pageByToken(SECURITY_GROUPS, job.clients, job.regionId, undefined, job.call, (page) => {
        for (const group of page.items) {
          if (isRepeat(group.securityGroupId)) continue;
          listed.push(group);
          pending.push(fetchRules(group));
        }
      }),
    );
  } catch (error) {
    list.failure = failureOf(error);
  }
  rules.attempted = pending.length;
  await Promise.all(pending);
  if (list.failure) {
    // A listing cut short cannot say which groups exist; record none, and say why.
    return { groups: [], list, rules: { items: 0, failedIds: [], skippedBecause: { api: 'DescribeSecurityGroups', failure: list.failure } } };
  }
  list.items = listed.length;
  const groups = listed.map((group) => normalizeSecurityGroup(group, attributes.get(group.securityGroupId ?? '')));
  return { groups, list, rules };
}

async function collectPrefixLists(job: RegionJob): Promise<{ prefixLists: PrefixList[]; list: ApiResult; entries: ApiResult }> {
  const list = emptyResult();
  const entries: ApiResult = { ...emptyResult(), detailFailures: [], attempted: 0 };
  const listed: WirePrefixList[] = [];
  const details = new Map<string, WirePrefixListAttributes | undefined>();
  const pending: Promise<void>[] = [];
  const fetchEntries = async (prefixList: WirePrefixList): Promise<void> => {
    const prefixListId = prefixList.prefixListId ?? '';
    try {
      const attributes = await job.call('DescribePrefixListAttributes', () => fetchPrefixListAttributes(job.clients, job.regionId, prefixListId));
      details.set(prefixListId, attributes);
      entries.items += attributes?.entries?.entry?.length ?? 0;
    } catch (error) {
      entries.failedIds.push(prefixListId);
      entries.detailFailures?.push(failureOf(error));
    }
  };
  try {
    await paging(job, () =>
      pageByToken(PREFIX_LISTS, job.clients, job.regionId, undefined, job.call, (page) => {
        for (const prefixList of page.items) {
          listed.push(prefixList);
          pending.push(fetchEntries(prefixList));
        }
      }),
    );
  } catch (error) {
    list.failure = failureOf(error);
  }
  entries.attempted = pending.length;
  await Promise.all(pending);
  if (list.failure) return { prefixLists: [], list, entries: { items: 0, failedIds: [], skippedBecause: { api: 'DescribePrefixLists', failure: list.failure } } };
  list.items = listed.length;
  return { prefixLists: listed.map((prefixList) => normalizePrefixList(prefixList, details.get(prefixList.prefixListId ?? ''))), list, entries };
}

async function collectList<W, M>(job: RegionJob, run: (onItems: (items: W[]) => void) => Promise<void>, normalize: (wire: W) => M): Promise<{ items: M[]; result: ApiResult }> {
  const result = emptyResult();
  const items: M[] = [];
  try {
    // Normalize page by page so the wire objects of a page can be collected right away.
    await paging(job, () =>
      run((page) => {
        for (const wire of page) items.push(normalize(wire));
      }),
    );
  } catch (error) {
    result.failure = failureOf(error);
    return { items: [], result };
  }
  result.items = items.length;
  return { items, result };
}

export async function collectRegion(job: RegionJob): Promise<RegionOutcome> {
  const [groups, instances, networkInterfaces, eips, prefixLists] = await Promise.all([
    collectSecurityGroups(job),
    collectList<Parameters<typeof normalizeInstance>[0], Instance>(
      job,
      (onItems) => pageByToken(INSTANCES, job.clients, job.regionId, undefined, job.call, (page) => onItems(page.items)),
      normalizeInstance,
    ),
    collectList<Parameters<typeof normalizeNetworkInterface>[0], NetworkInterface>(
      job,
      (onItems) => pageByToken(NETWORK_INTERFACES, job.clients, job.regionId, undefined, job.call, (page) => onItems(page.items)),
      normalizeNetworkInterface,
    ),
    collectList<Parameters<typeof normalizeEip>[0], Eip>(job, (onItems) => pageByNumber(EIP_ADDRESSES, job.clients, job.regionId, job.call, (page) => onItems(page.items)), normalizeEip),
    collectPrefixLists(job),
  ]);
  const region: Region = {
    regionId: job.regionId,
    securityGroups: groups.groups,
    instances: instances.items,
    networkInterfaces: networkInterfaces.items,
    eips: eips.items,
    prefixLists: prefixLists.prefixLists,
    addressGroups: [],
  };
  const coverage: Coverage[] = [
    coverageRecord(job, 'DescribeSecurityGroups', groups.list),
    coverageRecord(job, 'DescribeSecurityGroupAttribute', groups.rules),
    coverageRecord(job, 'DescribeInstances', instances.result),
    coverageRecord(job, 'DescribeNetworkInterfaces', networkInterfaces.result),
    coverageRecord(job, 'DescribeEipAddresses', eips.result),
    coverageRecord(job, 'DescribePrefixLists', prefixLists.list),
    coverageRecord(job, 'DescribePrefixListAttributes', prefixLists.entries),
  ];
  return { region, coverage };
}
