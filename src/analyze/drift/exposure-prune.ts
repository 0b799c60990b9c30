import type { Eip, Instance, NetworkInterface, PrefixList, SecurityGroup, Snapshot } from '../../model/snapshot.js';
import { SYNTHETIC_ENI_SUFFIX } from '../view.js';
import { sameRuleContent } from './rule-key.js';

/**
 * Exposure of an interface depends only on its own unit — the instance with all its ENIs, or a
 * standalone ENI — plus the groups (and prefix lists) of those ENIs and the EIPs bound to them.
 * The public-exposure check evaluates each ENI on its own, so a unit whose inputs are identical on
 * both sides has identical findings (same fingerprints) on both sides and cannot drift.
 * Evaluating only changed units makes exposure drift cost grow with the change, not the estate.
 */

interface Unit {
  instance?: Instance;
  enis: NetworkInterface[];
}

interface SideIndex {
  groups: Map<string, SecurityGroup>;
  prefixLists: Map<string, PrefixList>;
  eipsByBound: Map<string, Eip[]>;
  units: Map<string, Unit>;
}

function unitKey(eni: NetworkInterface): string {
  return eni.instanceId ?? eni.id;
}

function indexSide(snapshot: Snapshot): SideIndex {
  const index: SideIndex = { groups: new Map(), prefixLists: new Map(), eipsByBound: new Map(), units: new Map() };
  const unit = (key: string): Unit => {
    let found = index.units.get(key);
    if (!found) {
      found = { enis: [] };
      index.units.set(key, found);
    }
    return found;
  };
  for (const account of snapshot.accounts) {
    for (const region of account.regions) {
      for (const group of region.securityGroups) index.groups.set(group.id, group);
      for (const list of region.prefixLists) index.prefixLists.set(list.id, list);
      for (const eip of region.eips) {
        if (!eip.boundInstanceId) continue;
        const list = index.eipsByBound.get(eip.boundInstanceId);
        if (list) list.push(eip);
        else index.eipsByBound.set(eip.boundInstanceId, [eip]);
      }
      for (const instance of region.instances) unit(instance.id).instance = instance;
      for (const eni of region.networkInterfaces) unit(unitKey(eni)).enis.push(eni);
    }
  }
  return index;
}

function sameGroup(a: SecurityGroup | undefined, b: SecurityGroup | undefined): boolean {
  if (!a || !b) return a === b;
  if (a.type !== b.type || a.innerAccessPolicy !== b.innerAccessPolicy || a.rules.length !== b.rules.length) return false;
  for (let i = 0; i < a.rules.length; i++) {
    const ra = a.rules[i]!;
    const rb = b.rules[i]!;
    if (ra.id !== rb.id || !sameRuleContent(ra, rb) || ra.portListId !== rb.portListId || (ra.problems?.length ?? 0) !== (rb.problems?.length ?? 0)) return false;
  }
  return true;
}

function changedGroupIds(before: SideIndex, after: SideIndex): Set<string> {
  const changedLists = new Set<string>();
  for (const id of new Set([...before.prefixLists.keys(), ...after.prefixLists.keys()])) {
    if (JSON.stringify(before.prefixLists.get(id)) !== JSON.stringify(after.prefixLists.get(id))) changedLists.add(id);
  }
  const changed = new Set<string>();
  for (const id of new Set([...before.groups.keys(), ...after.groups.keys()])) {
    const a = before.groups.get(id);
    const b = after.groups.get(id);
    if (!sameGroup(a, b)) {
      changed.add(id);
      continue;
    }
    if (changedLists.size > 0 && a!.rules.some((r) => (r.source?.prefixListId && changedLists.has(r.source.prefixListId)) || (r.destination?.prefixListId && changedLists.has(r.destination.prefixListId)))) changed.add(id);
  }
  return changed;
}

/** Everything of a unit that the exposure check reads, as one comparable string. */
function unitSignature(unit: Unit | undefined, side: SideIndex): string {
  if (!unit) return '';
  const enis = [...unit.enis].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const eips = [unit.instance?.id, ...enis.map((e) => e.id)].flatMap((id) => (id ? (side.eipsByBound.get(id) ?? []) : []));
  return JSON.stringify([unit.instance ?? null, enis, eips]);
}

