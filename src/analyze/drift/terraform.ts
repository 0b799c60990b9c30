import type { Severity } from '../../model/findings.js';
import type { Rule, SecurityGroup, Snapshot } from '../../model/snapshot.js';
import { canonicalRuleKey, sameRuleContent } from './rule-key.js';
import { changedGroupFields, describeRule, matchRules, ruleChange } from './snapshot-diff.js';
import { ruleForGroup, withoutOwnAccount, type TerraformRule } from './terraform-provider.js';
import { LiveIndex, NotComparedLog, type Place, type Verdict } from './terraform-scope.js';
import type { Managed, TerraformBaseline } from './terraform-state.js';
import type { DriftChange, DriftResult } from './types.js';

export { parseProviderRuleId } from './terraform-provider.js';
export { parseTerraformState, readTerraformState, type TerraformBaseline } from './terraform-state.js';

/**
 * Terraform state as a drift baseline: what the alicloud provider manages (groups, rules,
 * instances' groups, secondary network interfaces and their attachments, EIP associations)
 * against a live snapshot. terraform-provider.ts maps attributes to the model, terraform-state.ts
 * reads the state file, terraform-scope.ts decides where an object lives and whether the snapshot
 * saw that place completely.
 */

export interface TerraformDiffOptions {
  /** Severity of groups Terraform does not manage, or `off` to not report them (default info, so a partly managed estate is not flooded). */
  unmanagedGroups?: Severity | 'off';
}

interface Context {
  state: TerraformBaseline;
  index: LiveIndex;
  notCompared: NotComparedLog;
  changes: DriftChange[];
}

type Comparable = Extract<Verdict, { comparable: true }>;

/** Whether an object missing live at this place is gone; if it cannot be told, the place is logged as not compared. */
function confirmMissing(context: Context, place: Place, api: Parameters<LiveIndex['verdict']>[1], what: string, id: string): Comparable | undefined {
  const verdict = context.index.verdict(place, api);
  if (verdict.comparable) return verdict;
  context.notCompared.add(verdict, what, id);
  return undefined;
}

/** A group known only by id (read through a data source, deleted live): enough for rule evidence. */
function groupById(id: string): SecurityGroup {
  return { id, name: '', description: '', type: 'normal', innerAccessPolicy: 'accept', serviceManaged: false, tags: {}, rules: [] };
}

function compareGroup(context: Context, groupId: string): void {
  const { state, index, changes } = context;
  const managed = state.groups.get(groupId);
  const managedRules = state.rules.get(groupId) ?? [];
  const found = index.groups.get(groupId);
  if (!found) {
    const provider = managed?.provider ?? managedRules[0]?.provider ?? '';
    const vpcId = managed?.item.vpcId ?? state.dataGroups.get(groupId)?.vpcId;
    const place = index.locate({ provider, ...(vpcId ? { vpcId } : {}) });
    const where = confirmMissing(context, place, ['DescribeSecurityGroups'], managed ? 'groups' : 'rules of unmanaged group', groupId);
    if (!where) return;
    if (managed) {
      changes.push({
        kind: 'group-removed',
        accountId: where.accountId,
        regionId: where.regionId,
        resource: { type: 'securityGroup', id: groupId, name: managed.item.name },
        identity: groupId,
        message: `Security group ${groupId} (${managed.address}) is in the Terraform state but does not exist live: deleted outside Terraform.`,
        before: { address: managed.address, name: managed.item.name, vpcId: managed.item.vpcId },
        evidence: [],
      });
      return;
    }
    // Rules managed here on a group managed elsewhere (data source): the group is gone, and its rules with it.
    for (const { address, item } of managedRules) {
      const rule = ruleForGroup(item, !vpcId, where.accountId);
      changes.push(
        ruleChange('rule-removed', where.accountId, where.regionId, groupById(groupId), rule, `Managed rule ${address} (${item.providerId}) does not exist live: its group ${groupId}, which this state does not manage, was deleted.`, {
          identity: `${groupId}:${item.providerId}`,
        }),
      );
    }
    return;
  }

  const { accountId, regionId, group } = found;
  const rulesGap = index.rulesGap(accountId, regionId, groupId);
  if (managed) {
    const fields = changedGroupFields(managed.item, group, !rulesGap);
    if (fields) {
      changes.push({
        kind: 'group-modified',
        accountId,
        regionId,
        resource: { type: 'securityGroup', id: groupId, name: group.name },
        identity: `${groupId}:${JSON.stringify(fields.after)}`,
        message: `Security group ${groupId} differs from ${managed.address}: ${Object.keys(fields.after).join(', ')}.`,
        before: fields.before,
        after: fields.after,
        evidence: [],
      });
    }
  }
  if (rulesGap) {
    context.notCompared.add({ accountId, regionId, ...rulesGap }, 'rules of', groupId);
    return;
  }
  compareRules(context, accountId, regionId, group, managed, managedRules);
}

