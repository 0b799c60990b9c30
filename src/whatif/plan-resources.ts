import {
  attachmentFromAttributes,
  eipAssociationFromAttributes,
  groupFromAttributes,
  instanceFromAttributes,
  interfaceFromAttributes,
  ruleForGroup,
  ruleFromAttributes,
  type Attributes,
} from '../analyze/drift/terraform-provider.js';
import { SYNTHETIC_ENI_SUFFIX } from '../analyze/view.js';
import type { Rule } from '../model/snapshot.js';
import type { Change, RuleMatch } from './changes.js';
import type { PlanReader, ResourceChange } from './plan-reader.js';

/**
 * Each alicloud resource type's planned change as changes to the snapshot. Attribute meanings
 * come from terraform-provider.ts (the same readers drift uses on state); this module adds what
 * a plan has and a state has not: values known only after apply, replaced by the widest value
 * they could take (or resolved through the configuration's references) and said so.
 */

type Mapper = (reader: PlanReader, change: ResourceChange) => Change[];

/** An unknown rule attribute → the widest value it could take. */
const WIDEST_RULE: Readonly<Record<string, string | number>> = { type: 'ingress', ip_protocol: 'all', port_range: '1/65535', policy: 'accept', priority: 1 };
const PEERS = ['cidr_ip', 'ipv6_cidr_ip', 'source_security_group_id', 'prefix_list_id'] as const;

