import type { Account, Eip, Estate, Instance, NetworkInterface, PrefixList, Region, SecurityGroup } from '../model/snapshot.js';

/**
 * Lookups the API handlers need, built once per account × region on first use so that a
 * 250,000-instance estate costs nothing until it is queried. The estate objects are shared,
 * never copied.
 */
export class RegionIndex {
  readonly region: Region;
  readonly groupById = new Map<string, SecurityGroup>();
  readonly prefixListById = new Map<string, PrefixList>();
  readonly enisByInstance = new Map<string, NetworkInterface[]>();
  private memberCounts: Map<string, number> | undefined;
  private prefixListUse: Map<string, number> | undefined;
  private eipsByBoundId: Map<string, Eip> | undefined;
  /** Filtered lists keyed by action + filter, so paging a filtered list is not quadratic. */
  private readonly filtered = new Map<string, readonly unknown[]>();

  constructor(region: Region) {
    this.region = region;
    for (const group of region.securityGroups) this.groupById.set(group.id, group);
    for (const list of region.prefixLists) this.prefixListById.set(list.id, list);
    for (const eni of region.networkInterfaces) {
      if (eni.instanceId === undefined) continue;
      const list = this.enisByInstance.get(eni.instanceId);
      if (list) list.push(eni);
      else this.enisByInstance.set(eni.instanceId, [eni]);
    }
  }

  /** Instances (via their primary ENI groups) and ENIs that use each group: EcsCount on the wire. */
  memberCount(groupId: string): number {
    if (!this.memberCounts) {
      const counts = new Map<string, number>();
      const add = (id: string) => counts.set(id, (counts.get(id) ?? 0) + 1);
      for (const instance of this.region.instances) for (const id of instance.securityGroupIds) add(id);
      for (const eni of this.region.networkInterfaces) if (eni.type !== 'Primary') for (const id of eni.securityGroupIds) add(id);
      this.memberCounts = counts;
    }
    return this.memberCounts.get(groupId) ?? 0;
  }

  /** Groups whose rules reference each prefix list: AssociationCount on the wire. */
  prefixListAssociations(prefixListId: string): number {
    if (!this.prefixListUse) {
      const counts = new Map<string, number>();
      for (const group of this.region.securityGroups) {
        const used = new Set<string>();
        for (const rule of group.rules) {
          if (rule.source?.prefixListId) used.add(rule.source.prefixListId);
          if (rule.destination?.prefixListId) used.add(rule.destination.prefixListId);
        }
        for (const id of used) counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      this.prefixListUse = counts;
    }
    return this.prefixListUse.get(prefixListId) ?? 0;
  }

  /** The EIP bound to an instance or ENI id, if any. */
  eipBoundTo(resourceId: string): Eip | undefined {
    if (!this.eipsByBoundId) {
      this.eipsByBoundId = new Map();
      for (const eip of this.region.eips) if (eip.boundInstanceId) this.eipsByBoundId.set(eip.boundInstanceId, eip);
    }
    return this.eipsByBoundId.get(resourceId);
  }

  cachedFilter<T>(key: string, compute: () => T[]): readonly T[] {
    const hit = this.filtered.get(key);
    if (hit) return hit as readonly T[];
    const value = compute();
    if (this.filtered.size > 256) this.filtered.clear();
    this.filtered.set(key, value);
    return value;
  }
}

export class EstateIndex {
  private readonly accounts = new Map<string, Account>();
  private readonly regions = new Map<string, RegionIndex>();
  /** Every region id the estate knows, so an account without resources in a region sees an empty region, not an error. */
  readonly knownRegions = new Set<string>(KNOWN_REGIONS);
  private readonly groupNames = new Map<string, string>();

  constructor(readonly estate: Estate) {
    for (const account of estate.accounts) {
      this.accounts.set(account.accountId, account);
      for (const region of account.regions) {
        this.knownRegions.add(region.regionId);
      }
    }
  }

  get firstAccountId(): string {
    return this.estate.accounts[0]?.accountId ?? '0';
  }

  accountIds(): Set<string> {
    return new Set(this.accounts.keys());
  }

  account(accountId: string): Account | undefined {
    return this.accounts.get(accountId);
  }

  region(accountId: string, regionId: string): RegionIndex {
    const key = `${accountId}/${regionId}`;
    let index = this.regions.get(key);
    if (!index) {
      const region = this.accounts.get(accountId)?.regions.find((r) => r.regionId === regionId) ?? emptyRegion(regionId);
      index = new RegionIndex(region);
      this.regions.set(key, index);
    }
    return index;
  }

  /** Name of a group anywhere in the estate (rules show SourceGroupName for referenced groups). */
  groupName(groupId: string): string {
    if (this.groupNames.size === 0) {
      for (const account of this.estate.accounts) for (const region of account.regions) for (const group of region.securityGroups) this.groupNames.set(group.id, group.name);
    }
    return this.groupNames.get(groupId) ?? '';
  }
}

function emptyRegion(regionId: string): Region {
  return { regionId, securityGroups: [], instances: [] as Instance[], networkInterfaces: [], eips: [] as Eip[], prefixLists: [], addressGroups: [] };
}

/** Public Alibaba Cloud region ids (a subset is enough: an unknown id must fail, a real one answer empty). */
export const KNOWN_REGIONS = [
  'cn-hangzhou', 'cn-shanghai', 'cn-beijing', 'cn-shenzhen', 'cn-qingdao', 'cn-zhangjiakou', 'cn-huhehaote', 'cn-wulanchabu',
  'cn-chengdu', 'cn-hongkong', 'cn-guangzhou', 'cn-heyuan', 'ap-southeast-1', 'ap-southeast-3', 'ap-southeast-5', 'ap-southeast-6',
  'ap-southeast-7', 'ap-northeast-1', 'ap-northeast-2', 'ap-south-1', 'us-east-1', 'us-west-1', 'eu-central-1', 'eu-west-1',
  'me-east-1', 'me-central-1', 'na-south-1',
];

export const REGION_NAMES: Record<string, string> = {
  'cn-hangzhou': 'China (Hangzhou)', 'cn-shanghai': 'China (Shanghai)', 'cn-beijing': 'China (Beijing)', 'cn-shenzhen': 'China (Shenzhen)',
  'cn-hongkong': 'China (Hong Kong)', 'ap-southeast-1': 'Singapore', 'eu-central-1': 'Germany (Frankfurt)', 'us-west-1': 'US (Silicon Valley)',
  'us-east-1': 'US (Virginia)', 'ap-northeast-1': 'Japan (Tokyo)', 'eu-west-1': 'UK (London)',
};
