import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { FileFormatError, SgauditError } from '../../model/errors.js';
import type { Severity } from '../../model/findings.js';
import type { Coverage, CoverageApi, Instance, Peer, Protocol, Rule, SecurityGroup, Snapshot } from '../../model/snapshot.js';
import { changedGroupFields, describeRule, matchRules, ruleChange } from './snapshot-diff.js';
import { sameRuleContent } from './rule-key.js';
import type { DriftChange, DriftResult, NotCompared } from './types.js';
import { isPrimaryType } from '../view.js';

/**
 * Terraform state (v4 JSON, `terraform state pull > state.json`) as a drift baseline. Only the
 * resources that decide network access are read: alicloud_security_group,
 * alicloud_security_group_rule, alicloud_instance (security_groups) and alicloud_eip_association.
 */

const Attributes = z.record(z.string(), z.unknown());
const TfResource = z.object({
  mode: z.string(),
  type: z.string(),
  name: z.string(),
  module: z.string().optional(),
  instances: z.array(z.object({ index_key: z.union([z.string(), z.number()]).optional(), attributes: Attributes.optional() })).default([]),
});
const TfStateV4 = z.object({
  version: z.literal(4),
  terraform_version: z.string(),
  serial: z.number().int().optional(),
  lineage: z.string().optional(),
  resources: z.array(TfResource).default([]),
});

const OptionalText = z
  .string()
  .nullish()
  .transform((value) => (value === null || value === undefined || value === '' ? undefined : value));

const GroupAttributes = z.object({
  id: z.string().min(1),
  name: OptionalText,
  // Provider ≥ 1.239 renamed `name` to `security_group_name`.
  security_group_name: OptionalText,
  description: OptionalText,
  vpc_id: OptionalText,
  security_group_type: OptionalText,
  inner_access_policy: OptionalText,
  tags: z.record(z.string(), z.string()).nullish(),
});

const RuleAttributes = z.object({
  id: z.string().min(1),
  security_group_id: z.string().min(1),
  type: z.enum(['ingress', 'egress']),
  ip_protocol: z.string(),
  port_range: OptionalText,
  cidr_ip: OptionalText,
  ipv6_cidr_ip: OptionalText,
  source_security_group_id: OptionalText,
  source_group_owner_account: OptionalText,
  prefix_list_id: OptionalText,
  nic_type: OptionalText,
  policy: OptionalText,
  priority: z.union([z.number(), z.string()]).nullish(),
  description: OptionalText,
  // Newer providers record the cloud's own SecurityGroupRuleId: the strongest join key.
  security_group_rule_id: OptionalText,
});

const InstanceAttributes = z.object({
  id: z.string().min(1),
  instance_name: OptionalText,
  security_groups: z.array(z.string()).nullish(),
});

const EipAssociationAttributes = z.object({
  allocation_id: z.string().min(1),
  instance_id: z.string().min(1),
  instance_type: OptionalText,
});

/** A Terraform-managed object and the address that manages it (`module.net.alicloud_security_group.web`). */
interface Managed<T> {
  address: string;
  item: T;
}

export interface TerraformBaseline {
  path: string;
  /** `terraform:<lineage>#<serial>`: what the findings document records as baselineId. */
  id: string;
  groups: Map<string, Managed<SecurityGroup>>;
  /** Managed rules by group id; each rule remembers its resource address and the provider's rule id. */
  rules: Map<string, Managed<Rule & { providerId: string }>[]>;
  instances: Map<string, Managed<{ id: string; name?: string; securityGroupIds: string[] }>>;
  eipAssociations: Map<string, Managed<{ allocationId: string; instanceId: string; instanceType?: string }>>;
}

const PROTOCOLS = new Set<Protocol>(['tcp', 'udp', 'icmp', 'icmpv6', 'gre', 'all']);

function addressOf(resource: z.infer<typeof TfResource>, indexKey: string | number | undefined): string {
  const base = `${resource.module ? `${resource.module}.` : ''}${resource.type}.${resource.name}`;
  return indexKey === undefined ? base : `${base}[${JSON.stringify(indexKey)}]`;
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(value)'}: ${issue.message}`)
    .join('; ');
}