function compareRules(context: Context, accountId: string, regionId: string, group: SecurityGroup, managed: Managed<SecurityGroup> | undefined, managedRules: Managed<TerraformRule>[]): void {
  const { state, changes } = context;
  // Both sides as the collector reads them: NicType only in classic groups, no owner account naming the group's own.
  const classic = !group.vpcId;
  const stateRules = managedRules.map((m) => ruleForGroup(m.item, classic, accountId));
  const liveRules = group.rules.map((rule) => withoutOwnAccount(rule, accountId));
  const managedOf = new Map<Rule, Managed<TerraformRule>>(stateRules.map((rule, i) => [rule, managedRules[i]!]));
  const liveOf = new Map<Rule, Rule>(liveRules.map((rule, i) => [rule, group.rules[i]!]));
  // The provider finds its rules by content (its id encodes it), so a rule re-created identically in the console is still the managed rule.
  const { matched, removed, added } = matchRules(stateRules, liveRules, 'content');
  for (const pair of matched) {
    if (sameRuleContent(pair.before, pair.after)) continue;
    const address = managedOf.get(pair.before)?.address ?? 'state';
    const after = liveOf.get(pair.after) ?? pair.after;
    const what =
      canonicalRuleKey(pair.before) === canonicalRuleKey(pair.after)
        ? `description: Terraform has "${pair.before.description ?? ''}", live is "${pair.after.description ?? ''}"`
        : `Terraform has "${describeRule(pair.before)}", live is "${describeRule(pair.after)}"`;
    changes.push(ruleChange('rule-modified', accountId, regionId, group, after, `Rule ${after.id ? `${after.id} ` : ''}in ${group.id} differs from ${address}: ${what}.`, { before: pair.before }));
  }
  for (const rule of removed) {
    const managedRule = managedOf.get(rule);
    changes.push(
      ruleChange('rule-removed', accountId, regionId, group, rule, `Managed rule ${managedRule?.address ?? ''} (${managedRule?.item.providerId ?? describeRule(rule)}) does not exist live: deleted outside Terraform.`, {
        identity: `${group.id}:${managedRule?.item.providerId ?? ''}`,
      }),
    );
  }
  // Other rules of a group this state does not manage belong to whoever manages it.
  if (!managed) return;
  const deposed = (state.deposed.rules.get(group.id) ?? []).map((rule) => ruleForGroup(rule, classic, accountId));
  const unclaimed = deposed.length > 0 ? matchRules(deposed, added, 'content').added : added;
  for (const rule of unclaimed) {
    const original = liveOf.get(rule) ?? rule;
    changes.push(ruleChange('unmanaged-rule', accountId, regionId, group, original, `Rule in Terraform-managed group ${group.id} (${managed.address}) that Terraform does not know: ${describeRule(original)}.`));
  }
}

function unmanagedGroups(context: Context, severity: Severity | undefined): void {
  const { state, index, changes } = context;
  for (const [groupId, { accountId, regionId, group }] of index.groups) {
    // A group whose rules this state manages, or a deposed one awaiting destruction, is not "unmanaged".
    if (state.groups.has(groupId) || state.rules.has(groupId) || state.deposed.groupIds.has(groupId) || group.serviceManaged) continue;
    changes.push({
      kind: 'unmanaged-group',
      accountId,
      regionId,
      resource: { type: 'securityGroup', id: groupId, name: group.name },
      identity: groupId,
      message: `Security group ${groupId} (${group.name}) is not managed by Terraform (${group.rules.length} rule(s)).`,
      ...(severity ? { severity } : {}),
      evidence: [],
    });
  }
}

function membership(changes: DriftChange[], where: { accountId: string; regionId: string }, resource: DriftChange['resource'], managedGroups: readonly string[], liveGroups: readonly string[], attribute: string): void {
  const managedSet = new Set(managedGroups);
  const liveSet = new Set(liveGroups);
  const what = resource.type === 'instance' ? resource.id : `network interface ${resource.id}`;
  for (const groupId of liveSet) {
    if (!managedSet.has(groupId)) changes.push({ kind: 'group-attached', ...where, resource, identity: groupId, message: `Security group ${groupId} is attached to ${what} but not in ${attribute}.`, before: [...managedSet], after: [...liveSet], evidence: [] });
  }
  for (const groupId of managedSet) {
    if (!liveSet.has(groupId)) changes.push({ kind: 'group-detached', ...where, resource, identity: groupId, message: `Security group ${groupId} is in ${attribute} but not attached to ${what}.`, before: [...managedSet], after: [...liveSet], evidence: [] });
  }
}

