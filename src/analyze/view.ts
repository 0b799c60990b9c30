import ipaddr from 'ipaddr.js';
import { pushTo } from '../util/multimap.js';
import {
  providerOf,
  type Account,
  type AddressGroup,
  type Coverage,
  type CoverageApi,
  type Eip,
  type Instance,
  type NetworkInterface,
  type PrefixList,
  type Provider,
  type SecurityGroup,
  type Snapshot,
} from '../model/snapshot.js';

/** Where a resource lives. Alibaba ids are globally unique, so maps are keyed by id alone. */
export interface Located<T> {
  item: T;
  accountId: string;
  regionId: string;
}

/**
 * Classic-network instances have no ENI records, and a failed DescribeNetworkInterfaces leaves
 * instances without them: the view synthesizes the primary ENI from the instance so every
 * instance is evaluated. Synthesized ids are `<instanceId>#primary`.
 */
export const SYNTHETIC_ENI_SUFFIX = '#primary';

/** A public address and how it got there, for the finding's detail. */
export interface PublicAddress {
  address: string;
  via: 'publicIp' | 'eip' | 'ipv6';
  eipAllocationId?: string;
}

/**
 * One indexed view of a snapshot, built once in O(size) and shared by every check, so no check
 * rescans the snapshot per item.
 */
export class SnapshotView {
  readonly snapshot: Snapshot;
  readonly groups = new Map<string, Located<SecurityGroup>>();
  readonly instances = new Map<string, Located<Instance>>();
  readonly enis = new Map<string, Located<NetworkInterface>>();
  readonly prefixLists = new Map<string, Located<PrefixList>>();
  /** Huawei IP address groups by id. */
  readonly addressGroups = new Map<string, Located<AddressGroup>>();
  /** Each account's provider (absent in the snapshot = alicloud). */
  readonly providers = new Map<string, Provider>();
  readonly eips: Located<Eip>[] = [];
  /** ENIs (real and synthesized) that carry each group. */
  readonly enisByGroup = new Map<string, Located<NetworkInterface>[]>();
  readonly enisByInstance = new Map<string, Located<NetworkInterface>[]>();
  /** EIPs by the id they are bound to (instance id or ENI id). */
  readonly eipsByBoundId = new Map<string, Located<Eip>[]>();
  /** Groups whose rules reference a group id (ingress source or egress destination). */
  readonly groupsReferencing = new Map<string, Set<string>>();
  /**
   * Whether any instance is on the classic network (retired by Alibaba; rare in real estates). When
   * none is, no ENI needs its instance looked up to learn its network type (checks ask per ENI).
   */
  private hasClassicInstances = false;
  private readonly coverageIndex = new Map<string, Coverage>();
  // A Map, not a WeakMap: the view holds every ENI anyway, and an ephemeron per ENI slows every GC.
  private readonly publicAddressCache = new Map<NetworkInterface, PublicAddress[]>();

  constructor(snapshot: Snapshot) {
    this.snapshot = snapshot;
    for (const entry of snapshot.coverage) this.coverageIndex.set(coverageKey(entry.accountId, entry.regionId, entry.api), entry);
    for (const account of snapshot.accounts) this.indexAccount(account);
  }

  private indexAccount(account: Account): void {
    const { accountId } = account;
    this.providers.set(accountId, providerOf(account));
    for (const region of account.regions) {
      const { regionId } = region;
      for (const group of region.securityGroups) {
        this.groups.set(group.id, { item: group, accountId, regionId });
        for (const rule of group.rules) {
          const ref = rule.direction === 'ingress' ? rule.source?.groupId : rule.destination?.groupId;
          if (ref) pushToSet(this.groupsReferencing, ref, group.id);
        }
      }
      for (const list of region.prefixLists) this.prefixLists.set(list.id, { item: list, accountId, regionId });
      for (const group of region.addressGroups) this.addressGroups.set(group.id, { item: group, accountId, regionId });
      for (const eip of region.eips) {
        const located = { item: eip, accountId, regionId };
        this.eips.push(located);
        if (eip.boundInstanceId) pushTo(this.eipsByBoundId, eip.boundInstanceId, located);
      }
      for (const instance of region.instances) {
        this.instances.set(instance.id, { item: instance, accountId, regionId });
        if (instance.networkType === 'classic') this.hasClassicInstances = true;
      }
      for (const eni of region.networkInterfaces) this.addEni({ item: eni, accountId, regionId });
      for (const instance of region.instances) {
        const hasPrimary = (this.enisByInstance.get(instance.id) ?? []).some((e) => isPrimaryType(e.item.type));
        if (!hasPrimary) this.addEni({ item: synthesizePrimaryEni(instance), accountId, regionId });
      }
    }
  }

  private addEni(located: Located<NetworkInterface>): void {
    this.enis.set(located.item.id, located);
    if (located.item.instanceId) pushTo(this.enisByInstance, located.item.instanceId, located);
    for (const groupId of new Set(located.item.securityGroupIds)) pushTo(this.enisByGroup, groupId, located);
  }

  /** The provider of an account of the snapshot (alicloud when it is not one). */
  providerOfAccount(accountId: string): Provider {
    return this.providers.get(accountId) ?? 'alicloud';
  }

  /** The groups of an ENI in the order the API lists them (for Huawei, the port's sequence). */
  groupsOfEni(eni: NetworkInterface): SecurityGroup[] {
    const result: SecurityGroup[] = [];
    for (const id of eni.securityGroupIds) {
      const group = this.groups.get(id);
      if (group) result.push(group.item);
    }
    return result;
  }

