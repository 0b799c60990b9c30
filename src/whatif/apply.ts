import { canonicalRuleKey } from '../analyze/drift/rule-key.js';
import { isPrimaryType, SYNTHETIC_ENI_SUFFIX } from '../analyze/view.js';
import { closestIds, didYouMean } from '../commands/suggest.js';
import { SgauditError } from '../model/errors.js';
import type { Instance, NetworkInterface, Rule, SecurityGroup, Snapshot } from '../model/snapshot.js';
import { describeOrigin, isRuleEdit, type Change, type ChangeSet, type RuleMatch } from './changes.js';
import { describeRule } from './describe.js';
import { Draft, type Located } from './draft.js';

/**
 * Applies a change set to a snapshot in memory, as Alibaba Cloud would carry it out: a change
 * the API would refuse (a rule that is not there, a group from another VPC, deleting a group
 * still in use) is an error naming the change's origin, not a silent no-op. The result shares
 * every object the changes did not touch with `before`, which is never written.
 */

interface AppliedChange {
  change: Change;
  /** One line for humans. */
  summary: string;
  groupIds: string[];
  eniIds: string[];
  instanceIds: string[];
}

export interface AppliedChanges {
  after: Snapshot;
  /** Every id a change touched, in the before or the after snapshot. */
  touched: { groupIds: Set<string>; eniIds: Set<string>; instanceIds: Set<string> };
  /** Per change, in order: what it touched, for attributing new findings to the change that caused them. */
  applied: AppliedChange[];
  assumptions: string[];
}

export function applyChanges(before: Snapshot, set: ChangeSet): AppliedChanges {
  const applier = new Applier(before);
  const applied = set.changes.map((change) => applier.apply(change));
  const touched = { groupIds: new Set<string>(), eniIds: new Set<string>(), instanceIds: new Set<string>() };
  for (const entry of applied) {
    for (const id of entry.groupIds) touched.groupIds.add(id);
    for (const id of entry.eniIds) touched.eniIds.add(id);
    for (const id of entry.instanceIds) touched.instanceIds.add(id);
  }
  return { after: applier.draft.snapshot, touched, applied, assumptions: [...set.assumptions] };
}

/** Where a group membership lives: an ENI record, or (no primary ENI record in the snapshot) the instance's own list. */
interface Target {
  eni?: Located<NetworkInterface>;
  instance?: Located<Instance>;
}

class Applier {
  readonly draft: Draft;
  private ruleCounter = 0;
  private origin = '';
  /** Group → members, valid until a change moves one (rule edits do not). */
  private membersByGroup: Map<string, { eniIds: string[]; instanceIds: string[] }> | undefined;

  constructor(before: Snapshot) {
    this.draft = new Draft(before);
  }

  apply(change: Change): AppliedChange {
    this.origin = describeOrigin(change.origin);
    const result = this.dispatch(change);
    if (!isRuleEdit(change)) this.membersByGroup = undefined;
    return { change, summary: result.summary, groupIds: unique(result.groupIds ?? []), eniIds: unique(result.eniIds ?? []), instanceIds: unique(result.instanceIds ?? []) };
  }

  private fail(problem: string): never {
    throw new SgauditError('USAGE', `${this.origin}: ${problem}`);
  }