function compareInstances(context: Context): void {
  const { state, index, changes } = context;
  for (const [instanceId, managed] of state.instances) {
    const { address, item } = managed;
    const found = index.instances.get(instanceId);
    if (!found) {
      const place = index.locate({ provider: managed.provider, ...(item.zone ? { zone: item.zone } : {}), ...(item.vSwitchId ? { vSwitchId: item.vSwitchId } : {}) });
      const where = confirmMissing(context, place, ['DescribeInstances'], 'instances', instanceId);
      if (!where) continue;
      changes.push({
        kind: 'instance-removed',
        accountId: where.accountId,
        regionId: where.regionId,
        resource: { type: 'instance', id: instanceId, ...(item.name ? { name: item.name } : {}) },
        identity: instanceId,
        message: `Instance ${instanceId} (${address}) is in the Terraform state but does not exist live: deleted outside Terraform.`,
        before: { address, securityGroupIds: item.securityGroupIds },
        evidence: [],
      });
      continue;
    }
    const { accountId, regionId, instance } = found;
    const gap = index.gap(accountId, regionId, ['DescribeInstances', 'DescribeNetworkInterfaces']);
    if (gap) {
      context.notCompared.add({ accountId, regionId, api: gap.api, reason: `live snapshot: ${gap.api} ${gap.status}${gap.code ? ` (${gap.code})` : ''}` }, 'membership of instances', instanceId);
      continue;
    }
    // alicloud_instance.security_groups are the groups of the primary interface.
    const resource = { type: 'instance' as const, id: instanceId, ...(instance.name ? { name: instance.name } : {}) };
    membership(changes, { accountId, regionId }, resource, item.securityGroupIds, found.primaryGroups ?? instance.securityGroupIds, `${address}.security_groups`);
  }
}

function compareInterfaces(context: Context): void {
  const { state, index, changes } = context;
  for (const [eniId, managed] of state.networkInterfaces) {
    const { address, item } = managed;
    const found = index.interfaces.get(eniId);
    if (!found) {
      const place = index.locate({ provider: managed.provider, ...(item.vSwitchId ? { vSwitchId: item.vSwitchId } : {}) });
      const where = confirmMissing(context, place, ['DescribeNetworkInterfaces'], 'network interfaces', eniId);
      if (!where) continue;
      changes.push({
        kind: 'interface-removed',
        ...where,
        resource: { type: 'networkInterface', id: eniId, ...(item.name ? { name: item.name } : {}) },
        identity: eniId,
        message: `Network interface ${eniId} (${address}) is in the Terraform state but does not exist live: deleted outside Terraform.`,
        before: { address, securityGroupIds: item.securityGroupIds },
        evidence: [],
      });
      continue;
    }
    const { accountId, regionId, eni } = found;
    const gap = index.gap(accountId, regionId, ['DescribeNetworkInterfaces']);
    if (gap) {
      context.notCompared.add({ accountId, regionId, api: gap.api, reason: `live snapshot: ${gap.api} ${gap.status}${gap.code ? ` (${gap.code})` : ''}` }, 'network interfaces', eniId);
      continue;
    }
    const resource = { type: 'networkInterface' as const, id: eniId, ...(eni.name ? { name: eni.name } : {}) };
    membership(changes, { accountId, regionId }, resource, item.securityGroupIds, eni.securityGroupIds, `${address}.${item.groupsAttribute}`);
  }
}

/** The place of an instance (or interface, for EIPs bound to one): live if it is there, else what the state says. */
function placeOfInstance(context: Context, instanceId: string, provider: string): Place {
  const live = context.index.instances.get(instanceId) ?? context.index.interfaces.get(instanceId);
  if (live) return { accountId: live.accountId, regionId: live.regionId };
  const managed = context.state.instances.get(instanceId)?.item;
  const eni = context.state.networkInterfaces.get(instanceId)?.item;
  const zone = managed?.zone;
  const vSwitchId = managed?.vSwitchId ?? eni?.vSwitchId;
  return context.index.locate({ provider, ...(zone ? { zone } : {}), ...(vSwitchId ? { vSwitchId } : {}) });
}