  /** Whether the ENI belongs to a classic-network instance (separate internet and intranet rules). */
  isClassicEni(eni: NetworkInterface): boolean {
    return this.hasClassicInstances && this.instanceOfEni(eni)?.networkType === 'classic';
  }

  /** The instance an ENI is attached to, when any. */
  instanceOfEni(eni: NetworkInterface): Instance | undefined {
    return eni.instanceId ? this.instances.get(eni.instanceId)?.item : undefined;
  }

  /**
   * Addresses through which the internet can reach this ENI: its own associated public IP and
   * EIPs bound to it; for the primary ENI also the instance's public IPs and EIPs bound to the
   * instance; and any global-unicast IPv6 address.
   */
  publicAddressesOfEni(eni: NetworkInterface): PublicAddress[] {
    // Several checks ask for every ENI (latent-exposure once per group of the ENI): answer each once.
    let addresses = this.publicAddressCache.get(eni);
    if (!addresses) this.publicAddressCache.set(eni, (addresses = this.computePublicAddresses(eni)));
    return addresses;
  }

  private computePublicAddresses(eni: NetworkInterface): PublicAddress[] {
    // Most ENIs have no public address at all: no allocation for them (and no closure per call).
    let found: PublicAddress[] | undefined;
    if (eni.publicIp) found = addAddress(found, { address: eni.publicIp, via: 'publicIp' });
    const ownEips = this.eipsByBoundId.get(eni.id);
    if (ownEips) for (const eip of ownEips) found = addAddress(found, { address: eip.item.ip, via: 'eip', eipAllocationId: eip.item.allocationId });
    if (eni.instanceId && isPrimaryType(eni.type)) {
      const instance = this.instances.get(eni.instanceId)?.item;
      if (instance) {
        for (const ip of instance.publicIps) found = addAddress(found, { address: ip, via: 'publicIp' });
        if (instance.eip?.ip) found = addAddress(found, { address: instance.eip.ip, via: 'eip', eipAllocationId: instance.eip.allocationId });
      }
      const instanceEips = this.eipsByBoundId.get(eni.instanceId);
      if (instanceEips) {
        for (const eip of instanceEips) {
          if (eip.item.boundInstanceType === undefined || eip.item.boundInstanceType === 'EcsInstance') {
            found = addAddress(found, { address: eip.item.ip, via: 'eip', eipAllocationId: eip.item.allocationId });
          }
        }
      }
    }
    for (const address of eni.ipv6Addresses) if (isGlobalUnicastIpv6(address)) found = addAddress(found, { address, via: 'ipv6' });
    return found ?? NO_ADDRESSES;
  }

  coverage(accountId: string, regionId: string, api: CoverageApi): Coverage | undefined {
    return this.coverageIndex.get(coverageKey(accountId, regionId, api));
  }

  /**
   * True when the API's data for this scope is complete. Snapshots made by fixtures without
   * coverage entries count as complete; anything recorded as partial/failed/denied does not.
   */
  isComplete(accountId: string, regionId: string, api: CoverageApi): boolean {
    const entry = this.coverage(accountId, regionId, api);
    return entry === undefined || entry.status === 'complete';
  }
}

/** Shared by every ENI without a public address; callers only read it. */
const NO_ADDRESSES: PublicAddress[] = [];

/** `found` with `address` added unless an address with the same text is already there (the first way it was found wins). */
function addAddress(found: PublicAddress[] | undefined, address: PublicAddress): PublicAddress[] {
  if (!found) return [address];
  for (const existing of found) if (existing.address === address.address) return found;
  found.push(address);
  return found;
}

/** Whether an ENI type is the primary interface: the API says `Primary`; other spellings are accepted without lower-casing every `Secondary`. */
export function isPrimaryType(type: string): boolean {
  return type === 'Primary' || (type.length === 7 && type.toLowerCase() === 'primary');
}

const GLOBAL_UNICAST_BLOCK = ipaddr.IPv6.parse('2000::');
const globalUnicastCache = new Map<string, boolean>();

function isGlobalUnicastIpv6(address: string): boolean {
  let global = globalUnicastCache.get(address);
  if (global === undefined) {
    if (globalUnicastCache.size > 100_000) globalUnicastCache.clear();
    global = classifyGlobalUnicastIpv6(address);
    globalUnicastCache.set(address, global);
  }
  return global;
}

function classifyGlobalUnicastIpv6(address: string): boolean {
  if (!ipaddr.IPv6.isValid(address)) return false;
  const parsed = ipaddr.IPv6.parse(address);
  // 2000::/3 is the global unicast block; ipaddr.js calls other blocks by name (uniqueLocal, linkLocal …)
  return parsed.range() === 'unicast' && parsed.match(GLOBAL_UNICAST_BLOCK, 3);
}

function synthesizePrimaryEni(instance: Instance): NetworkInterface {
  return {
    id: `${instance.id}${SYNTHETIC_ENI_SUFFIX}`,
    name: '',
    description: 'primary interface synthesized from the instance record',
    type: 'Primary',
    status: instance.status,
    instanceId: instance.id,
    serviceManaged: false,
    vpcId: instance.vpcId,
    vSwitchId: instance.vSwitchId,
    privateIps: instance.privateIps,
    ipv6Addresses: [],
    securityGroupIds: instance.securityGroupIds,
    tags: {},
  };
}

function coverageKey(accountId: string, regionId: string, api: string): string {
  return `${accountId}\u0000${regionId}\u0000${api}`;
}


function pushToSet(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key);
  if (set) set.add(value);
  else map.set(key, new Set([value]));
}