/** True when the parsed JSON looks like any Terraform state (used to auto-detect `sgaudit diff OLD`). */
function looksLikeTerraformState(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'version' in value && ('terraform_version' in value || 'lineage' in value);
}

/** The provider's rule resource id: `sg-xxx:ingress:tcp:22/22:intranet:0.0.0.0/0:accept:1`. */
export function parseProviderRuleId(id: string): { groupId: string; type: string; protocol: string; portRange: string; nicType: string; peer: string; policy: string; priority: string } | undefined {
  const parts = id.split(':');
  // IPv6 peers contain colons: the peer is everything between nicType and the last two fields.
  if (parts.length < 8) return undefined;
  const [groupId, type, protocol, portRange, nicType] = parts as [string, string, string, string, string];
  return { groupId, type, protocol, portRange, nicType, peer: parts.slice(5, -2).join(':'), policy: parts.at(-2)!, priority: parts.at(-1)! };
}

function toRule(path: string, address: string, attributes: z.infer<typeof RuleAttributes>, classic: boolean): Rule & { providerId: string } {
  const fromId = parseProviderRuleId(attributes.id);
  const protocol = attributes.ip_protocol.toLowerCase() as Protocol;
  if (!PROTOCOLS.has(protocol)) throw new FileFormatError('SNAPSHOT_INVALID', path, `${address}: unknown ip_protocol "${attributes.ip_protocol}"`);
  const portRange = attributes.port_range ?? fromId?.portRange ?? '-1/-1';
  const match = /^(-?\d+)\/(-?\d+)$/.exec(portRange);
  let ports = { from: 1, to: 65535 };
  // "-1/-1" and protocols without ports mean all ports, as the collector normalizes them.
  if ((protocol === 'tcp' || protocol === 'udp') && match && match[1] !== '-1') ports = { from: Number(match[1]), to: Number(match[2]) };
  const peer: Peer = {};
  if (attributes.cidr_ip) peer.cidr = attributes.cidr_ip;
  else if (attributes.ipv6_cidr_ip) peer.ipv6Cidr = attributes.ipv6_cidr_ip;
  else if (attributes.source_security_group_id) {
    peer.groupId = attributes.source_security_group_id;
    if (attributes.source_group_owner_account) peer.ownerAccount = attributes.source_group_owner_account;
  } else if (attributes.prefix_list_id) peer.prefixListId = attributes.prefix_list_id;
  const priority = attributes.priority === null || attributes.priority === undefined || attributes.priority === '' ? 1 : Number(attributes.priority);
  const nicType = attributes.nic_type?.toLowerCase();
  return {
    ...(attributes.security_group_rule_id ? { id: attributes.security_group_rule_id } : {}),
    providerId: attributes.id,
    direction: attributes.type,
    policy: (attributes.policy ?? 'accept').toLowerCase() === 'drop' ? 'drop' : 'accept',
    priority: Number.isInteger(priority) ? priority : 1,
    protocol,
    ports,
    ...(Object.keys(peer).length > 0 ? (attributes.type === 'ingress' ? { source: peer } : { destination: peer }) : {}),
    // In a VPC one rule covers both NIC types and the collector drops NicType; only classic groups keep it.
    ...(classic && (nicType === 'internet' || nicType === 'intranet') ? { nicType } : {}),
    ...(attributes.description ? { description: attributes.description } : {}),
  };
}

