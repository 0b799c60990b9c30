import type { Account, Eip, Instance, NetworkInterface, Region, SecurityGroup, Snapshot } from '../model/snapshot.js';
import { isPrimaryType } from '../analyze/view.js';

/**
 * A copy-on-write view of a snapshot. Estates hold hundreds of thousands of rules, and a change
 * touches a handful of objects: the draft copies only the account, region, list and object on the
 * path to what it edits, shares everything else with the snapshot it started from, and never
 * writes into that snapshot.
 */

type ListKey = 'securityGroups' | 'instances' | 'networkInterfaces' | 'eips';
type Item<K extends ListKey> = Region[K][number];

export interface Located<T> {
  accountId: string;
  regionId: string;
  item: T;
}

function placeKey(accountId: string, regionId: string): string {
  return `${accountId}\u0000${regionId}`;
}

export class Draft {
  readonly snapshot: Snapshot;
  readonly groups = new Map<string, Located<SecurityGroup>>();
  readonly instances = new Map<string, Located<Instance>>();
  readonly enis = new Map<string, Located<NetworkInterface>>();
  /** By allocation id. */
  readonly eips = new Map<string, Located<Eip>>();
  /** Address → allocation id. */
  readonly eipsByIp = new Map<string, string>();
  /** VPC id → where it was seen; lets a new group, instance or ENI find its account and region. */
  readonly vpcs = new Map<string, { accountId: string; regionId: string }>();
  readonly vswitches = new Map<string, { accountId: string; regionId: string; vpcId?: string }>();
  /** Objects this draft made (copies, new lists, new accounts): safe to write into. */
  private readonly own = new WeakSet<object>();
  private readonly places = new Map<string, { account: number; region: number }>();

  constructor(before: Snapshot) {
    this.snapshot = { ...before, accounts: [...before.accounts] };
    this.own.add(this.snapshot.accounts);
    before.accounts.forEach((account, a) => {
      account.regions.forEach((region, r) => {
        const where = { accountId: account.accountId, regionId: region.regionId };
        this.places.set(placeKey(where.accountId, where.regionId), { account: a, region: r });
        for (const item of region.securityGroups) {
          this.groups.set(item.id, { ...where, item });
          if (item.vpcId && !this.vpcs.has(item.vpcId)) this.vpcs.set(item.vpcId, where);
        }
        for (const item of region.instances) {
          this.instances.set(item.id, { ...where, item });
          this.notePlace(where, item.vpcId, item.vSwitchId);
        }
        for (const item of region.networkInterfaces) {
          this.enis.set(item.id, { ...where, item });
          this.notePlace(where, item.vpcId, item.vSwitchId);
        }
        for (const item of region.eips) {
          this.eips.set(item.allocationId, { ...where, item });
          this.eipsByIp.set(item.ip, item.allocationId);
        }
      });
    });
  }

  private notePlace(where: { accountId: string; regionId: string }, vpcId: string | undefined, vSwitchId: string | undefined): void {
    if (vpcId && !this.vpcs.has(vpcId)) this.vpcs.set(vpcId, where);
    if (vSwitchId && !this.vswitches.has(vSwitchId)) this.vswitches.set(vSwitchId, { ...where, ...(vpcId ? { vpcId } : {}) });
  }

  /** The instance's primary ENI record, when the snapshot has one (else the instance's own group list is the primary's). */
  primaryEniOf(instanceId: string): Located<NetworkInterface> | undefined {
    for (const eni of this.enis.values()) if (eni.item.instanceId === instanceId && isPrimaryType(eni.item.type)) return eni;
    return undefined;
  }

  /** ENIs attached to the instance. */
  enisOf(instanceId: string): Located<NetworkInterface>[] {
    return [...this.enis.values()].filter((eni) => eni.item.instanceId === instanceId);
  }

