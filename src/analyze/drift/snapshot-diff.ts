import type { Eip, Instance, Region, Rule, SecurityGroup, Snapshot } from '../../model/snapshot.js';
import { ComparisonScope, type RegionPair } from './coverage.js';
import { canonicalRuleKey, describePeer, ruleContent, ruleEvidence, rulePeer, ruleSummary, sameRuleContent } from './rule-key.js';
import type { DiffOptions, DriftChange, DriftResult } from './types.js';
import { isPrimaryType } from '../view.js';

/**
 * Structural diff of two snapshots: groups, rules, membership, public IPs and EIPs, in O(n)
 * with maps. Scopes whose data was incomplete on either side are skipped and listed as
 * not compared, never reported as removed or added.
 */
export function diffSnapshots(baseline: Snapshot, current: Snapshot, options: DiffOptions = {}): DriftResult {
  const scope = new ComparisonScope(baseline, current);
  const changes: DriftChange[] = [];
  for (const pair of scope.pairs()) diffRegion(pair, scope, options, changes);
  return { baselineId: baseline.id, currentId: current.id, changes, notCompared: scope.notCompared() };
}

export function diffRegion(pair: RegionPair, scope: ComparisonScope, options: DiffOptions, changes: DriftChange[]): void {
  const { accountId, regionId } = pair;
  if (scope.complete(accountId, regionId, 'DescribeSecurityGroups')) diffGroups(pair, scope, options, changes);
  if (scope.complete(accountId, regionId, 'DescribeNetworkInterfaces')) diffEnis(pair, changes);
  if (scope.complete(accountId, regionId, 'DescribeInstances', 'DescribeNetworkInterfaces')) diffInstances(pair, changes);
  if (scope.complete(accountId, regionId, 'DescribeEipAddresses')) diffEips(pair, changes);
}

function byId<T extends { id: string }>(items: readonly T[]): Map<string, T> {
  const map = new Map<string, T>();
  for (const item of items) map.set(item.id, item);
  return map;
}

function groupSummary(group: SecurityGroup): Record<string, unknown> {
  return {
    name: group.name,
    description: group.description,
    type: group.type,
    innerAccessPolicy: group.innerAccessPolicy,
    ...(group.vpcId ? { vpcId: group.vpcId } : {}),
    tags: group.tags,
    rules: group.rules.length,
  };
}

function sameTags(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const aKeys = Object.keys(a ?? {});
  if (aKeys.length !== Object.keys(b ?? {}).length) return false;
  return aKeys.every((key) => Object.hasOwn(b ?? {}, key) && a?.[key] === b?.[key]);
}

/** Attributes of a group that differ; innerAccessPolicy only when both sides read the group's attributes. */
export function changedGroupFields(before: SecurityGroup, after: SecurityGroup, compareInnerAccess: boolean): { before: Record<string, unknown>; after: Record<string, unknown> } | undefined {
  const beforeFields: Record<string, unknown> = {};
  const afterFields: Record<string, unknown> = {};
  const note = (field: string, a: unknown, b: unknown) => {
    beforeFields[field] = a;
    afterFields[field] = b;
  };
  if (before.name !== after.name) note('name', before.name, after.name);
  if (before.description !== after.description) note('description', before.description, after.description);
  if (before.type !== after.type) note('type', before.type, after.type);
  if (compareInnerAccess && before.innerAccessPolicy !== after.innerAccessPolicy) note('innerAccessPolicy', before.innerAccessPolicy, after.innerAccessPolicy);
  if ((before.vpcId ?? '') !== (after.vpcId ?? '')) note('vpcId', before.vpcId, after.vpcId);
  if (!sameTags(before.tags, after.tags)) note('tags', before.tags, after.tags);
  return Object.keys(beforeFields).length > 0 ? { before: beforeFields, after: afterFields } : undefined;
}

