import type { AddressGroup, Eip, Instance, NetworkInterface, Peer, PrefixList, SecurityGroup, Snapshot, Tags } from '../../model/snapshot.js';
import { SnapshotView, SYNTHETIC_ENI_SUFFIX, isPrimaryType, type Located } from '../view.js';
import { sameRuleContent } from './rule-key.js';

/**
 * The public-exposure check evaluates each ENI on its own: its findings depend only on the ENI
 * record, its instance (name, network type, public IPs), the EIPs bound to either, the ingress
 * rules of its groups, the prefix lists those use and the addresses of the members of groups they
 * reference. An ENI whose inputs are the same on both sides has the same findings (same
 * fingerprints) on both sides and cannot drift, so exposure drift evaluates only the others: its
 * cost grows with the change, not with the estate.
 */

function unitKey(eni: NetworkInterface): string {
  return eni.instanceId ?? eni.id;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameTags(a: Tags, b: Tags): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) if (a[key] !== b[key] || !Object.hasOwn(b, key)) return false;
  return true;
}

/**
 * Field-by-field equality of the snapshot records an ENI's exposure depends on. Every field of
 * the schema is compared (test/drift/record-equality.test.ts keeps these lists in step with it),
 * so "same" is what a deep comparison would say, at a fraction of its cost over every ENI of an estate.
 */
export const COMPARED_FIELDS = {
  instance: ['id', 'name', 'hostname', 'status', 'networkType', 'vpcId', 'vSwitchId', 'securityGroupIds', 'privateIps', 'publicIps', 'eip', 'tags'],
  networkInterface: ['id', 'name', 'description', 'type', 'status', 'instanceId', 'serviceManaged', 'serviceId', 'vpcId', 'vSwitchId', 'privateIps', 'ipv6Addresses', 'securityGroupIds', 'publicIp', 'tags'],
  eip: ['allocationId', 'ip', 'status', 'name', 'boundInstanceType', 'boundInstanceId'],
} as const;

export function sameInstance(a: Instance | undefined, b: Instance | undefined): boolean {
  // readSnapshotPair shares the records of identical lines between the two sides.
  if (a === b) return true;
  if (!a || !b) return false;
  return (
    a.id === b.id &&
    a.name === b.name &&
    a.hostname === b.hostname &&
    a.status === b.status &&
    a.networkType === b.networkType &&
    a.vpcId === b.vpcId &&
    a.vSwitchId === b.vSwitchId &&
    sameList(a.securityGroupIds, b.securityGroupIds) &&
    sameList(a.privateIps, b.privateIps) &&
    sameList(a.publicIps, b.publicIps) &&
    a.eip?.ip === b.eip?.ip &&
    a.eip?.allocationId === b.eip?.allocationId &&
    sameTags(a.tags, b.tags)
  );
}

export function sameNetworkInterface(a: NetworkInterface, b: NetworkInterface): boolean {
  if (a === b) return true;
  return (
    a.id === b.id &&
    a.name === b.name &&
    a.description === b.description &&
    a.type === b.type &&
    a.status === b.status &&
    a.instanceId === b.instanceId &&
    a.serviceManaged === b.serviceManaged &&
    a.serviceId === b.serviceId &&
    a.vpcId === b.vpcId &&
    a.vSwitchId === b.vSwitchId &&
    sameList(a.privateIps, b.privateIps) &&
    sameList(a.ipv6Addresses, b.ipv6Addresses) &&
    sameList(a.securityGroupIds, b.securityGroupIds) &&
    a.publicIp === b.publicIp &&
    sameTags(a.tags, b.tags)
  );
}

export function sameEip(a: Eip, b: Eip): boolean {
  if (a === b) return true;
  return a.allocationId === b.allocationId && a.ip === b.ip && a.status === b.status && a.name === b.name && a.boundInstanceType === b.boundInstanceType && a.boundInstanceId === b.boundInstanceId;
}

/**
 * Same ingress evaluation inputs: type, intra-group policy and the ingress rules in order (the
 * exposure check evaluates ingress only, and a group's ingress order is that of its ingress rules
 * alone, so an egress-only change leaves every exposure finding as it was).
 */
function sameIngress(a: SecurityGroup | undefined, b: SecurityGroup | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  if (a.type !== b.type || a.innerAccessPolicy !== b.innerAccessPolicy) return false;
  const left = a.rules;
  const right = b.rules;
  let i = 0;
  let j = 0;
  for (;;) {
    while (i < left.length && left[i]!.direction !== 'ingress') i++;
    while (j < right.length && right[j]!.direction !== 'ingress') j++;
    if (i === left.length || j === right.length) return i === left.length && j === right.length;
    const ra = left[i++]!;
    const rb = right[j++]!;
    if (ra.id !== rb.id || !sameRuleContent(ra, rb) || ra.portListId !== rb.portListId || (ra.problems?.length ?? 0) !== (rb.problems?.length ?? 0)) return false;
  }
}