  private dispatch(change: Change): Omit<AppliedChange, 'change' | 'groupIds' | 'eniIds' | 'instanceIds'> & Partial<Pick<AppliedChange, 'groupIds' | 'eniIds' | 'instanceIds'>> {
    switch (change.kind) {
      case 'addRule': {
        const group = this.draft.editGroup(this.group(change.groupId));
        this.checkRuleFits(group, change.rule);
        const rule: Rule = change.rule.id ? change.rule : { id: `whatif-${++this.ruleCounter}`, ...change.rule };
        group.rules.push(rule);
        return { summary: `add to ${group.id}: ${describeRule(rule)}`, ...this.members(group.id) };
      }
      case 'removeRule': {
        const group = this.draft.editGroup(this.group(change.groupId));
        const index = this.findRule(group, change.match);
        const [rule] = group.rules.splice(index, 1);
        return { summary: `remove from ${group.id}: ${describeRule(rule!)}`, ...this.members(group.id) };
      }
      case 'modifyRule': {
        const group = this.draft.editGroup(this.group(change.groupId));
        const index = this.findRule(group, change.match);
        const old = group.rules[index]!;
        const rule: Rule = { ...old, ...change.set };
        // A peer is one kind: setting a source replaces the old one rather than adding to it.
        if (change.set.source) rule.source = change.set.source;
        if (change.set.destination) rule.destination = change.set.destination;
        this.checkRuleFits(group, rule);
        group.rules[index] = rule;
        return { summary: `modify in ${group.id}: ${describeRule(old)} → ${describeRule(rule)}`, ...this.members(group.id) };
      }
      case 'createGroup': {
        const { group, accountId, regionId } = change;
        if (this.draft.groups.has(group.id)) this.fail(`${group.id} already exists`);
        const rules = group.rules.map((rule) => (rule.id ? rule : { id: `whatif-${++this.ruleCounter}`, ...rule }));
        this.draft.addGroup(accountId, regionId, { ...group, rules });
        return { summary: `create group ${group.id} in ${accountId}/${regionId} with ${rules.length} rule(s)`, groupIds: [group.id] };
      }
      case 'deleteGroup': {
        const group = this.group(change.groupId);
        const members = this.members(change.groupId);
        if (members.eniIds.length > 0) this.fail(`${change.groupId} still protects ${members.eniIds.slice(0, 3).join(', ')}${members.eniIds.length > 3 ? ' …' : ''}; Alibaba Cloud refuses to delete a group in use (detach it first)`);
        this.draft.removeGroup(group.item.id);
        return { summary: `delete group ${change.groupId}`, groupIds: [change.groupId] };
      }
      case 'attachGroup':
      case 'detachGroup':
        return this.membership(change.kind, change.groupId, change.target);
      case 'bindEip':
        return this.bindEip(change.eip, change.target, change.create?.ip);
      case 'unbindEip':
        return this.unbindEip(change.eip, change.target);
      case 'createInstance':
        return this.createInstance(change);
      case 'setPublicIp': {
        const located = this.instance(change.instanceId);
        const instance = this.draft.editInstance(located);
        instance.publicIps = change.ip ? [change.ip] : [];
        return { summary: change.ip ? `give ${instance.id} the public IP ${change.ip}` : `release the public IP of ${instance.id}`, instanceIds: [instance.id], eniIds: [this.primaryEniId(instance.id)] };
      }
      case 'deleteInstance':
        return this.deleteInstance(change.instanceId);
      case 'createInterface': {
        const { eni, accountId, regionId } = change;
        if (this.draft.enis.has(eni.id)) this.fail(`${eni.id} already exists`);
        for (const id of eni.securityGroupIds) this.group(id);
        if (eni.instanceId) this.instance(eni.instanceId);
        this.draft.addEni(accountId, regionId, eni);
        return { summary: `create network interface ${eni.id}${eni.instanceId ? ` attached to ${eni.instanceId}` : ''} with ${eni.securityGroupIds.join(', ')}`, eniIds: [eni.id], groupIds: eni.securityGroupIds, instanceIds: eni.instanceId ? [eni.instanceId] : [] };
      }
      case 'deleteInterface': {
        const eni = this.eni(change.eniId);
        if (eni.item.instanceId) this.fail(`${eni.item.id} is attached to ${eni.item.instanceId}; detach it first`);
        this.draft.removeEni(eni.item.id);
        return { summary: `delete network interface ${eni.item.id}`, eniIds: [eni.item.id], groupIds: eni.item.securityGroupIds };
      }
      case 'attachInterface':
      case 'detachInterface':
        return this.interfaceAttachment(change.kind, change.eniId, change.instanceId);
    }
  }

  // -- lookups: an unknown id is an error with the nearest ids the snapshot (or the change set so far) has.

  private lookup<T>(map: Map<string, Located<T>>, id: string, what: string): Located<T> {
    const found = map.get(id);
    if (!found) this.fail(`no ${what} ${id} in the snapshot or created earlier in the change set${didYouMean(closestIds(id, map.keys()))}`);
    return found;
  }

  private group(id: string): Located<SecurityGroup> {
    return this.lookup(this.draft.groups, id, 'security group');
  }

  private instance(id: string): Located<Instance> {
    return this.lookup(this.draft.instances, id, 'instance');
  }

  private eni(id: string): Located<NetworkInterface> {
    return this.lookup(this.draft.enis, id, 'network interface');
  }

  /** An instance (its primary ENI) or an ENI. */
  private target(id: string): Target {
    const instance = this.draft.instances.get(id);
    if (instance) {
      const eni = this.draft.primaryEniOf(id);
      return eni ? { eni, instance } : { instance };
    }
    const eni = this.draft.enis.get(id);
    if (!eni) this.fail(`no instance or network interface ${id} in the snapshot or created earlier in the change set${didYouMean(closestIds(id, [...this.draft.instances.keys(), ...this.draft.enis.keys()]))}`);
    const owner = eni.item.instanceId && isPrimaryType(eni.item.type) ? this.draft.instances.get(eni.item.instanceId) : undefined;
    return owner ? { eni, instance: owner } : { eni };
  }