/** Parse tfstate JSON text; errors name the file and what is wrong in one line. */
export function parseTerraformState(path: string, text: string): TerraformBaseline {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new FileFormatError('SNAPSHOT_INVALID', path, 'not a Terraform state (not JSON)');
  }
  if (!looksLikeTerraformState(value)) throw new FileFormatError('SNAPSHOT_INVALID', path, 'not a Terraform state (no "version" and "terraform_version"/"lineage")');
  const version = (value as { version: unknown }).version;
  if (version !== 4) {
    throw new FileFormatError('SNAPSHOT_INVALID', path, `Terraform state version ${JSON.stringify(version)} is not supported (sgaudit reads version 4, written by Terraform ≥ 0.12)`);
  }
  const parsed = TfStateV4.safeParse(value);
  if (!parsed.success) throw new FileFormatError('SNAPSHOT_INVALID', path, `invalid Terraform state: ${describeIssues(parsed.error)}`);
  const state = parsed.data;
  const baseline: TerraformBaseline = {
    path,
    id: `terraform:${state.lineage ?? 'unknown'}#${state.serial ?? 0}`,
    groups: new Map(),
    rules: new Map(),
    instances: new Map(),
    eipAssociations: new Map(),
  };
  const pendingRules: { address: string; attributes: z.infer<typeof RuleAttributes> }[] = [];
  for (const resource of state.resources) {
    if (resource.mode !== 'managed') continue;
    for (const instance of resource.instances) {
      const address = addressOf(resource, instance.index_key);
      const read = <T extends z.ZodType>(schema: T): z.infer<T> => {
        const result = schema.safeParse(instance.attributes ?? {});
        if (!result.success) throw new FileFormatError('SNAPSHOT_INVALID', path, `${address}: ${describeIssues(result.error)}`);
        return result.data;
      };
      switch (resource.type) {
        case 'alicloud_security_group': {
          const a = read(GroupAttributes);
          const type = a.security_group_type === 'enterprise' ? 'enterprise' : 'normal';
          const inner = a.inner_access_policy?.toLowerCase();
          baseline.groups.set(a.id, {
            address,
            item: {
              id: a.id,
              name: a.security_group_name ?? a.name ?? '',
              description: a.description ?? '',
              ...(a.vpc_id ? { vpcId: a.vpc_id } : {}),
              type,
              innerAccessPolicy: inner === 'accept' || inner === 'drop' ? inner : type === 'normal' ? 'accept' : 'drop',
              serviceManaged: false,
              tags: a.tags ?? {},
              rules: [],
            },
          });
          break;
        }
        case 'alicloud_security_group_rule':
          pendingRules.push({ address, attributes: read(RuleAttributes) });
          break;
        case 'alicloud_instance': {
          const a = read(InstanceAttributes);
          baseline.instances.set(a.id, { address, item: { id: a.id, ...(a.instance_name ? { name: a.instance_name } : {}), securityGroupIds: a.security_groups ?? [] } });
          break;
        }
        case 'alicloud_eip_association': {
          const a = read(EipAssociationAttributes);
          baseline.eipAssociations.set(a.allocation_id, { address, item: { allocationId: a.allocation_id, instanceId: a.instance_id, ...(a.instance_type ? { instanceType: a.instance_type } : {}) } });
          break;
        }
        default:
          break;
      }
    }
  }
  for (const { address, attributes } of pendingRules) {
    const classic = baseline.groups.get(attributes.security_group_id)?.item.vpcId === undefined && baseline.groups.has(attributes.security_group_id);
    const rule = toRule(path, address, attributes, classic);
    const list = baseline.rules.get(attributes.security_group_id) ?? [];
    list.push({ address, item: rule });
    baseline.rules.set(attributes.security_group_id, list);
  }
  return baseline;
}

export async function readTerraformState(path: string): Promise<TerraformBaseline> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SgauditError('FILE_NOT_FOUND', `${path}: ${code === 'ENOENT' ? 'no such Terraform state file' : `cannot read (${code ?? String(error)})`}`, { cause: error });
  }
  return parseTerraformState(path, text);
}

export interface TerraformDiffOptions {
  /** Severity of groups Terraform does not manage, or `off` to not report them (default info, so a partly managed estate is not flooded). */
  unmanagedGroups?: Severity | 'off';
}

