import type { Instance, NetworkInterface, Rule, SecurityGroup } from '../model/snapshot.js';

/**
 * A proposed change to an estate, from a change file or a Terraform plan, in the snapshot model's
 * terms. Ids are as the change source names them: checking that they exist (or are created earlier
 * in the same set) is applyChanges' job, because only the snapshot knows.
 */

/** Where a change came from, so that an error or a finding can point at the line of the source. */
export interface ChangeOrigin {
  file: string;
  /** Change-file path, e.g. `changes[3]`. */
  path?: string;
  /** Terraform resource address, e.g. `module.web.alicloud_instance.app["a"]`. */
  address?: string;
}

/**
 * Which rule of a group a change means: by rule id when it has one, else by what the rule does
 * (direction, protocol, ports, peer, policy, priority: drift's canonical key). With both, the id
 * is tried first and the fields are the fallback, for snapshots whose rules have no ids.
 */
export type RuleMatch = { ruleId: string; rule?: Rule } | { ruleId?: undefined; rule: Rule };

/** What a rule change may set: the fields of a rule that decide what it admits, and its description. */
export type RuleFields = Partial<Omit<Rule, 'id' | 'createdAt' | 'problems'>>;

export type Change =
  | { kind: 'addRule'; groupId: string; rule: Rule; origin: ChangeOrigin }
  | { kind: 'removeRule'; groupId: string; match: RuleMatch; origin: ChangeOrigin }
  | { kind: 'modifyRule'; groupId: string; match: RuleMatch; set: RuleFields; origin: ChangeOrigin }
  | { kind: 'createGroup'; accountId: string; regionId: string; group: SecurityGroup; origin: ChangeOrigin }
  | { kind: 'deleteGroup'; groupId: string; origin: ChangeOrigin }
  /** `target`: an instance id (its primary ENI) or an ENI id. */
  | { kind: 'attachGroup' | 'detachGroup'; groupId: string; target: string; origin: ChangeOrigin }
  /**
   * `eip`: an allocation id or the address; `target`: an instance id or an ENI id. `create` gives
   * the address of an EIP the snapshot does not hold because the same change set allocates it.
   */
  | { kind: 'bindEip'; eip: string; target: string; create?: { ip: string }; origin: ChangeOrigin }
  /** Without `target`, from whatever the EIP is bound to. */
  | { kind: 'unbindEip'; eip: string; target?: string; origin: ChangeOrigin }
  | { kind: 'createInstance'; accountId: string; regionId: string; instance: Instance; primaryEni: NetworkInterface; origin: ChangeOrigin }
  /** The instance's system-assigned public IPv4 (`internet_max_bandwidth_out` > 0), or none. */
  | { kind: 'setPublicIp'; instanceId: string; ip: string | undefined; origin: ChangeOrigin }
  | { kind: 'deleteInstance'; instanceId: string; origin: ChangeOrigin }
  /** A new ENI; attached when `eni.instanceId` is set. */
  | { kind: 'createInterface'; accountId: string; regionId: string; eni: NetworkInterface; origin: ChangeOrigin }
  | { kind: 'deleteInterface'; eniId: string; origin: ChangeOrigin }
  | { kind: 'attachInterface' | 'detachInterface'; eniId: string; instanceId: string; origin: ChangeOrigin };

export type ChangeKind = Change['kind'];

/** A change that edits a group's rules and moves no member in or out of any group. */
export function isRuleEdit(change: Change): boolean {
  return change.kind === 'addRule' || change.kind === 'removeRule' || change.kind === 'modifyRule';
}

export interface ChangeSet {
  kind: 'change-file' | 'terraform-plan';
  changes: Change[];
  /** What was assumed where the source did not say (unknown-after-apply values, ignored resources): one sentence each, naming the address and attribute. */
  assumptions: string[];
}

/** `plan.json: alicloud_security_group_rule.rdp`, `changes.yaml: changes[3]`. */
export function describeOrigin(origin: ChangeOrigin): string {
  const where = origin.address ?? origin.path;
  return where ? `${origin.file}: ${where}` : origin.file;
}