  private primaryEniId(instanceId: string): string {
    return this.draft.primaryEniOf(instanceId)?.item.id ?? `${instanceId}${SYNTHETIC_ENI_SUFFIX}`;
  }

  /** The ENIs (and their instances) a group protects, as the analyzer's view will see them. */
  private members(groupId: string): { groupIds: string[]; eniIds: string[]; instanceIds: string[] } {
    const found = (this.membersByGroup ??= this.indexMembership()).get(groupId);
    return { groupIds: [groupId], eniIds: [...(found?.eniIds ?? [])], instanceIds: [...(found?.instanceIds ?? [])] };
  }

  /** Every group's interfaces and instances, in one pass: a change set of many rule edits reads it many times. */
  private indexMembership(): Map<string, { eniIds: string[]; instanceIds: string[] }> {
    const index = new Map<string, { eniIds: string[]; instanceIds: string[] }>();
    const entryOf = (groupId: string) => {
      let entry = index.get(groupId);
      if (!entry) index.set(groupId, (entry = { eniIds: [], instanceIds: [] }));
      return entry;
    };
    const recorded = new Set<string>();
    for (const { item } of this.draft.enis.values()) {
      if (item.instanceId && isPrimaryType(item.type)) recorded.add(item.instanceId);
      for (const groupId of new Set(item.securityGroupIds)) {
        const entry = entryOf(groupId);
        entry.eniIds.push(item.id);
        if (item.instanceId) entry.instanceIds.push(item.instanceId);
      }
    }
    for (const { item } of this.draft.instances.values()) {
      if (recorded.has(item.id)) continue;
      for (const groupId of new Set(item.securityGroupIds)) {
        const entry = entryOf(groupId);
        entry.eniIds.push(`${item.id}${SYNTHETIC_ENI_SUFFIX}`);
        entry.instanceIds.push(item.id);
      }
    }
    return index;
  }

  // -- rules

  private findRule(group: SecurityGroup, match: RuleMatch): number {
    if (match.ruleId !== undefined) {
      const index = group.rules.findIndex((rule) => rule.id === match.ruleId);
      if (index >= 0) return index;
    }
    if (match.rule) {
      const key = canonicalRuleKey(match.rule);
      const index = group.rules.findIndex((rule) => canonicalRuleKey(rule) === key);
      if (index >= 0) return index;
    }
    const wanted = match.ruleId ?? describeRule(match.rule!);
    const ids = group.rules.flatMap((rule) => (rule.id ? [rule.id] : []));
    return this.fail(`${group.id} has no rule ${wanted}${match.ruleId ? didYouMean(closestIds(match.ruleId, ids)) : ''}`);
  }

  /** What the API refuses when a rule is written. */
  private checkRuleFits(group: SecurityGroup, rule: Rule): void {
    if (group.type === 'enterprise' && rule.policy === 'drop') this.fail(`${group.id} is an advanced (enterprise) security group, which takes accept rules only`);
  }

  // -- membership

  private membership(kind: 'attachGroup' | 'detachGroup', groupId: string, targetId: string) {
    const group = this.group(groupId);
    const target = this.target(targetId);
    const current = target.eni?.item.securityGroupIds ?? target.instance!.item.securityGroupIds;
    const shown = target.eni?.item.id ?? targetId;
    let next: string[];
    if (kind === 'attachGroup') {
      if (current.includes(groupId)) this.fail(`${groupId} is already attached to ${shown}`);
      this.checkSameNetwork(group, target);
      const mixed = current.map((id) => this.draft.groups.get(id)?.item).find((other) => other && other.type !== group.item.type);
      if (mixed) this.fail(`${shown} is in ${mixed.type} group ${mixed.id}; Alibaba Cloud does not put an interface in basic (normal) and advanced (enterprise) groups at once`);
      next = [...current, groupId];
    } else {
      if (!current.includes(groupId)) this.fail(`${groupId} is not attached to ${shown} (its groups: ${current.join(', ') || 'none'})`);
      if (current.length === 1) this.fail(`${groupId} is the only group of ${shown}; an interface must stay in at least one security group`);
      next = current.filter((id) => id !== groupId);
    }
    this.setGroups(target, next);
    const instanceId = target.instance?.item.id ?? target.eni?.item.instanceId;
    const eniId = target.eni?.item.id ?? `${target.instance!.item.id}${SYNTHETIC_ENI_SUFFIX}`;
    return {
      summary: `${kind === 'attachGroup' ? 'attach' : 'detach'} ${groupId} ${kind === 'attachGroup' ? 'to' : 'from'} ${shown}${target.eni && instanceId ? ` (${instanceId})` : ''}`,
      groupIds: [groupId],
      eniIds: [eniId],
      instanceIds: instanceId ? [instanceId] : [],
    };
  }