function diffGroups(pair: RegionPair, scope: ComparisonScope, options: DiffOptions, changes: DriftChange[]): void {
  const { accountId, regionId } = pair;
  const before = byId(pair.baseline.securityGroups);
  const after = byId(pair.current.securityGroups);
  for (const group of pair.current.securityGroups) {
    const old = before.get(group.id);
    if (!old) {
      changes.push({
        kind: 'group-added',
        accountId,
        regionId,
        resource: { type: 'securityGroup', id: group.id, name: group.name },
        identity: group.id,
        message: `Security group ${group.id} (${group.name}) was created with ${group.rules.length} rule(s).`,
        after: groupSummary(group),
        evidence: [],
      });
      continue;
    }
    // readSnapshotPair shares the record of a group whose line did not change: nothing to compare.
    if (old === group) continue;
    const rulesComparable = scope.rulesComparable(accountId, regionId, group.id);
    const fields = changedGroupFields(old, group, rulesComparable);
    if (fields) {
      changes.push({
        kind: 'group-modified',
        accountId,
        regionId,
        resource: { type: 'securityGroup', id: group.id, name: group.name },
        identity: `${group.id}:${JSON.stringify(fields.after)}`,
        message: `Security group ${group.id} changed: ${Object.keys(fields.after).join(', ')}.`,
        before: fields.before,
        after: fields.after,
        evidence: [],
      });
    }
    if (rulesComparable) diffRules(accountId, regionId, old, group, options, changes);
  }
  for (const group of pair.baseline.securityGroups) {
    if (after.has(group.id)) continue;
    changes.push({
      kind: 'group-removed',
      accountId,
      regionId,
      resource: { type: 'securityGroup', id: group.id, name: group.name },
      identity: group.id,
      message: `Security group ${group.id} (${group.name}) was deleted (it had ${group.rules.length} rule(s)).`,
      before: groupSummary(group),
      evidence: [],
    });
  }
}

export interface RuleMatch {
  before: Rule;
  after: Rule;
}

/**
 * Pair the rules of one group across two sides: by id when both sides have one, then by
 * canonical key. With `content` matching, equal content pairs whatever the ids say (a rule
 * deleted and re-created identically is not drift).
 */
export function matchRules(before: readonly Rule[], after: readonly Rule[], matchRulesBy: 'id' | 'content' = 'id'): { matched: RuleMatch[]; removed: Rule[]; added: Rule[] } {
  const matched: RuleMatch[] = [];
  const oldById = new Map<string, number>();
  before.forEach((rule, index) => {
    if (rule.id) oldById.set(rule.id, index);
  });
  const oldTaken = new Uint8Array(before.length);
  const newTaken = new Uint8Array(after.length);
  after.forEach((rule, index) => {
    if (!rule.id) return;
    const oldIndex = oldById.get(rule.id);
    if (oldIndex === undefined || oldTaken[oldIndex]) return;
    oldTaken[oldIndex] = 1;
    newTaken[index] = 1;
    matched.push({ before: before[oldIndex]!, after: rule });
  });
  const oldByKey = new Map<string, number[]>();
  before.forEach((rule, index) => {
    if (oldTaken[index]) return;
    const ruleKey = canonicalRuleKey(rule);
    const list = oldByKey.get(ruleKey);
    if (list) list.push(index);
    else oldByKey.set(ruleKey, [index]);
  });
  after.forEach((rule, index) => {
    if (newTaken[index]) return;
    const candidates = oldByKey.get(canonicalRuleKey(rule));
    if (!candidates) return;
    const position = candidates.findIndex((oldIndex) => matchRulesBy === 'content' || !rule.id || !before[oldIndex]!.id);
    if (position < 0) return;
    const oldIndex = candidates[position]!;
    candidates.splice(position, 1);
    oldTaken[oldIndex] = 1;
    newTaken[index] = 1;
    matched.push({ before: before[oldIndex]!, after: rule });
  });
  return {
    matched,
    removed: before.filter((_, index) => !oldTaken[index]),
    added: after.filter((_, index) => !newTaken[index]),
  };
}

function ruleResourceId(group: SecurityGroup, rule: Rule): string {
  return rule.id ?? `${group.id}/${canonicalRuleKey(rule)}`;
}

export function ruleChange(kind: 'rule-added' | 'rule-removed' | 'rule-modified' | 'unmanaged-rule', accountId: string, regionId: string, group: SecurityGroup, rule: Rule, message: string, extra: { before?: Rule; identity?: string } = {}): DriftChange {
  const peer = describePeer(rulePeer(rule));
  return {
    kind,
    accountId,
    regionId,
    resource: { type: 'rule', id: ruleResourceId(group, rule), name: group.name },
    identity: extra.identity ?? `${group.id}:${rule.id ?? canonicalRuleKey(rule)}`,
    message,
    ...(extra.before ? { before: ruleSummary(extra.before), after: ruleSummary(rule) } : kind === 'rule-removed' ? { before: ruleSummary(rule) } : { after: ruleSummary(rule) }),
    direction: rule.direction,
    protocol: rule.protocol,
    ports: rule.ports,
    ...(peer ? { sources: [peer] } : {}),
    evidence: [ruleEvidence(group, rule)],
  };
}

export function describeRule(rule: Rule): string {
  const peer = describePeer(rulePeer(rule)) ?? 'any';
  const ports = rule.protocol === 'tcp' || rule.protocol === 'udp' ? ` ${rule.ports.from === rule.ports.to ? rule.ports.from : `${rule.ports.from}-${rule.ports.to}`}` : '';
  return `${rule.direction} ${rule.policy} ${rule.protocol}${ports} ${rule.direction === 'ingress' ? 'from' : 'to'} ${peer} (priority ${rule.priority})`;
}