  /** A writable region, created (with its account) when the snapshot has none. */
  private region(accountId: string, regionId: string): Region {
    const { accounts } = this.snapshot;
    let place = this.places.get(placeKey(accountId, regionId));
    if (!place) {
      let a = accounts.findIndex((account) => account.accountId === accountId);
      if (a < 0) a = accounts.push({ accountId, regions: [] }) - 1;
      const account = this.ownAccount(a);
      const r = account.regions.push({ regionId, securityGroups: [], instances: [], networkInterfaces: [], eips: [], prefixLists: [], addressGroups: [] }) - 1;
      this.own.add(account.regions[r]!);
      place = { account: a, region: r };
      this.places.set(placeKey(accountId, regionId), place);
    }
    const account = this.ownAccount(place.account);
    let region = account.regions[place.region]!;
    if (!this.own.has(region)) {
      region = { ...region };
      this.own.add(region);
      account.regions[place.region] = region;
    }
    return region;
  }

  private ownAccount(index: number): Account {
    let account = this.snapshot.accounts[index]!;
    if (!this.own.has(account)) {
      account = { ...account, regions: [...account.regions] };
      this.own.add(account);
      this.snapshot.accounts[index] = account;
    }
    return account;
  }

  private list<K extends ListKey>(accountId: string, regionId: string, key: K): Item<K>[] {
    const region = this.region(accountId, regionId);
    let list = region[key] as Item<K>[];
    if (!this.own.has(list)) {
      list = [...list];
      this.own.add(list);
      (region[key] as Item<K>[]) = list;
    }
    return list;
  }

  /** A writable copy of the item, put in its place; `copy` makes the copy (deeper where the caller will write deeper). */
  private edit<K extends ListKey>(key: K, located: Located<Item<K>>, copy: (item: Item<K>) => Item<K>): Item<K> {
    if (this.own.has(located.item)) return located.item;
    const list = this.list(located.accountId, located.regionId, key);
    const index = list.indexOf(located.item);
    const fresh = copy(located.item);
    this.own.add(fresh);
    list[index] = fresh;
    located.item = fresh;
    return fresh;
  }

  /** A group whose `rules` array may be written. */
  editGroup(located: Located<SecurityGroup>): SecurityGroup {
    return this.edit('securityGroups', located, (group) => ({ ...group, rules: [...group.rules] }));
  }

  editInstance(located: Located<Instance>): Instance {
    return this.edit('instances', located, (instance) => ({ ...instance }));
  }

  editEni(located: Located<NetworkInterface>): NetworkInterface {
    return this.edit('networkInterfaces', located, (eni) => ({ ...eni }));
  }

  editEip(located: Located<Eip>): Eip {
    return this.edit('eips', located, (eip) => ({ ...eip }));
  }

  addGroup(accountId: string, regionId: string, group: SecurityGroup): void {
    this.add('securityGroups', accountId, regionId, group);
    this.groups.set(group.id, { accountId, regionId, item: group });
  }

  addInstance(accountId: string, regionId: string, instance: Instance): void {
    this.add('instances', accountId, regionId, instance);
    this.instances.set(instance.id, { accountId, regionId, item: instance });
  }

  addEni(accountId: string, regionId: string, eni: NetworkInterface): void {
    this.add('networkInterfaces', accountId, regionId, eni);
    this.enis.set(eni.id, { accountId, regionId, item: eni });
  }

  addEip(accountId: string, regionId: string, eip: Eip): void {
    this.add('eips', accountId, regionId, eip);
    this.eips.set(eip.allocationId, { accountId, regionId, item: eip });
    this.eipsByIp.set(eip.ip, eip.allocationId);
  }

  private add<K extends ListKey>(key: K, accountId: string, regionId: string, item: Item<K>): void {
    this.own.add(item);
    this.list(accountId, regionId, key).push(item);
  }

  removeGroup(id: string): void {
    this.remove('securityGroups', this.groups, id);
  }

  removeInstance(id: string): void {
    this.remove('instances', this.instances, id);
  }

  removeEni(id: string): void {
    this.remove('networkInterfaces', this.enis, id);
  }

  private remove<K extends ListKey>(key: K, index: Map<string, Located<Item<K>>>, id: string): void {
    const located = index.get(id);
    if (!located) return;
    const list = this.list(located.accountId, located.regionId, key);
    list.splice(list.indexOf(located.item), 1);
    index.delete(id);
  }
}
