import type { Eip, Instance, NetworkInterface, PrefixList, SecurityGroup, Snapshot } from '../../model/snapshot.js';
import { SnapshotView, SYNTHETIC_ENI_SUFFIX } from '../view.js';
import { sameRuleContent } from './rule-key.js';

/**
 * Exposure of an interface depends only on its own unit — the instance with all its ENIs, or a
 * standalone ENI — plus the groups (and prefix lists) of those ENIs, the EIPs bound to them and
 * the addresses of the members of groups their rules reference. The public-exposure check
 * evaluates each ENI on its own, so a unit whose inputs are identical on both sides has identical
 * findings (same fingerprints) on both sides and cannot drift. Evaluating only changed units
 * makes exposure drift cost grow with the change, not the estate.
 */

interface Unit {
  instance?: Instance;
  enis: NetworkInterface[];
  accountId: string;
  regionId: string;
}

interface SideIndex {
  view: SnapshotView;
  units: Map<string, Unit>;
}

function unitKey(eni: NetworkInterface): string {
  return eni.instanceId ?? eni.id;
}

function indexSide(view: SnapshotView): SideIndex {
  const units = new Map<string, Unit>();
  for (const account of view.snapshot.accounts) {
    const { accountId } = account;
    for (const region of account.regions) {
      const { regionId } = region;
      const unit = (key: string): Unit => {
        let found = units.get(key);
        if (!found) units.set(key, (found = { enis: [], accountId, regionId }));
        return found;
      };
      for (const instance of region.instances) unit(instance.id).instance = instance;
      for (const eni of region.networkInterfaces) unit(unitKey(eni)).enis.push(eni);
    }
  }
  return { view, units };
}

/**
 * Deep equality of JSON data (what a snapshot holds), members whose value is undefined counting
 * as absent, as in JSON: the comparison a `JSON.stringify` of both sides would make, without
 * building 120,000 strings.
 */