function groupsOfUnit(unit: Unit | undefined): string[] {
  if (!unit) return [];
  return [...(unit.instance?.securityGroupIds ?? []), ...unit.enis.flatMap((e) => e.securityGroupIds)];
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
    if (eni.instanceId && eni.type.toLowerCase() === 'primary') withPrimary.add(eni.instanceId);
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

/** Addresses of each group's members: a rule whose peer is a group covers exactly these. */
function memberSignatures(side: SideIndex): Map<string, string> {
  const members = new Map<string, string[]>();
  const add = (groupId: string, addresses: readonly string[]) => {
    const list = members.get(groupId);
    if (list) list.push(...addresses);
    else members.set(groupId, [...addresses]);
  };
  for (const unit of side.units.values()) {
    for (const eni of unit.enis) for (const groupId of eni.securityGroupIds) add(groupId, [...eni.privateIps, ...eni.ipv6Addresses]);
    if (unit.instance) for (const groupId of unit.instance.securityGroupIds) add(groupId, unit.instance.privateIps);
  }
  return new Map([...members].map(([groupId, addresses]) => [groupId, addresses.sort().join(',')]));
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

export interface PrunedSnapshots {
  baseline: Snapshot;
  current: Snapshot;
  /** Keys (instance id, or ENI id for standalone ENIs) of the units whose exposure may differ. */
  changedUnits: Set<string>;
  units: number;
}

/** Finding resource id (ENI, synthesized `<instance>#primary`, instance) → its unit key. */
export function unitsByResource(snapshot: Snapshot): Map<string, string> {
  const units = new Map<string, string>();
  for (const account of snapshot.accounts) {
    for (const region of account.regions) {
      for (const instance of region.instances) {
        units.set(instance.id, instance.id);
        units.set(`${instance.id}${SYNTHETIC_ENI_SUFFIX}`, instance.id);
      }
      for (const eni of region.networkInterfaces) units.set(eni.id, unitKey(eni));
    }
  }
  return units;
}

/**
 * The two snapshots reduced to the units whose exposure may differ, plus address-only stand-ins
 * for the members of groups their rules reference (a group peer covers its members' addresses,
 * so those must stay for the evaluation to be the same as on the whole snapshot). Groups, prefix
 * lists and EIPs stay whole. Only findings of `changedUnits` may be compared.
 */
export function pruneToChangedUnits(baseline: Snapshot, current: Snapshot): PrunedSnapshots {
  const before = indexSide(baseline);
  const after = indexSide(current);
  const changedGroups = changedGroupIds(before, after);
  const membersBefore = memberSignatures(before);
  const membersAfter = memberSignatures(after);
  const membershipChanged = new Set<string>();
  for (const id of new Set([...membersBefore.keys(), ...membersAfter.keys()])) if (membersBefore.get(id) !== membersAfter.get(id)) membershipChanged.add(id);
  if (membershipChanged.size > 0) {
    for (const side of [before, after]) {
      for (const group of side.groups.values()) if (referencedGroups(group).some((id) => membershipChanged.has(id))) changedGroups.add(group.id);
    }
  }
  const changedUnits = new Set<string>();
  const keys = new Set([...before.units.keys(), ...after.units.keys()]);
  for (const key of keys) {
    const a = before.units.get(key);
    const b = after.units.get(key);
    if (groupsOfUnit(a).some((id) => changedGroups.has(id)) || groupsOfUnit(b).some((id) => changedGroups.has(id)) || unitSignature(a, before) !== unitSignature(b, after)) changedUnits.add(key);
  }
  const peers = new Set<string>();
  for (const key of changedUnits) {
    for (const side of [before, after]) {
      for (const groupId of groupsOfUnit(side.units.get(key))) for (const peer of referencedGroups(side.groups.get(groupId))) peers.add(peer);
    }
  }
  const context = new Set<string>();
  if (peers.size > 0) {
    for (const side of [before, after]) {
      for (const [key, unit] of side.units) if (!changedUnits.has(key) && groupsOfUnit(unit).some((id) => peers.has(id))) context.add(key);
    }
  }
  return { baseline: keepUnits(baseline, changedUnits, context), current: keepUnits(current, changedUnits, context), changedUnits, units: keys.size };
}