interface LiveIndex {
  groups: Map<string, { accountId: string; regionId: string; group: SecurityGroup }>;
  instances: Map<string, { accountId: string; regionId: string; instance: Instance; primaryGroups?: string[] }>;
  eips: Map<string, { accountId: string; regionId: string; boundInstanceId?: string; boundInstanceType?: string; ip: string }>;
  /** VPC → its region; `null` when the VPC id appears in several regions (then the region is unknown). */
  vpcRegion: Map<string, { accountId: string; regionId: string } | null>;
  incomplete: Map<string, Coverage[]>;
  partialRuleGroups: Set<string>;
  regions: { accountId: string; regionId: string }[];
}

function scopeKey(accountId: string, regionId: string): string {
  return `${accountId}\u0000${regionId}`;
}

function indexLive(live: Snapshot): LiveIndex {
  const index: LiveIndex = { groups: new Map(), instances: new Map(), eips: new Map(), vpcRegion: new Map(), incomplete: new Map(), partialRuleGroups: new Set(), regions: [] };
  for (const account of live.accounts) {
    const { accountId } = account;
    for (const region of account.regions) {
      const { regionId } = region;
      index.regions.push({ accountId, regionId });
      for (const group of region.securityGroups) {
        index.groups.set(group.id, { accountId, regionId, group });
        if (group.vpcId) {
          const seen = index.vpcRegion.get(group.vpcId);
          const same = seen && seen.accountId === accountId && seen.regionId === regionId;
          index.vpcRegion.set(group.vpcId, seen === undefined || same ? { accountId, regionId } : null);
        }
      }
      const primary = new Map<string, string[]>();
      for (const eni of region.networkInterfaces) if (eni.instanceId && isPrimaryType(eni.type)) primary.set(eni.instanceId, eni.securityGroupIds);
      for (const instance of region.instances) {
        const primaryGroups = primary.get(instance.id);
        index.instances.set(instance.id, { accountId, regionId, instance, ...(primaryGroups ? { primaryGroups } : {}) });
      }
      for (const eip of region.eips) index.eips.set(eip.allocationId, { accountId, regionId, ip: eip.ip, ...(eip.boundInstanceId ? { boundInstanceId: eip.boundInstanceId } : {}), ...(eip.boundInstanceType ? { boundInstanceType: eip.boundInstanceType } : {}) });
    }
  }
  for (const entry of live.coverage) {
    if (entry.status === 'complete') continue;
    if (entry.api === 'DescribeSecurityGroupAttribute' && entry.status === 'partial' && entry.resourceIds?.length) {
      for (const id of entry.resourceIds) index.partialRuleGroups.add(id);
    }
    const key = scopeKey(entry.accountId, entry.regionId);
    index.incomplete.set(key, [...(index.incomplete.get(key) ?? []), entry]);
  }
  return index;
}

/**
 * Compare Terraform state with a live snapshot. Managed groups and rules missing or changed live
 * are drift; rules in a managed group that Terraform does not know are `unmanaged-rule` (most
 * likely added by hand in the console); groups Terraform does not manage at all are
 * `unmanaged-group`. Rules join by SecurityGroupRuleId when the state has it, else by the
 * canonical key the provider's rule id encodes. Live scopes with incomplete coverage are not compared.
 */