function changedGroupIds(before: SnapshotView, after: SnapshotView): Set<string> {
  const changedLists = new Set<string>();
  const list = (view: SnapshotView, id: string): PrefixList | undefined => view.prefixLists.get(id)?.item;
  for (const id of new Set([...before.prefixLists.keys(), ...after.prefixLists.keys()])) {
    const a = list(before, id);
    const b = list(after, id);
    if (a !== b && JSON.stringify(a) !== JSON.stringify(b)) changedLists.add(id);
  }
  // Huawei IP address groups are address lists too: a changed entry changes what their rules admit.
  const addressGroup = (view: SnapshotView, id: string): AddressGroup | undefined => view.addressGroups.get(id)?.item;
  for (const id of new Set([...before.addressGroups.keys(), ...after.addressGroups.keys()])) {
    const a = addressGroup(before, id);
    const b = addressGroup(after, id);
    if (a !== b && JSON.stringify(a) !== JSON.stringify(b)) changedLists.add(id);
  }
  const listOf = (peer: Peer | undefined): string | undefined => peer?.prefixListId ?? peer?.addressGroupId;
  const changed = new Set<string>();
  const compare = (id: string) => {
    const a = before.groups.get(id)?.item;
    const b = after.groups.get(id)?.item;
    if (!sameIngress(a, b)) {
      changed.add(id);
      return;
    }
    if (changedLists.size > 0 && a!.rules.some((r) => changedLists.has(listOf(r.source) ?? '') || changedLists.has(listOf(r.destination) ?? ''))) changed.add(id);
  };
  for (const id of before.groups.keys()) compare(id);
  for (const id of after.groups.keys()) if (!before.groups.has(id)) compare(id);
  return changed;
}

function sameEips(a: SnapshotView, b: SnapshotView, boundId: string): boolean {
  const before = a.eipsByBoundId.get(boundId);
  const after = b.eipsByBoundId.get(boundId);
  if (!before || !after) return before === after;
  if (before.length !== after.length) return false;
  for (let i = 0; i < before.length; i++) if (!sameEip(before[i]!.item, after[i]!.item)) return false;
  return true;
}

/**
 * Everything the exposure check reads of one ENI of the views (real, or the synthesized primary
 * of an instance without one), apart from its groups' rules and peers: the ENI record and where it
 * is, its instance (name, network type, public IPs), and the EIPs bound to it or its instance.
 */
function sameEniInputs(a: Located<NetworkInterface> | undefined, b: Located<NetworkInterface> | undefined, before: SnapshotView, after: SnapshotView): boolean {
  if (!a || !b) return false;
  if (a.accountId !== b.accountId || a.regionId !== b.regionId || !sameNetworkInterface(a.item, b.item)) return false;
  const { id, instanceId } = a.item;
  if (instanceId === undefined) return sameEips(before, after, id);
  return sameInstance(before.instances.get(instanceId)?.item, after.instances.get(instanceId)?.item) && sameEips(before, after, id) && sameEips(before, after, instanceId);
}

/** The addresses of a group's members as the evaluator sees them (a group peer covers exactly these), as one comparable string. */
function memberSignature(view: SnapshotView, groupId: string): string {
  const addresses: string[] = [];
  for (const { item } of view.enisByGroup.get(groupId) ?? []) addresses.push(...item.privateIps, ...item.ipv6Addresses);
  return addresses.sort().join(',');
}

function referencedGroups(group: SecurityGroup | undefined): string[] {
  if (!group) return [];
  const ids: string[] = [];
  for (const rule of group.rules) {
    if (rule.source?.groupId) ids.push(rule.source.groupId);
    if (rule.destination?.groupId) ids.push(rule.destination.groupId);
  }
  return ids;
}

/**
 * Ids of the views' ENIs (real, or synthesized `<instance>#primary`) whose exposure may differ
 * between two views of whole snapshots: an ENI whose own inputs differ (see sameEniInputs), or
 * one of whose groups changed — ingress rules, a prefix list they use, or the members of a group
 * they reference. Every other ENI has the same findings (same fingerprints) on both sides, so
 * only these need evaluating.
 */