function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameData(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  let defined = 0;
  for (const key in left) {
    const value = left[key];
    if (value === undefined) continue;
    defined++;
    if (!sameData(value, right[key])) return false;
  }
  for (const key in right) if (right[key] !== undefined) defined--;
  return defined === 0;
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

function changedGroupIds(before: SnapshotView, after: SnapshotView): Set<string> {
  const changedLists = new Set<string>();
  const list = (view: SnapshotView, id: string): PrefixList | undefined => view.prefixLists.get(id)?.item;
  for (const id of new Set([...before.prefixLists.keys(), ...after.prefixLists.keys()])) {
    if (JSON.stringify(list(before, id)) !== JSON.stringify(list(after, id))) changedLists.add(id);
  }
  const changed = new Set<string>();
  const compare = (id: string) => {
    const a = before.groups.get(id)?.item;
    const b = after.groups.get(id)?.item;
    if (!sameGroup(a, b)) {
      changed.add(id);
      return;
    }
    if (changedLists.size > 0 && a!.rules.some((r) => (r.source?.prefixListId && changedLists.has(r.source.prefixListId)) || (r.destination?.prefixListId && changedLists.has(r.destination.prefixListId)))) changed.add(id);
  };
  for (const id of before.groups.keys()) compare(id);
  for (const id of after.groups.keys()) if (!before.groups.has(id)) compare(id);
  return changed;
}

function eniById(a: NetworkInterface, b: NetworkInterface): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** EIPs bound to the unit's instance, then to each of its ENIs in id order. */
function eipsOfUnit(unit: Unit, enis: readonly NetworkInterface[], view: SnapshotView): Eip[] {
  const eips: Eip[] = [];
  const add = (id: string) => {
    for (const located of view.eipsByBoundId.get(id) ?? []) eips.push(located.item);
  };
  if (unit.instance) add(unit.instance.id);
  for (const eni of enis) add(eni.id);
  return eips;
}

/** Everything of a unit that the exposure check reads is the same on both sides. */
function sameUnit(a: Unit | undefined, b: Unit | undefined, before: SnapshotView, after: SnapshotView): boolean {
  if (!a || !b) return a === b;
  if (a.accountId !== b.accountId || a.regionId !== b.regionId || a.enis.length !== b.enis.length) return false;
  if (!sameData(a.instance ?? null, b.instance ?? null)) return false;
  const enisA = a.enis.length > 1 ? [...a.enis].sort(eniById) : a.enis;
  const enisB = b.enis.length > 1 ? [...b.enis].sort(eniById) : b.enis;
  if (!sameData(enisA, enisB)) return false;
  return sameData(eipsOfUnit(a, enisA, before), eipsOfUnit(b, enisB, after));
}

function forEachGroupOfUnit(unit: Unit | undefined, visit: (groupId: string) => void): void {
  if (!unit) return;
  if (unit.instance) for (const id of unit.instance.securityGroupIds) visit(id);
  for (const eni of unit.enis) for (const id of eni.securityGroupIds) visit(id);
}

function someGroupOfUnit(unit: Unit | undefined, test: (groupId: string) => boolean): boolean {
  if (!unit) return false;
  if (unit.instance?.securityGroupIds.some(test)) return true;
  return unit.enis.some((eni) => eni.securityGroupIds.some(test));
}

/** Addresses of the members of the given groups: a rule whose peer is a group covers exactly these. */
function memberSignatures(side: SideIndex, groupIds: Set<string>): Map<string, string> {
  const members = new Map<string, string[]>();
  const add = (groupId: string, addresses: readonly string[]) => {
    if (!groupIds.has(groupId)) return;
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

export interface ChangedUnits {
  /** Keys (instance id, or ENI id for standalone ENIs) of the units whose exposure may differ. */
  changedUnits: Set<string>;
  /** Units on either side. */
  units: number;
}

/** The unit (instance id, or the ENI's own id when standalone) an ENI of a view belongs to; synthesized primaries carry their instance id. */
export function unitOfEni(eni: NetworkInterface): string {
  return unitKey(eni);
}

/**
 * The units whose exposure may differ between two views of whole snapshots: a unit whose own
 * records or EIPs differ, or one of whose groups changed — rules, a prefix list they use, or the
 * members of a group they reference.
 */
export function changedExposureUnits(beforeView: SnapshotView, afterView: SnapshotView): ChangedUnits {
  const before = indexSide(beforeView);
  const after = indexSide(afterView);
  const changedGroups = changedGroupIds(beforeView, afterView);
  const changedUnits = new Set<string>();
  // Only a unit that differs can change the member addresses of its groups.
  const memberCandidates = new Set<string>();
  const note = (id: string) => memberCandidates.add(id);
  const compareUnit = (key: string) => {
    const a = before.units.get(key);
    const b = after.units.get(key);
    if (sameUnit(a, b, beforeView, afterView)) return;
    changedUnits.add(key);
    forEachGroupOfUnit(a, note);
    forEachGroupOfUnit(b, note);
  };
  for (const key of before.units.keys()) compareUnit(key);
  for (const key of after.units.keys()) if (!before.units.has(key)) compareUnit(key);
  const membershipChanged = new Set<string>();
  if (memberCandidates.size > 0) {
    const membersBefore = memberSignatures(before, memberCandidates);
    const membersAfter = memberSignatures(after, memberCandidates);
    for (const id of memberCandidates) if (membersBefore.get(id) !== membersAfter.get(id)) membershipChanged.add(id);
  }
  if (membershipChanged.size > 0) {
    for (const view of [beforeView, afterView]) {
      for (const { item: group } of view.groups.values()) if (referencedGroups(group).some((id) => membershipChanged.has(id))) changedGroups.add(group.id);
    }
  }
  if (changedGroups.size > 0) {
    const inChanged = (id: string) => changedGroups.has(id);
    for (const side of [before, after]) {
      for (const [key, unit] of side.units) if (!changedUnits.has(key) && someGroupOfUnit(unit, inChanged)) changedUnits.add(key);
    }
  }
  return { changedUnits, units: new Set([...before.units.keys(), ...after.units.keys()]).size };
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

export interface PrunedSnapshots extends ChangedUnits {
  baseline: Snapshot;
  current: Snapshot;
}

/**
 * The two snapshots reduced to the units whose exposure may differ, plus address-only stand-ins
 * for the members of groups their rules reference (a group peer covers its members' addresses,
 * so those must stay for the evaluation to be the same as on the whole snapshot). Groups, prefix
 * lists and EIPs stay whole. Only findings of `changedUnits` may be compared. Exposure drift
 * itself evaluates the changed units on views of the whole snapshots instead (no copies); this
 * form shows what that evaluation covers.
 */
export function pruneToChangedUnits(baseline: Snapshot, current: Snapshot): PrunedSnapshots {
  const before = new SnapshotView(baseline);
  const after = new SnapshotView(current);
  const { changedUnits, units } = changedExposureUnits(before, after);
  const groupsOfUnit = (unit: Unit | undefined): string[] => {
    const ids: string[] = [];
    forEachGroupOfUnit(unit, (id) => ids.push(id));
    return ids;
  };
  const sides = [indexSide(before), indexSide(after)];
  const peers = new Set<string>();
  for (const key of changedUnits) {
    for (const side of sides) {
      for (const groupId of groupsOfUnit(side.units.get(key))) for (const peer of referencedGroups(side.view.groups.get(groupId)?.item)) peers.add(peer);
    }
  }
  const context = new Set<string>();
  if (peers.size > 0) {
    for (const side of sides) {
      for (const [key, unit] of side.units) if (!changedUnits.has(key) && someGroupOfUnit(unit, (id) => peers.has(id))) context.add(key);
    }
  }
  return { baseline: keepUnits(baseline, changedUnits, context), current: keepUnits(current, changedUnits, context), changedUnits, units };
}