export function diffTerraform(state: TerraformBaseline, live: Snapshot, options: TerraformDiffOptions = {}): DriftResult {
  const index = indexLive(live);
  const changes: DriftChange[] = [];
  const notCompared = new Map<string, NotCompared>();
  const incomplete = (accountId: string, regionId: string, apis: CoverageApi[]): Coverage | undefined =>
    index.incomplete.get(scopeKey(accountId, regionId))?.find((entry) => apis.includes(entry.api) && !(entry.api === 'DescribeSecurityGroupAttribute' && entry.status === 'partial' && entry.resourceIds?.length));
  const skip = (accountId: string, regionId: string, entry: Pick<Coverage, 'api' | 'status' | 'code'>, what: string) => {
    const key = scopeKey(accountId, regionId);
    const existing = notCompared.get(key);
    const reason = `live snapshot: ${entry.api} ${entry.status}${entry.code ? ` (${entry.code})` : ''}; ${what}`;
    if (existing) {
      if (!existing.reason.includes(reason)) existing.reason += `; ${reason}`;
    } else notCompared.set(key, { accountId, regionId, api: entry.api, reason });
  };
  const anyIncomplete = (apis: CoverageApi[]): { accountId: string; regionId: string; entry: Coverage } | undefined => {
    for (const [key, entries] of index.incomplete) {
      const entry = entries.find((e) => apis.includes(e.api) && !(e.api === 'DescribeSecurityGroupAttribute' && e.status === 'partial' && e.resourceIds?.length));
      if (entry) {
        const [accountId, regionId] = key.split('\u0000') as [string, string];
        return { accountId, regionId, entry };
      }
    }
    return undefined;
  };
  const soleAccount = live.accounts.length === 1 ? live.accounts[0]!.accountId : '*';

  // Managed groups: missing live, changed, and their rules.
  for (const [groupId, managed] of state.groups) {
    const found = index.groups.get(groupId);
    if (!found) {
      const where = (managed.item.vpcId && index.vpcRegion.get(managed.item.vpcId)) || undefined;
      const gap = where ? incomplete(where.accountId, where.regionId, ['DescribeSecurityGroups']) : anyIncomplete(['DescribeSecurityGroups'])?.entry;
      if (gap) {
        const scope = where ?? anyIncomplete(['DescribeSecurityGroups'])!;
        skip(scope.accountId, scope.regionId, gap, `managed group ${groupId} not verified`);
        continue;
      }
      changes.push({
        kind: 'group-removed',
        accountId: where?.accountId ?? soleAccount,
        regionId: where?.regionId ?? '*',
        resource: { type: 'securityGroup', id: groupId, name: managed.item.name },
        identity: groupId,
        message: `Security group ${groupId} (${managed.address}) is in the Terraform state but does not exist live: deleted outside Terraform.`,
        before: { address: managed.address, name: managed.item.name, vpcId: managed.item.vpcId },
        evidence: [],
      });
      continue;
    }
    const { accountId, regionId, group } = found;
    const rulesGap = incomplete(accountId, regionId, ['DescribeSecurityGroupAttribute']);
    const rulesComparable = !rulesGap && !index.partialRuleGroups.has(groupId);
    const fields = changedGroupFields(managed.item, group, rulesComparable);
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
    if (!rulesComparable) {
      skip(accountId, regionId, rulesGap ?? { api: 'DescribeSecurityGroupAttribute', status: 'partial' }, `rules of managed group ${groupId} not compared`);
      continue;
    }
    const managedRules = state.rules.get(groupId) ?? [];
    const { matched, removed, added } = matchRules(
      managedRules.map((m) => m.item),
      group.rules,
      // The provider itself finds rules by content (its id encodes it), so a rule re-created
      // identically in the console is still the managed rule.
      'content',
    );
    const addressOfRule = new Map(managedRules.map((m) => [m.item, m]));
    for (const pair of matched) {
      if (sameRuleContent(pair.before, pair.after)) continue;
      const address = addressOfRule.get(pair.before as Rule & { providerId: string })?.address ?? 'state';
      changes.push(ruleChange('rule-modified', accountId, regionId, group, pair.after, `Rule ${pair.after.id ? `${pair.after.id} ` : ''}in ${groupId} differs from ${address}: Terraform has "${describeRule(pair.before)}", live is "${describeRule(pair.after)}".`, { before: pair.before }));
    }
    for (const rule of removed) {
      const managedRule = addressOfRule.get(rule as Rule & { providerId: string });
      changes.push(
        ruleChange('rule-removed', accountId, regionId, group, rule, `Managed rule ${managedRule?.address ?? ''} (${managedRule?.item.providerId ?? describeRule(rule)}) does not exist live: deleted outside Terraform.`, {
          identity: `${groupId}:${managedRule?.item.providerId ?? ''}`,
        }),
      );
    }
    for (const rule of added) {
      changes.push(ruleChange('unmanaged-rule', accountId, regionId, group, rule, `Rule in Terraform-managed group ${groupId} (${managed.address}) that Terraform does not know: ${describeRule(rule)}.`));
    }
  }

  // Groups Terraform does not manage at all.
  if (options.unmanagedGroups !== 'off') {
    for (const [groupId, { accountId, regionId, group }] of index.groups) {
      if (state.groups.has(groupId) || group.serviceManaged) continue;
      changes.push({
        kind: 'unmanaged-group',
        accountId,
        regionId,
        resource: { type: 'securityGroup', id: groupId, name: group.name },
        identity: groupId,
        message: `Security group ${groupId} (${group.name}) is not managed by Terraform (${group.rules.length} rule(s)).`,
        ...(options.unmanagedGroups ? { severity: options.unmanagedGroups } : {}),
        evidence: [],
      });
    }
  }

  // Membership of managed instances (their primary interface).
  for (const [instanceId, managed] of state.instances) {
    const found = index.instances.get(instanceId);
    if (!found) continue;
    const { accountId, regionId, instance } = found;
    const gap = incomplete(accountId, regionId, ['DescribeInstances', 'DescribeNetworkInterfaces']);
    if (gap) {
      skip(accountId, regionId, gap, `membership of managed instance ${instanceId} not compared`);
      continue;
    }
    const liveGroups = new Set(found.primaryGroups ?? instance.securityGroupIds);
    const managedGroups = new Set(managed.item.securityGroupIds);
    const resource = { type: 'instance' as const, id: instanceId, ...(instance.name ? { name: instance.name } : {}) };
    for (const groupId of liveGroups) {
      if (!managedGroups.has(groupId)) changes.push({ kind: 'group-attached', accountId, regionId, resource, identity: groupId, message: `Security group ${groupId} is attached to ${instanceId} but not in ${managed.address}.security_groups.`, before: [...managedGroups], after: [...liveGroups], evidence: [] });
    }
    for (const groupId of managedGroups) {
      if (!liveGroups.has(groupId)) changes.push({ kind: 'group-detached', accountId, regionId, resource, identity: groupId, message: `Security group ${groupId} is in ${managed.address}.security_groups but not attached to ${instanceId}.`, before: [...managedGroups], after: [...liveGroups], evidence: [] });
    }
  }

  // EIP associations.
  for (const [allocationId, managed] of state.eipAssociations) {
    const found = index.eips.get(allocationId);
    const resource = { type: 'eip' as const, id: allocationId };
    if (!found) {
      const gap = anyIncomplete(['DescribeEipAddresses']);
      if (gap) {
        skip(gap.accountId, gap.regionId, gap.entry, `managed EIP ${allocationId} not verified`);
        continue;
      }
      const where = index.instances.get(managed.item.instanceId);
      changes.push({ kind: 'eip-removed', accountId: where?.accountId ?? soleAccount, regionId: where?.regionId ?? '*', resource, identity: allocationId, message: `EIP ${allocationId} (${managed.address}) does not exist live: released outside Terraform.`, before: managed.item, evidence: [] });
      continue;
    }
    const gap = incomplete(found.accountId, found.regionId, ['DescribeEipAddresses']);
    if (gap) {
      skip(found.accountId, found.regionId, gap, `managed EIP ${allocationId} not compared`);
      continue;
    }
    if (found.boundInstanceId !== managed.item.instanceId) {
      changes.push({
        kind: 'eip-rebound',
        accountId: found.accountId,
        regionId: found.regionId,
        resource,
        identity: `${allocationId}:${found.boundInstanceId ?? ''}`,
        message: `EIP ${found.ip} (${allocationId}) is bound to ${found.boundInstanceId ?? 'nothing'} but ${managed.address} associates it with ${managed.item.instanceId}.`,
        before: { boundInstanceId: managed.item.instanceId, boundInstanceType: managed.item.instanceType },
        after: { boundInstanceId: found.boundInstanceId, boundInstanceType: found.boundInstanceType },
        addresses: [found.ip],
        evidence: [],
      });
    }
  }

  return { baselineId: state.id, currentId: live.id, changes, notCompared: [...notCompared.values()] };
}