function known(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

/**
 * The after attributes without the values known only after apply; `resolve` gives values for
 * some of them. The rest are computed attributes (ids, addresses, NIC type …) that the caller
 * reads separately where they matter.
 */
function afterAttributes(change: ResourceChange, resolve: (attribute: string) => unknown): Record<string, unknown> {
  const attributes: Record<string, unknown> = { ...change.after };
  for (const [attribute, unknown] of Object.entries(change.afterUnknown)) {
    if (unknown !== true) continue;
    delete attributes[attribute];
    const value = resolve(attribute);
    if (value !== undefined) attributes[attribute] = value;
  }
  return attributes;
}

// ---------------------------------------------------------------------------------------------
// alicloud_security_group_rule

function ruleGroupId(reader: PlanReader, change: ResourceChange): string {
  const id = reader.referencedId(change, 'security_group_id', /^alicloud_security_group$/);
  if (id) return id;
  const placeholder = reader.placeholderId(change).replace(/$/, '.security_group_id');
  reader.assumptions.push(`${change.address}: security_group_id is known only after apply and names no group of the plan; the rule goes to a placeholder group ${placeholder}`);
  return placeholder;
}

function plannedRule(reader: PlanReader, change: ResourceChange): { groupId: string; rule: Rule } {
  const peerKnown = PEERS.some((peer) => !reader.isUnknown(change, peer) && known(change.after?.[peer]));
  // prefix_list_id is computed: unknown in every new rule, it means something only when no other peer is set.
  const unknownAddressPeers = PEERS.filter((peer) => peer !== 'prefix_list_id' && reader.isUnknown(change, peer));
  const unknownPeers: readonly string[] = unknownAddressPeers.length > 0 || !reader.isUnknown(change, 'prefix_list_id') ? unknownAddressPeers : ['prefix_list_id'];
  const attributes = afterAttributes(change, (attribute) => {
    if (attribute === 'security_group_id') return ruleGroupId(reader, change);
    if (attribute in WIDEST_RULE) {
      const widest = WIDEST_RULE[attribute]!;
      reader.assumptions.push(`${change.address}: ${attribute} is known only after apply; assumed ${widest}${attribute === 'port_range' ? ' (every port)' : ''}, the widest it could be`);
      return widest;
    }
    return undefined;
  });
  if (!peerKnown && unknownPeers.length > 0) {
    const groupPeer = unknownPeers.includes('source_security_group_id') ? reader.referencedId(change, 'source_security_group_id', /^alicloud_security_group$/) : undefined;
    if (groupPeer) attributes.source_security_group_id = groupPeer;
    else {
      // Any unknown address peer (CIDR, IPv6 CIDR, prefix list) could be the whole internet.
      const ipv6 = unknownPeers.length === 1 && unknownPeers[0] === 'ipv6_cidr_ip';
      attributes[ipv6 ? 'ipv6_cidr_ip' : 'cidr_ip'] = ipv6 ? '::/0' : '0.0.0.0/0';
      reader.assumptions.push(`${change.address}: ${unknownPeers.join(', ')} ${unknownPeers.length === 1 ? 'is' : 'are'} known only after apply; assumed ${ipv6 ? '::/0' : '0.0.0.0/0'}, the widest it could be`);
    }
  }
  return ruleOf(reader, change, attributes);
}

function ruleOf(reader: PlanReader, change: ResourceChange, attributes: Attributes): { groupId: string; rule: Rule } {
  const rule = reader.read(change, () => ruleFromAttributes(attributes));
  const group = reader.index.groups.get(rule.groupId);
  // A group the snapshot lacks is new, so in a VPC: the classic network takes no new groups.
  const plain = ruleForGroup(rule, group ? !group.item.vpcId : false, group?.accountId ?? '');
  if (!rule.id) delete plain.id;
  return { groupId: rule.groupId, rule: plain };
}

function matchOf(rule: Rule): RuleMatch {
  return rule.id ? { ruleId: rule.id, rule } : { rule };
}

const ruleChanges: Mapper = (reader, change) => {
  const { actions, origin } = change;
  const result: Change[] = [];
  if (actions.includes('delete') && change.before) {
    const { groupId, rule } = ruleOf(reader, change, change.before);
    result.push({ kind: 'removeRule', groupId, match: matchOf(rule), origin });
  }
  if (actions.includes('create')) {
    const { groupId, rule } = plannedRule(reader, change);
    result.push({ kind: 'addRule', groupId, rule, origin });
  } else if (actions.includes('update') && change.before) {
    const old = ruleOf(reader, change, change.before);
    const { rule } = plannedRule(reader, change);
    const { id: _id, createdAt: _createdAt, problems: _problems, ...set } = rule;
    result.push({ kind: 'modifyRule', groupId: old.groupId, match: matchOf(old.rule), set, origin });
  }
  return result;
};

// ---------------------------------------------------------------------------------------------
// alicloud_security_group

const groupChanges: Mapper = (reader, change) => {
  const { actions, origin } = change;
  const result: Change[] = [];
  if (actions.includes('delete') && change.before) result.push({ kind: 'deleteGroup', groupId: String(change.before.id), origin });
  if (actions.includes('create')) {
    const attributes = afterAttributes(change, (attribute) => (attribute === 'vpc_id' ? reader.referencedId(change, 'vpc_id') : undefined));
    const group = reader.read(change, () => groupFromAttributes({ ...attributes, id: reader.idOf(change) }));
    const place = reader.locate(change, { ...(group.vpcId ? { vpcId: group.vpcId } : {}) });
    result.push({ kind: 'createGroup', ...place, group, origin });
  } else if (actions.includes('update') && change.before && change.after && change.before.inner_access_policy !== change.after.inner_access_policy) {
    reader.assumptions.push(`${change.address}: the change of inner_access_policy (traffic inside the group) is not modelled; ignored`);
  }
  return result;
};

// ---------------------------------------------------------------------------------------------
// Group lists of instances and interfaces

/** The groups an instance or ENI will be in: the known ids, the ones the configuration names, and a note for the rest. */
function plannedGroups(reader: PlanReader, change: ResourceChange, attribute: string): string[] | undefined {
  const value = change.after?.[attribute];
  const unknown = change.afterUnknown[attribute];
  const listed = Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string' && id !== '') : [];
  if (unknown !== true && !(Array.isArray(unknown) && unknown.includes(true))) return Array.isArray(value) ? listed : undefined;
  const referenced = reader.referenced(change, attribute).filter((target) => target.type === 'alicloud_security_group').map((target) => reader.idOf(target));
  const ids = [...new Set([...listed, ...referenced])];
  reader.assumptions.push(
    `${change.address}: ${attribute} is known only after apply; assumed ${ids.length ? ids.join(', ') : 'no group'} (the known ids and the groups the configuration refers to)`,
  );
  return ids;
}

function membershipChanges(change: ResourceChange, target: string, before: readonly string[], after: readonly string[]): Change[] {
  // Attach first: detaching the last group before the new one is in would be refused.
  const attach = after.filter((id) => !before.includes(id)).map((groupId): Change => ({ kind: 'attachGroup', groupId, target, origin: change.origin }));
  const detach = before.filter((id) => !after.includes(id)).map((groupId): Change => ({ kind: 'detachGroup', groupId, target, origin: change.origin }));
  return [...attach, ...detach];
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string' && item !== '') : [];
}

// ---------------------------------------------------------------------------------------------
// alicloud_instance

function bandwidth(change: ResourceChange, side: 'before' | 'after'): number | 'unknown' {
  if (side === 'after' && change.afterUnknown.internet_max_bandwidth_out === true) return 'unknown';
  const value = change[side]?.internet_max_bandwidth_out;
  return typeof value === 'number' ? value : Number(value ?? 0) || 0;
}

function plannedPublicIp(reader: PlanReader, change: ResourceChange): string | undefined {
  const out = bandwidth(change, 'after');
  if (out === 0) return undefined;
  const ip = change.after?.public_ip;
  if (typeof ip === 'string' && ip !== '' && !reader.isUnknown(change, 'public_ip')) return ip;
  const placeholder = reader.placeholderIp();
  reader.assumptions.push(
    out === 'unknown'
      ? `${change.address}: internet_max_bandwidth_out is known only after apply; assumed above 0, so the instance gets a public IP, shown as ${placeholder}`
      : `${change.address}: internet_max_bandwidth_out is ${out}, so the instance gets a public IP known only after apply, shown as ${placeholder}`,
  );
  return placeholder;
}

const instanceChanges: Mapper = (reader, change) => {
  const { actions, origin } = change;
  const result: Change[] = [];
  if (actions.includes('delete') && change.before) result.push({ kind: 'deleteInstance', instanceId: String(change.before.id), origin });
  if (actions.includes('create')) {
    const groups = plannedGroups(reader, change, 'security_groups') ?? [];
    if (groups.length === 0) {
      reader.assumptions.push(`${change.address}: no security group is known before apply; the instance is left out`);
      return result;
    }
    const attributes = afterAttributes(change, () => undefined);
    const id = reader.idOf(change);
    const read = reader.read(change, () => instanceFromAttributes({ ...attributes, id, security_groups: groups }));
    const vpcId = typeof attributes.vpc_id === 'string' && attributes.vpc_id ? attributes.vpc_id : read.vSwitchId ? reader.index.vswitches.get(read.vSwitchId)?.vpcId : reader.index.groups.get(groups[0]!)?.item.vpcId;
    const place = reader.locate(change, { ...(vpcId ? { vpcId } : {}), ...(read.vSwitchId ? { vSwitchId: read.vSwitchId } : {}), ...(read.zone ? { zone: read.zone } : {}), groupIds: groups });
    const publicIp = plannedPublicIp(reader, change);
    const privateIps = strings([attributes.private_ip ?? attributes.primary_ip_address]);
    const eniId = typeof attributes.network_interface_id === 'string' && attributes.network_interface_id ? attributes.network_interface_id : `${id}${SYNTHETIC_ENI_SUFFIX}`;
    const common = { ...(vpcId ? { vpcId } : {}), ...(read.vSwitchId ? { vSwitchId: read.vSwitchId } : {}), privateIps, tags: {} };
    result.push({
      kind: 'createInstance',
      ...place,
      instance: { id, name: read.name ?? '', status: 'Running', networkType: 'vpc', ...common, securityGroupIds: groups, publicIps: publicIp ? [publicIp] : [] },
      primaryEni: { id: eniId, name: '', description: '', type: 'Primary', status: 'InUse', instanceId: id, serviceManaged: false, ...common, ipv6Addresses: [], securityGroupIds: groups },
      origin,
    });
  } else if (actions.includes('update') && change.before) {
    const id = String(change.before.id);
    const after = plannedGroups(reader, change, 'security_groups');
    if (after) result.push(...membershipChanges(change, id, strings(change.before.security_groups), [...new Set([...after, ...(change.afterUnknown.security_groups ? strings(change.before.security_groups) : [])])]));
    const [was, will] = [bandwidth(change, 'before'), bandwidth(change, 'after')];
    if (was === 0 && will !== 0) result.push({ kind: 'setPublicIp', instanceId: id, ip: plannedPublicIp(reader, change), origin });
    if (was !== 0 && will === 0) result.push({ kind: 'setPublicIp', instanceId: id, ip: undefined, origin });
  }
  return result;
};

// ---------------------------------------------------------------------------------------------
// alicloud_network_interface, alicloud_ecs_network_interface

function interfaceGroupsAttribute(attributes: Attributes | undefined): 'security_group_ids' | 'security_groups' {
  return strings(attributes?.security_group_ids).length || !strings(attributes?.security_groups).length ? 'security_group_ids' : 'security_groups';
}

const interfaceChanges: Mapper = (reader, change) => {
  const { actions, origin } = change;
  const result: Change[] = [];
  if (actions.includes('delete') && change.before) result.push({ kind: 'deleteInterface', eniId: String(change.before.id), origin });
  const attribute = interfaceGroupsAttribute(change.after);
  if (actions.includes('create')) {
    const groups = plannedGroups(reader, change, attribute) ?? [];
    const attributes = afterAttributes(change, () => undefined);
    const id = reader.idOf(change);
    const read = reader.read(change, () => interfaceFromAttributes({ ...attributes, id, [attribute]: groups }));
    const vpcId = read.vSwitchId ? reader.index.vswitches.get(read.vSwitchId)?.vpcId : reader.index.groups.get(groups[0] ?? '')?.item.vpcId;
    const place = reader.locate(change, { ...(vpcId ? { vpcId } : {}), ...(read.vSwitchId ? { vSwitchId: read.vSwitchId } : {}), groupIds: groups });
    const privateIps = strings([attributes.primary_ip_address ?? attributes.private_ip]);
    result.push({
      kind: 'createInterface',
      ...place,
      eni: { id, name: read.name ?? '', description: '', type: 'Secondary', status: 'Available', serviceManaged: false, ...(vpcId ? { vpcId } : {}), ...(read.vSwitchId ? { vSwitchId: read.vSwitchId } : {}), privateIps, ipv6Addresses: [], securityGroupIds: groups, tags: {} },
      origin,
    });
  } else if (actions.includes('update') && change.before) {
    const after = plannedGroups(reader, change, attribute);
    const before = strings(change.before[interfaceGroupsAttribute(change.before)]);
    if (after) result.push(...membershipChanges(change, String(change.before.id), before, change.afterUnknown[attribute] ? [...new Set([...after, ...before])] : after));
  }
  return result;
};

// ---------------------------------------------------------------------------------------------
// Attachments and EIP associations: each is the link between two ids, either of which may be new.

function linkId(reader: PlanReader, change: ResourceChange, attribute: string): string | undefined {
  const value = change.after?.[attribute];
  if (typeof value === 'string' && value !== '' && !reader.isUnknown(change, attribute)) return value;
  return reader.referencedId(change, attribute);
}

const attachmentChanges: Mapper = (reader, change) => {
  const { actions, origin } = change;
  const result: Change[] = [];
  if (actions.includes('delete') && change.before) {
    const { networkInterfaceId, instanceId } = reader.read(change, () => attachmentFromAttributes(change.before!));
    result.push({ kind: 'detachInterface', eniId: networkInterfaceId, instanceId, origin });
  }
  if (actions.includes('create')) {
    const eniId = linkId(reader, change, 'network_interface_id');
    const instanceId = linkId(reader, change, 'instance_id');
    if (eniId && instanceId) result.push({ kind: 'attachInterface', eniId, instanceId, origin });
    else reader.assumptions.push(`${change.address}: ${eniId ? 'instance_id' : 'network_interface_id'} is known only after apply and names no resource of the plan; the attachment is left out`);
  }
  return result;
};

const EIP_TARGETS = new Set(['EcsInstance', 'NetworkInterface']);

const eipAssociationChanges: Mapper = (reader, change) => {
  const { actions, origin } = change;
  const result: Change[] = [];
  if (actions.includes('delete') && change.before) {
    const { allocationId, instanceId, instanceType } = reader.read(change, () => eipAssociationFromAttributes(change.before!));
    if (!instanceType || EIP_TARGETS.has(instanceType)) result.push({ kind: 'unbindEip', eip: allocationId, target: instanceId, origin });
  }
  if (!actions.includes('create')) return result;
  const type = change.after?.instance_type;
  if (typeof type === 'string' && type !== '' && !EIP_TARGETS.has(type)) {
    reader.assumptions.push(`${change.address}: binds an EIP to a ${type}, not to an ECS instance or ENI; ignored`);
    return result;
  }
  const target = linkId(reader, change, 'instance_id');
  const eip = linkId(reader, change, 'allocation_id');
  if (!target || !eip) {
    reader.assumptions.push(`${change.address}: ${target ? 'allocation_id' : 'instance_id'} is known only after apply and names no resource of the plan; the association is left out`);
    return result;
  }
  if (reader.index.eips.has(eip)) {
    result.push({ kind: 'bindEip', eip, target, origin });
    return result;
  }
  // A new EIP: its address, when the plan knows it, else a placeholder.
  const [allocation] = reader.referenced(change, 'allocation_id');
  const address = allocation && !reader.isUnknown(allocation, 'ip_address') ? allocation.after?.ip_address : undefined;
  let ip = typeof address === 'string' && address !== '' ? address : undefined;
  if (!ip) {
    ip = reader.placeholderIp();
    reader.assumptions.push(`${change.address}: the EIP ${eip} is not in the snapshot and its address is known only after apply; shown as ${ip}`);
  }
  result.push({ kind: 'bindEip', eip, target, create: { ip }, origin });
  return result;
};

export const MAPPERS: Readonly<Record<string, Mapper>> = {
  alicloud_security_group: groupChanges,
  alicloud_security_group_rule: ruleChanges,
  alicloud_instance: instanceChanges,
  alicloud_network_interface: interfaceChanges,
  alicloud_ecs_network_interface: interfaceChanges,
  alicloud_network_interface_attachment: attachmentChanges,
  alicloud_ecs_network_interface_attachment: attachmentChanges,
  alicloud_eip_association: eipAssociationChanges,
};