export function changedExposureEnis(beforeView: SnapshotView, afterView: SnapshotView): Set<string> {
  const changedGroups = changedGroupIds(beforeView, afterView);
  const changedEnis = new Set<string>();
  // Only an ENI that differs can change the member addresses of its groups.
  const memberCandidates = new Set<string>();
  const changed = (id: string, a: Located<NetworkInterface> | undefined, b: Located<NetworkInterface> | undefined) => {
    changedEnis.add(id);
    if (a) for (const groupId of a.item.securityGroupIds) memberCandidates.add(groupId);
    if (b) for (const groupId of b.item.securityGroupIds) memberCandidates.add(groupId);
  };
  // Map values, not entries: no [key, value] pair allocated per ENI (keys are the records' ids).
  for (const a of beforeView.enis.values()) {
    const id = a.item.id;
    const b = afterView.enis.get(id);
    if (!sameEniInputs(a, b, beforeView, afterView)) changed(id, a, b);
  }
  for (const b of afterView.enis.values()) if (!beforeView.enis.has(b.item.id)) changed(b.item.id, undefined, b);
  const membershipChanged = new Set<string>();
  for (const id of memberCandidates) if (memberSignature(beforeView, id) !== memberSignature(afterView, id)) membershipChanged.add(id);
  if (membershipChanged.size > 0) {
    for (const view of [beforeView, afterView]) {
      for (const { item: group } of view.groups.values()) if (referencedGroups(group).some((id) => membershipChanged.has(id))) changedGroups.add(group.id);
    }
  }
  if (changedGroups.size > 0) {
    const inChanged = (id: string) => changedGroups.has(id);
    for (const view of [beforeView, afterView]) {
      for (const { item } of view.enis.values()) if (item.securityGroupIds.some(inChanged)) changedEnis.add(item.id);
    }
  }
  return changedEnis;
}

/** Suffix of the address-only stand-ins for group-peer members, so no EIP or instance binds to them. */
const CONTEXT_SUFFIX = '~peer-context';

/**
 * A member of a referenced group as the evaluator needs it: its groups and private/IPv6
 * addresses (what a group peer covers), without an instance or public address, so the exposure
 * check skips it instead of evaluating it.
 */
function contextEnis(snapshotRegion: Snapshot['accounts'][number]['regions'][number], keys: Set<string>): NetworkInterface[] {
  const enis: NetworkInterface[] = [];
  const withPrimary = new Set<string>();
  for (const eni of snapshotRegion.networkInterfaces) {
    if (!keys.has(unitKey(eni))) continue;
    if (eni.instanceId && isPrimaryType(eni.type)) withPrimary.add(eni.instanceId);
    const { instanceId: _instanceId, publicIp: _publicIp, ...rest } = eni;
    enis.push({ ...rest, id: `${eni.id}${CONTEXT_SUFFIX}`, type: 'Secondary' });
  }
  for (const instance of snapshotRegion.instances) {
    if (!keys.has(instance.id) || withPrimary.has(instance.id)) continue;
    enis.push({ id: `${instance.id}${SYNTHETIC_ENI_SUFFIX}${CONTEXT_SUFFIX}`, name: '', description: '', type: 'Secondary', status: instance.status, serviceManaged: false, privateIps: instance.privateIps, ipv6Addresses: [], securityGroupIds: instance.securityGroupIds, tags: {} });
  }
  return enis;
}

function keepUnits(snapshot: Snapshot, changed: Set<string>, context: Set<string>): Snapshot {
  return {
    ...snapshot,
    accounts: snapshot.accounts.map((account) => ({
      ...account,
      regions: account.regions.map((region) => ({
        ...region,
        instances: region.instances.filter((instance) => changed.has(instance.id)),
        networkInterfaces: [...region.networkInterfaces.filter((eni) => changed.has(unitKey(eni))), ...(context.size > 0 ? contextEnis(region, context) : [])],
      })),
    })),
  };
}

export interface PrunedSnapshots {
  baseline: Snapshot;
  current: Snapshot;
  /** Keys (instance id, or ENI id for standalone ENIs) of the units with an ENI whose exposure may differ. */
  changedUnits: Set<string>;
  /** Units on either side. */
  units: number;
}

/**
 * The two snapshots reduced to the units whose exposure may differ, plus address-only stand-ins
 * for the members of groups their rules reference (a group peer covers its members' addresses,
 * so those must stay for the evaluation to be the same as on the whole snapshot). Groups, prefix
 * lists and EIPs stay whole. Only findings of `changedUnits` may be compared. Exposure drift
 * itself evaluates the changed ENIs on views of the whole snapshots instead (no copies); this
 * form shows what that evaluation covers.
 */
export function pruneToChangedUnits(baseline: Snapshot, current: Snapshot): PrunedSnapshots {
  const views = [new SnapshotView(baseline), new SnapshotView(current)] as const;
  const changedEnis = changedExposureEnis(...views);
  const changedUnits = new Set<string>();
  const units = new Set<string>();
  for (const view of views) {
    for (const [id, { item }] of view.enis) {
      units.add(unitKey(item));
      if (changedEnis.has(id)) changedUnits.add(unitKey(item));
    }
  }
  const peers = new Set<string>();
  for (const view of views) {
    for (const { item } of view.enis.values()) {
      if (!changedUnits.has(unitKey(item))) continue;
      for (const groupId of item.securityGroupIds) for (const peer of referencedGroups(view.groups.get(groupId)?.item)) peers.add(peer);
    }
  }
  const context = new Set<string>();
  for (const view of views) {
    for (const peer of peers) for (const { item } of view.enisByGroup.get(peer) ?? []) if (!changedUnits.has(unitKey(item))) context.add(unitKey(item));
  }
  return { baseline: keepUnits(baseline, changedUnits, context), current: keepUnits(current, changedUnits, context), changedUnits, units: units.size };
}