  /** A group protects interfaces of its own VPC (and region and account) only: the API refuses the others. */
  private checkSameNetwork(group: Located<SecurityGroup>, target: Target): void {
    const place = target.eni ?? target.instance!;
    const vpcId = target.eni?.item.vpcId ?? target.instance?.item.vpcId;
    const shown = place.item.id;
    if (place.accountId !== group.accountId || place.regionId !== group.regionId) {
      this.fail(`${group.item.id} is in ${group.accountId}/${group.regionId} and ${shown} in ${place.accountId}/${place.regionId}; a security group protects interfaces of its own region and account only`);
    }
    if (group.item.vpcId && vpcId && group.item.vpcId !== vpcId) this.fail(`${group.item.id} belongs to ${group.item.vpcId} and ${shown} to ${vpcId}; a security group protects interfaces of its own VPC only`);
  }

  /** ENI group lists are the membership truth; the instance's list is its primary ENI's, kept in step. */
  private setGroups(target: Target, groupIds: string[]): void {
    if (target.eni) this.draft.editEni(target.eni).securityGroupIds = groupIds;
    if (target.instance) this.draft.editInstance(target.instance).securityGroupIds = groupIds;
  }

  // -- EIPs

  private bindEip(eipRef: string, targetId: string, createIp: string | undefined) {
    const target = this.target(targetId);
    const place = target.eni ?? target.instance!;
    let eip = this.draft.eips.get(eipRef) ?? this.draft.eips.get(this.draft.eipsByIp.get(eipRef) ?? '');
    if (!eip) {
      if (createIp === undefined) this.fail(`no EIP ${eipRef} in the snapshot${didYouMean(closestIds(eipRef, [...this.draft.eips.keys(), ...this.draft.eipsByIp.keys()]))}`);
      this.draft.addEip(place.accountId, place.regionId, { allocationId: eipRef, ip: createIp, status: 'Available', name: '' });
      eip = this.draft.eips.get(eipRef)!;
    }
    if (eip.item.boundInstanceId) this.fail(`EIP ${eip.item.allocationId} (${eip.item.ip}) is already bound to ${eip.item.boundInstanceId}; unbind it first`);
    if (eip.regionId !== place.regionId || eip.accountId !== place.accountId) this.fail(`EIP ${eip.item.allocationId} is in ${eip.accountId}/${eip.regionId} and ${place.item.id} in ${place.accountId}/${place.regionId}`);
    // Bound to an instance id the EIP serves the primary ENI, and DescribeInstances reports it on the instance.
    const toInstance = target.instance !== undefined && target.instance.item.id === targetId;
    const edited = this.draft.editEip(eip);
    edited.status = 'InUse';
    edited.boundInstanceType = toInstance ? 'EcsInstance' : 'NetworkInterface';
    edited.boundInstanceId = toInstance ? target.instance!.item.id : target.eni!.item.id;
    if (toInstance) this.draft.editInstance(target.instance!).eip = { ip: edited.ip, allocationId: edited.allocationId };
    const instanceId = target.instance?.item.id ?? target.eni?.item.instanceId;
    return {
      summary: `bind EIP ${edited.allocationId} (${edited.ip}) to ${edited.boundInstanceId}`,
      eniIds: [target.eni?.item.id ?? `${target.instance!.item.id}${SYNTHETIC_ENI_SUFFIX}`],
      instanceIds: instanceId ? [instanceId] : [],
    };
  }