/** The common case at fleet scale: same rules in the same order. Checked without building any index. */
function sameRulesInOrder(before: readonly Rule[], after: readonly Rule[]): boolean {
  if (before === after) return true;
  if (before.length !== after.length) return false;
  for (let i = 0; i < before.length; i++) {
    const a = before[i]!;
    const b = after[i]!;
    if (a.id !== b.id || !sameRuleContent(a, b)) return false;
  }
  return true;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function diffRules(accountId: string, regionId: string, before: SecurityGroup, after: SecurityGroup, options: DiffOptions, changes: DriftChange[]): void {
  if (sameRulesInOrder(before.rules, after.rules)) return;
  const { matched, removed, added } = matchRules(before.rules, after.rules, options.matchRulesBy);
  for (const pair of matched) {
    if (sameRuleContent(pair.before, pair.after)) continue;
    const what =
      canonicalRuleKey(pair.before) === canonicalRuleKey(pair.after)
        ? `description changed from "${pair.before.description ?? ''}" to "${pair.after.description ?? ''}"`
        : `changed from "${describeRule(pair.before)}" to "${describeRule(pair.after)}"`;
    changes.push(
      ruleChange('rule-modified', accountId, regionId, after, pair.after, `Rule ${pair.after.id ? `${pair.after.id} ` : ''}in ${after.id} ${what}.`, {
        before: pair.before,
        identity: `${after.id}:${pair.after.id ?? canonicalRuleKey(pair.after)}:${ruleContent(pair.after)}`,
      }),
    );
  }
  for (const rule of removed) changes.push(ruleChange('rule-removed', accountId, regionId, before, rule, `Rule removed from ${before.id}: ${describeRule(rule)}.`));
  for (const rule of added) changes.push(ruleChange('rule-added', accountId, regionId, after, rule, `Rule added to ${after.id}: ${describeRule(rule)}.`));
}

function membershipChanges(accountId: string, regionId: string, resource: DriftChange['resource'], beforeGroups: readonly string[], afterGroups: readonly string[], note: string, changes: DriftChange[]): void {
  if (sameList(beforeGroups, afterGroups)) return;
  const beforeSet = new Set(beforeGroups);
  const afterSet = new Set(afterGroups);
  for (const groupId of afterSet) {
    if (beforeSet.has(groupId)) continue;
    changes.push({
      kind: 'group-attached',
      accountId,
      regionId,
      resource,
      identity: groupId,
      message: `Security group ${groupId} was attached to ${resource.type === 'instance' ? 'instance' : 'network interface'} ${resource.id}${note}.`,
      before: [...beforeSet],
      after: [...afterSet],
      evidence: [],
    });
  }
  for (const groupId of beforeSet) {
    if (afterSet.has(groupId)) continue;
    changes.push({
      kind: 'group-detached',
      accountId,
      regionId,
      resource,
      identity: groupId,
      message: `Security group ${groupId} was detached from ${resource.type === 'instance' ? 'instance' : 'network interface'} ${resource.id}${note}.`,
      before: [...beforeSet],
      after: [...afterSet],
      evidence: [],
    });
  }
}

function addressChanges(accountId: string, regionId: string, resource: DriftChange['resource'], before: readonly string[], after: readonly string[], changes: DriftChange[]): void {
  if (sameList(before, after)) return;
  const beforeSet = new Set(before);
  const afterSet = new Set(after);
  for (const address of afterSet) {
    if (beforeSet.has(address)) continue;
    changes.push({ kind: 'public-ip-added', accountId, regionId, resource, identity: address, message: `Public IP ${address} appeared on ${resource.type === 'instance' ? 'instance' : 'network interface'} ${resource.id}.`, after: address, addresses: [address], evidence: [] });
  }
  for (const address of beforeSet) {
    if (afterSet.has(address)) continue;
    changes.push({ kind: 'public-ip-removed', accountId, regionId, resource, identity: address, message: `Public IP ${address} was released from ${resource.type === 'instance' ? 'instance' : 'network interface'} ${resource.id}.`, before: address, addresses: [address], evidence: [] });
  }
}

function diffEnis(pair: RegionPair, changes: DriftChange[]): void {
  const { accountId, regionId } = pair;
  const before = byId(pair.baseline.networkInterfaces);
  const after = byId(pair.current.networkInterfaces);
  for (const eni of after.values()) {
    const id = eni.id;
    const old = before.get(id);
    const resource = { type: 'networkInterface' as const, id, ...(eni.name ? { name: eni.name } : {}) };
    membershipChanges(accountId, regionId, resource, old?.securityGroupIds ?? [], eni.securityGroupIds, old ? '' : ' (new interface)', changes);
    if (old?.publicIp !== eni.publicIp) addressChanges(accountId, regionId, resource, old?.publicIp ? [old.publicIp] : [], eni.publicIp ? [eni.publicIp] : [], changes);
  }
  for (const eni of before.values()) {
    const id = eni.id;
    if (after.has(id)) continue;
    const resource = { type: 'networkInterface' as const, id, ...(eni.name ? { name: eni.name } : {}) };
    membershipChanges(accountId, regionId, resource, eni.securityGroupIds, [], ' (interface deleted)', changes);
    addressChanges(accountId, regionId, resource, eni.publicIp ? [eni.publicIp] : [], [], changes);
  }
}

function instancesWithPrimaryEni(region: Region): Set<string> {
  const ids = new Set<string>();
  for (const eni of region.networkInterfaces) if (eni.instanceId && isPrimaryType(eni.type)) ids.add(eni.instanceId);
  return ids;
}

/**
 * Instance-level membership is compared only where no primary ENI record exists on either side
 * (classic network, or a collector that did not list ENIs): otherwise the ENI diff already says
 * it, and reporting both would double every change.
 */
function diffInstances(pair: RegionPair, changes: DriftChange[]): void {
  const { accountId, regionId } = pair;
  const before = byId(pair.baseline.instances);
  const after = byId(pair.current.instances);
  const primaryBefore = instancesWithPrimaryEni(pair.baseline);
  const primaryAfter = instancesWithPrimaryEni(pair.current);
  const visit = (id: string, old: Instance | undefined, now: Instance | undefined) => {
    const named = now ?? old!;
    const resource = { type: 'instance' as const, id, ...(named.name ? { name: named.name } : {}) };
    if (!primaryBefore.has(id) && !primaryAfter.has(id)) {
      membershipChanges(accountId, regionId, resource, old?.securityGroupIds ?? [], now?.securityGroupIds ?? [], old ? (now ? '' : ' (instance deleted)') : ' (new instance)', changes);
    }
    addressChanges(accountId, regionId, resource, old?.publicIps ?? [], now?.publicIps ?? [], changes);
  };
  for (const instance of after.values()) visit(instance.id, before.get(instance.id), instance);
  for (const instance of before.values()) if (!after.has(instance.id)) visit(instance.id, instance, undefined);
}

function binding(eip: Eip): string {
  return eip.boundInstanceId ? `${eip.boundInstanceType ?? 'instance'} ${eip.boundInstanceId}` : 'nothing';
}

function diffEips(pair: RegionPair, changes: DriftChange[]): void {
  const { accountId, regionId } = pair;
  const before = new Map(pair.baseline.eips.map((eip) => [eip.allocationId, eip]));
  const after = new Map(pair.current.eips.map((eip) => [eip.allocationId, eip]));
  const summary = (eip: Eip) => ({ ip: eip.ip, boundInstanceType: eip.boundInstanceType, boundInstanceId: eip.boundInstanceId });
  for (const [id, eip] of after) {
    const resource = { type: 'eip' as const, id, ...(eip.name ? { name: eip.name } : {}) };
    const old = before.get(id);
    if (!old) {
      changes.push({ kind: 'eip-added', accountId, regionId, resource, identity: id, message: `EIP ${eip.ip} (${id}) was allocated, bound to ${binding(eip)}.`, after: summary(eip), addresses: [eip.ip], evidence: [] });
    } else if ((old.boundInstanceId ?? '') !== (eip.boundInstanceId ?? '') || (old.boundInstanceType ?? '') !== (eip.boundInstanceType ?? '')) {
      changes.push({
        kind: 'eip-rebound',
        accountId,
        regionId,
        resource,
        identity: `${id}:${eip.boundInstanceId ?? ''}`,
        message: `EIP ${eip.ip} (${id}) moved from ${binding(old)} to ${binding(eip)}.`,
        before: summary(old),
        after: summary(eip),
        addresses: [eip.ip],
        evidence: [],
      });
    }
  }
  for (const [id, eip] of before) {
    if (after.has(id)) continue;
    const resource = { type: 'eip' as const, id, ...(eip.name ? { name: eip.name } : {}) };
    changes.push({ kind: 'eip-removed', accountId, regionId, resource, identity: id, message: `EIP ${eip.ip} (${id}) was released (it was bound to ${binding(eip)}).`, before: summary(eip), addresses: [eip.ip], evidence: [] });
  }
}