function compareAttachments(context: Context): void {
  const { state, index, changes } = context;
  for (const [eniId, managed] of state.attachments) {
    const { address, item } = managed;
    const found = index.interfaces.get(eniId);
    if (!found) {
      // A managed interface missing live is reported (or not compared) once, as the interface.
      if (state.networkInterfaces.has(eniId)) continue;
      const where = confirmMissing(context, placeOfInstance(context, item.instanceId, managed.provider), ['DescribeNetworkInterfaces'], 'network interface attachments', eniId);
      if (!where) continue;
      changes.push({
        kind: 'interface-removed',
        ...where,
        resource: { type: 'networkInterface', id: eniId },
        identity: eniId,
        message: `Network interface ${eniId}, attached to ${item.instanceId} by ${address}, does not exist live: deleted outside Terraform.`,
        before: { address, instanceId: item.instanceId },
        evidence: [],
      });
      continue;
    }
    const { accountId, regionId, eni } = found;
    const gap = index.gap(accountId, regionId, ['DescribeNetworkInterfaces']);
    if (gap) {
      context.notCompared.add({ accountId, regionId, api: gap.api, reason: `live snapshot: ${gap.api} ${gap.status}${gap.code ? ` (${gap.code})` : ''}` }, 'network interface attachments', eniId);
      continue;
    }
    if ((eni.instanceId ?? '') === item.instanceId) continue;
    changes.push({
      kind: 'interface-rebound',
      accountId,
      regionId,
      resource: { type: 'networkInterface', id: eniId, ...(eni.name ? { name: eni.name } : {}) },
      identity: `${eniId}:${eni.instanceId ?? ''}`,
      message: `Network interface ${eniId} is attached to ${eni.instanceId ?? 'nothing'} but ${address} attaches it to ${item.instanceId}; its groups (${eni.securityGroupIds.join(', ') || 'none'}) now protect ${eni.instanceId ?? 'no instance'}.`,
      before: { instanceId: item.instanceId },
      after: { instanceId: eni.instanceId },
      evidence: [],
    });
  }
}

function compareEipAssociations(context: Context): void {
  const { state, index, changes } = context;
  for (const [allocationId, managed] of state.eipAssociations) {
    const { address, item } = managed;
    const found = index.eips.get(allocationId);
    const resource = { type: 'eip' as const, id: allocationId };
    if (!found) {
      const where = confirmMissing(context, placeOfInstance(context, item.instanceId, managed.provider), ['DescribeEipAddresses'], 'EIP associations', allocationId);
      if (!where) continue;
      changes.push({ kind: 'eip-removed', ...where, resource, identity: allocationId, message: `EIP ${allocationId} (${address}) does not exist live: released outside Terraform.`, before: item, evidence: [] });
      continue;
    }
    const gap = index.gap(found.accountId, found.regionId, ['DescribeEipAddresses']);
    if (gap) {
      context.notCompared.add({ accountId: found.accountId, regionId: found.regionId, api: gap.api, reason: `live snapshot: ${gap.api} ${gap.status}${gap.code ? ` (${gap.code})` : ''}` }, 'EIP associations', allocationId);
      continue;
    }
    if (found.boundInstanceId === item.instanceId) continue;
    changes.push({
      kind: 'eip-rebound',
      accountId: found.accountId,
      regionId: found.regionId,
      resource,
      identity: `${allocationId}:${found.boundInstanceId ?? ''}`,
      message: `EIP ${found.ip} (${allocationId}) is bound to ${found.boundInstanceId ?? 'nothing'} but ${address} associates it with ${item.instanceId}.`,
      before: { boundInstanceId: item.instanceId, boundInstanceType: item.instanceType },
      after: { boundInstanceId: found.boundInstanceId, boundInstanceType: found.boundInstanceType },
      addresses: [found.ip],
      evidence: [],
    });
  }
}

/**
 * Compare Terraform state with a live snapshot. Managed objects missing or changed live are drift;
 * rules in a managed group that Terraform does not know are `unmanaged-rule` (most likely added by
 * hand in the console); groups Terraform does not manage at all are `unmanaged-group`. Rules join by
 * SecurityGroupRuleId when the state has it, else by the canonical key the provider's rule id
 * encodes. An object whose place the snapshot did not collect completely is not compared.
 */
export function diffTerraform(state: TerraformBaseline, live: Snapshot, options: TerraformDiffOptions = {}): DriftResult {
  const context: Context = { state, index: new LiveIndex(live, state.places), notCompared: new NotComparedLog(), changes: [] };
  for (const groupId of new Set([...state.groups.keys(), ...state.rules.keys()])) compareGroup(context, groupId);
  if (options.unmanagedGroups !== 'off') unmanagedGroups(context, options.unmanagedGroups);
  compareInstances(context);
  compareInterfaces(context);
  compareAttachments(context);
  compareEipAssociations(context);
  const notCompared = context.notCompared.list();
  if (state.skipped.length > 0) {
    const shown = state.skipped.slice(0, 5).join('; ');
    notCompared.push({ accountId: '*', regionId: '*', api: 'terraform state', reason: `${state.path}: ${state.skipped.length} object(s) not read: ${shown}${state.skipped.length > 5 ? `; +${state.skipped.length - 5} more` : ''}` });
  }
  return { baselineId: state.id, currentId: live.id, changes: context.changes, notCompared };
}