  private unbindEip(eipRef: string, targetId: string | undefined) {
    const allocationId = this.draft.eips.has(eipRef) ? eipRef : this.draft.eipsByIp.get(eipRef);
    const eip = this.lookup(this.draft.eips, allocationId ?? eipRef, 'EIP');
    const boundTo = eip.item.boundInstanceId;
    if (!boundTo) this.fail(`EIP ${eip.item.allocationId} (${eip.item.ip}) is not bound to anything`);
    if (targetId !== undefined && targetId !== boundTo) this.fail(`EIP ${eip.item.allocationId} is bound to ${boundTo}, not ${targetId}`);
    const edited = this.draft.editEip(eip);
    const type = edited.boundInstanceType;
    delete edited.boundInstanceId;
    delete edited.boundInstanceType;
    edited.status = 'Available';
    const instance = this.draft.instances.get(boundTo);
    if (instance?.item.eip?.allocationId === edited.allocationId) delete this.draft.editInstance(instance).eip;
    const eni = this.draft.enis.get(boundTo);
    const instanceId = instance ? boundTo : eni?.item.instanceId;
    return {
      summary: `unbind EIP ${edited.allocationId} (${edited.ip}) from ${boundTo}${type ? ` (${type})` : ''}`,
      eniIds: instance ? [this.primaryEniId(boundTo)] : eni ? [eni.item.id] : [],
      instanceIds: instanceId ? [instanceId] : [],
    };
  }

  // -- instances and interfaces

  private createInstance(change: Extract<Change, { kind: 'createInstance' }>) {
    const { instance, primaryEni, accountId, regionId } = change;
    if (this.draft.instances.has(instance.id)) this.fail(`${instance.id} already exists`);
    if (primaryEni.securityGroupIds.length === 0) this.fail(`${instance.id} has no security group; every instance must be in at least one`);
    for (const id of primaryEni.securityGroupIds) {
      const group = this.group(id);
      if (group.item.vpcId && instance.vpcId && group.item.vpcId !== instance.vpcId) this.fail(`${id} belongs to ${group.item.vpcId}, ${instance.id} to ${instance.vpcId}`);
    }
    this.draft.addInstance(accountId, regionId, instance);
    this.draft.addEni(accountId, regionId, primaryEni);
    const reach = [...instance.publicIps, ...(instance.eip ? [instance.eip.ip] : [])];
    return {
      summary: `create instance ${instance.id} in ${primaryEni.securityGroupIds.join(', ')}${reach.length ? ` with public address ${reach.join(', ')}` : ', no public address'}`,
      groupIds: primaryEni.securityGroupIds,
      eniIds: [primaryEni.id],
      instanceIds: [instance.id],
    };
  }

  private deleteInstance(instanceId: string) {
    const instance = this.instance(instanceId);
    const enis = this.draft.enisOf(instanceId);
    const groupIds = [...instance.item.securityGroupIds];
    const eniIds = [this.primaryEniId(instanceId)];
    const gone = new Set([instanceId]);
    for (const eni of enis) {
      groupIds.push(...eni.item.securityGroupIds);
      eniIds.push(eni.item.id);
      // The primary ENI goes with the instance; secondary ones are detached and stay, with their EIPs.
      if (isPrimaryType(eni.item.type)) {
        gone.add(eni.item.id);
        this.draft.removeEni(eni.item.id);
      } else delete this.draft.editEni(eni).instanceId;
    }
    for (const eip of this.draft.eips.values()) {
      if (!eip.item.boundInstanceId || !gone.has(eip.item.boundInstanceId)) continue;
      const edited = this.draft.editEip(eip);
      delete edited.boundInstanceId;
      delete edited.boundInstanceType;
      edited.status = 'Available';
    }
    this.draft.removeInstance(instanceId);
    return { summary: `delete instance ${instanceId}`, groupIds, eniIds, instanceIds: [instanceId] };
  }

  private interfaceAttachment(kind: 'attachInterface' | 'detachInterface', eniId: string, instanceId: string) {
    const eni = this.eni(eniId);
    const instance = this.instance(instanceId);
    if (kind === 'attachInterface') {
      if (eni.item.instanceId) this.fail(`${eniId} is already attached to ${eni.item.instanceId}`);
      if (eni.item.vpcId && instance.item.vpcId && eni.item.vpcId !== instance.item.vpcId) this.fail(`${eniId} is in ${eni.item.vpcId} and ${instanceId} in ${instance.item.vpcId}`);
      this.draft.editEni(eni).instanceId = instanceId;
    } else {
      if (eni.item.instanceId !== instanceId) this.fail(`${eniId} is not attached to ${instanceId}`);
      if (isPrimaryType(eni.item.type)) this.fail(`${eniId} is the primary interface of ${instanceId} and cannot be detached`);
      delete this.draft.editEni(eni).instanceId;
    }
    return {
      summary: `${kind === 'attachInterface' ? 'attach' : 'detach'} network interface ${eniId} ${kind === 'attachInterface' ? 'to' : 'from'} ${instanceId}`,
      groupIds: eni.item.securityGroupIds,
      eniIds: [eniId],
      instanceIds: [instanceId],
    };
  }
}

function unique(ids: string[]): string[] {
  return [...new Set(ids)];
}
