import { z } from 'zod';

/**
 * sgaudit/snapshot@1 — the provider-neutral, normalized picture of an estate.
 *
 * Everything the collector learns from the cloud APIs is mapped once into these shapes
 * (camelCase, enums lowercased, ports decoded, peers tagged by kind); no wire shape goes past
 * `collect/`. The analyzer, drift and reports read only this.
 */
export const SNAPSHOT_SCHEMA = 'sgaudit/snapshot@1' as const;

export const Direction = z.enum(['ingress', 'egress']);
export type Direction = z.infer<typeof Direction>;

export const Policy = z.enum(['accept', 'drop']);
export type Policy = z.infer<typeof Policy>;

/** `all` is Alibaba's ALL (every protocol). Ports only mean something for tcp and udp. */
export const Protocol = z.enum(['tcp', 'udp', 'icmp', 'icmpv6', 'gre', 'all']);
export type Protocol = z.infer<typeof Protocol>;

/**
 * The cloud an account lives in. Each account names its own, so one snapshot can hold estates of
 * both clouds; the evaluator orders rules per ENI by its account's provider.
 */
export const Provider = z.enum(['alicloud', 'huaweicloud']);
export type Provider = z.infer<typeof Provider>;

export const Tags = z.record(z.string(), z.string());
export type Tags = z.infer<typeof Tags>;

/**
 * The resource schemas, built twice: strict (an unknown key is an error) for estates and fixtures
 * written by hand, where an unknown key is a typo that would silently change a test, and for the
 * nested JSON export; stripping for the records of a streamed snapshot, which sgaudit itself
 * wrote. Stripping there is forward compatible (a field a newer sgaudit adds within
 * sgaudit/snapshot@1 is ignored, not fatal) and lets zod use its compiled fast path: strict
 * objects take a second pass over every key, a noticeable part of loading a large snapshot.
 */
function resourceSchemas(object: typeof z.strictObject) {
  /**
   * Inclusive port range. The wire's "-1/-1" (all ports) and rules of protocols without ports
   * are normalized to 1–65535 so the analyzer never special-cases them.
   */
  const PortRange = object({ from: z.number().int(), to: z.number().int() });

  /**
   * The other end of a rule: source for ingress, destination for egress. Exactly one kind is set.
   * `ownerAccount` goes with `groupId` when the group belongs to another account. `groupId` is
   * also Huawei's remote security group; `addressGroupId` is Huawei's remote IP address group
   * (resolved through the region's `addressGroups`, as `prefixListId` through `prefixLists`).
   */
  const Peer = object({
    cidr: z.string().optional(),
    ipv6Cidr: z.string().optional(),
    groupId: z.string().optional(),
    ownerAccount: z.string().optional(),
    prefixListId: z.string().optional(),
    addressGroupId: z.string().optional(),
  });

  /** A rule field the normalizer could not understand; the rule is kept and `unparseable-rule` reports it. */
  const RuleProblem = object({ field: z.string(), value: z.string(), problem: z.string() });

  const Rule = object({
    /** SecurityGroupRuleId when the API returns one. */
    id: z.string().optional(),
    direction: Direction,
    policy: Policy,
    /**
     * 1 = evaluated first. Any integer is accepted when reading (110 on pre-2020 Alibaba default
     * groups). Huawei priorities are 1–100 and order rules only inside their group.
     */
    priority: z.number().int(),
    protocol: Protocol,
    /** The rule's ports; for a Huawei multiport rule the span from its lowest to its highest port (see `portRanges`). */
    ports: PortRange,
    /**
     * Huawei multiport (`22,80,8000-9000`): the exact ranges the rule matches, when there are
     * several. Absent: `ports` is exact. The evaluator matches these, never the span.
     */
    portRanges: z.array(PortRange).optional(),
    /** The ports as the API wrote them when that is not one range (Huawei `multiport`), for display. */
    portText: z.string().optional(),
    /** Huawei rules can be disabled: `false` means the rule exists but matches nothing. Absent = enabled. */
    enabled: z.boolean().optional(),
    /** Port list (PortRangeListId) when the rule uses one instead of a literal range. */
    portListId: z.string().optional(),
    /** For ingress: who may connect. For egress: usually absent (the ENI itself). */
    source: Peer.optional(),
    /** For egress: where traffic may go. For ingress: optional narrowing to some of the group's addresses. */
    destination: Peer.optional(),
    /** Classic network only; absent in VPCs where one rule covers both. */
    nicType: z.enum(['internet', 'intranet']).optional(),
    description: z.string().optional(),
    createdAt: z.string().optional(),
    /** Present when some field was not understood; the evaluator skips such rules. */
    problems: z.array(RuleProblem).optional(),
  });


  const SecurityGroup = object({
    id: z.string(),
    name: z.string(),
    description: z.string().default(''),
    vpcId: z.string().optional(),
    /**
     * normal = basic group (prioritised, accept+drop, egress allowed by default); enterprise = advanced.
     * Huawei groups are recorded as `normal` (prioritised, allow+deny); their defaults come from
     * the account's provider, not from this field.
     */
    type: z.enum(['normal', 'enterprise']),
    /**
     * Intra-group traffic: basic groups default accept, enterprise groups default drop. Huawei has
     * no implicit intra-group access (its "members talk to each other" is an explicit rule whose
     * remote group is the group itself): recorded as `drop`.
     */
    innerAccessPolicy: z.enum(['accept', 'drop']),
    serviceManaged: z.boolean().default(false),
    tags: Tags.default({}),
    createdAt: z.string().optional(),
    rules: z.array(Rule),
  });

  const Instance = object({
    id: z.string(),
    name: z.string().default(''),
    hostname: z.string().optional(),
    status: z.string().default(''),
    networkType: z.enum(['vpc', 'classic']).default('vpc'),
    vpcId: z.string().optional(),
    vSwitchId: z.string().optional(),
    /** Groups of the primary ENI only (what DescribeInstances returns). */
    securityGroupIds: z.array(z.string()).default([]),
    privateIps: z.array(z.string()).default([]),
    /** System-assigned public IPv4 addresses (PublicIpAddress). */
    publicIps: z.array(z.string()).default([]),
    /** EIP bound to the instance as DescribeInstances reports it (EipAddress). */
    eip: object({ ip: z.string(), allocationId: z.string() }).optional(),
    tags: Tags.default({}),
  });

  const NetworkInterface = object({
    id: z.string(),
    name: z.string().default(''),
    description: z.string().default(''),
    /** Primary | Secondary | Trunk | Member … as the API reports it. */
    type: z.string().default('Secondary'),
    status: z.string().default(''),
    instanceId: z.string().optional(),
    /** True when a cloud service (RDS, SLB, NAT …) created and manages the ENI. */
    serviceManaged: z.boolean().default(false),
    /** The managing service, e.g. its ServiceID, when known. */
    serviceId: z.string().optional(),
    vpcId: z.string().optional(),
    vSwitchId: z.string().optional(),
    privateIps: z.array(z.string()).default([]),
    ipv6Addresses: z.array(z.string()).default([]),
    /**
     * The groups that protect this ENI: the source of truth for membership. For Huawei this is the
     * port's security group SEQUENCE: the first group is sequence 1 and is matched first (seed
     * 002); the order is per port, so it lives here and not on the group. Alibaba pools the
     * groups and the order means nothing.
     */
    securityGroupIds: z.array(z.string()),
    /** Public IPv4 associated with the ENI itself (AssociatedPublicIp). */
    publicIp: z.string().optional(),
    tags: Tags.default({}),
  });

  const Eip = object({
    allocationId: z.string(),
    ip: z.string(),
    status: z.string().default(''),
    name: z.string().default(''),
    /** EcsInstance | NetworkInterface | SlbInstance | Nat | HaVip; absent when not bound. */
    boundInstanceType: z.string().optional(),
    boundInstanceId: z.string().optional(),
  });

  const PrefixList = object({
    id: z.string(),
    name: z.string().default(''),
    addressFamily: z.enum(['IPv4', 'IPv6']),
    entries: z.array(object({ cidr: z.string(), description: z.string().default('') })),
  });

  /**
   * A Huawei IP address group: the addresses a rule with `Peer.addressGroupId` stands for.
   * Entries are single addresses, CIDR blocks or ranges `first-last`, as the API's `ip_set` holds them.
   */
  const AddressGroup = object({
    id: z.string(),
    name: z.string().default(''),
    ipVersion: z.enum(['IPv4', 'IPv6']),
    entries: z.array(object({ address: z.string(), description: z.string().default('') })),
  });
  return { PortRange, Peer, RuleProblem, Rule, SecurityGroup, Instance, NetworkInterface, Eip, PrefixList, AddressGroup };
}

const STRICT = resourceSchemas(z.strictObject);
export const { PortRange, Peer, RuleProblem, Rule, SecurityGroup, Instance, NetworkInterface, Eip, PrefixList, AddressGroup } = STRICT;
export type PortRange = z.infer<typeof PortRange>;
export type Peer = z.infer<typeof Peer>;
export type RuleProblem = z.infer<typeof RuleProblem>;
export type Rule = z.infer<typeof Rule>;
export type SecurityGroup = z.infer<typeof SecurityGroup>;
export type Instance = z.infer<typeof Instance>;
export type NetworkInterface = z.infer<typeof NetworkInterface>;
export type Eip = z.infer<typeof Eip>;
export type PrefixList = z.infer<typeof PrefixList>;
export type AddressGroup = z.infer<typeof AddressGroup>;

/**
 * The same shapes and defaults, unknown keys dropped: for the records of a streamed snapshot.
 * `z.object` and `z.strictObject` infer the same data types; only the unknown-key handling differs.
 */
export const SNAPSHOT_RECORD_SCHEMAS = resourceSchemas(z.object as unknown as typeof z.strictObject);

export const Region = z.strictObject({
  regionId: z.string(),
  securityGroups: z.array(SecurityGroup).default([]),
  instances: z.array(Instance).default([]),
  networkInterfaces: z.array(NetworkInterface).default([]),
  eips: z.array(Eip).default([]),
  prefixLists: z.array(PrefixList).default([]),
  /** Huawei IP address groups (none for Alibaba). */
  addressGroups: z.array(AddressGroup).default([]),
});
export type Region = z.infer<typeof Region>;

export const Account = z.strictObject({
  accountId: z.string(),
  alias: z.string().optional(),
  /** Absent = `alicloud` (every snapshot written before Huawei support). */
  provider: Provider.optional(),
  regions: z.array(Region),
});
export type Account = z.infer<typeof Account>;

/** An account's provider; absent means Alibaba Cloud. */
export function providerOf(account: { provider?: Provider | undefined }): Provider {
  return account.provider ?? 'alicloud';
}

/** The APIs whose coverage is tracked. One entry per (account, region, api). */
export const CoverageApi = z.enum([
  'DescribeRegions',
  'DescribeSecurityGroups',
  'DescribeSecurityGroupAttribute',
  'DescribeInstances',
  'DescribeNetworkInterfaces',
  'DescribePrefixLists',
  'DescribePrefixListAttributes',
  'DescribeEipAddresses',
  'AssumeRole',
  /** Resource Directory member listing (discovery), recorded for the account that listed them. */
  'ListAccounts',
  // Huawei Cloud: VPC v3 lists, VPC ListPorts (each port's groups in sequence order), ECS servers.
  'ListSecurityGroups',
  'ListSecurityGroupRules',
  'ListAddressGroup',
  'ListPorts',
  'ListServersDetails',
]);
export type CoverageApi = z.infer<typeof CoverageApi>;

/** The APIs read once per (account, region), in the order collection and reports list them. */
export const REGIONAL_COVERAGE_APIS: readonly CoverageApi[] = [
  'DescribeSecurityGroups',
  'DescribeSecurityGroupAttribute',
  'DescribeInstances',
  'DescribeNetworkInterfaces',
  'DescribeEipAddresses',
  'DescribePrefixLists',
  'DescribePrefixListAttributes',
];

/** The Huawei Cloud APIs read once per (account, region), in the order collection and reports list them. */
export const HUAWEI_REGIONAL_COVERAGE_APIS: readonly CoverageApi[] = ['ListSecurityGroups', 'ListSecurityGroupRules', 'ListAddressGroup', 'ListPorts', 'ListServersDetails'];

const CoverageStatus = z.enum(['complete', 'partial', 'failed', 'denied']);

/**
 * Coverage is data: an incomplete (account, region, api) never reads as "empty". `resourceIds`
 * lists the resources (e.g. groups whose rules failed to page) that are incomplete when the
 * status is partial.
 */
export const Coverage = z.strictObject({
  accountId: z.string(),
  /**
   * The account's alias (from the config, or its Resource Directory display name), so that reports
   * can name an account that was not collected and so has no account record in the snapshot.
   */
  alias: z.string().optional(),
  /**
   * The account's cloud, absent for Alibaba (as in every snapshot before Huawei support). Like the
   * alias, it travels with the coverage into the findings document, so every report can say which
   * cloud an account is in without a finding having to.
   */
  provider: Provider.optional(),
  regionId: z.string(),
  api: CoverageApi,
  status: CoverageStatus,
  code: z.string().optional(),
  message: z.string().optional(),
  requestId: z.string().optional(),
  resourceIds: z.array(z.string()).optional(),
  requests: z.number().int().optional(),
  items: z.number().int().optional(),
});
export type Coverage = z.infer<typeof Coverage>;

export const ToolInfo = z.strictObject({ name: z.string(), version: z.string() });

/**
 * A shard snapshot (`collect --shard i/n`, docs/fleet.md): which shard it is, and every (account,
 * region) unit it learnt of — all shards' units, not only its own — as account id → region ids.
 * Each unit belongs to the shard the rendezvous hash names (src/collect/shard.ts), so `merge` can
 * tell from any shard which units a missing one owned.
 */
const ShardInfo = z.strictObject({
  index: z.number().int().min(0),
  count: z.number().int().min(1),
  units: z.record(z.string(), z.array(z.string())),
});

/** A merged snapshot (`sgaudit merge`): the shard snapshots it was made of, and the shard indexes that were missing. */
export const MergeInfo = z.strictObject({
  count: z.number().int().min(1),
  shards: z.array(z.strictObject({ index: z.number().int().min(0), id: z.string(), takenAt: z.string() })),
  missing: z.array(z.number().int().min(0)),
});
export type MergeInfo = z.infer<typeof MergeInfo>;

/** Header of a snapshot: everything except the resources. */
export const SnapshotHeader = z.strictObject({
  schema: z.literal(SNAPSHOT_SCHEMA),
  id: z.string(),
  takenAt: z.string(),
  tool: ToolInfo,
  /**
   * Kept for readers of older files: the provider of every account when they share one
   * (`alicloud`, `huaweicloud`), `mixed` when they do not. Each account's own `provider` is what
   * counts.
   */
  provider: z.string().default('alicloud'),
  coverage: z.array(Coverage),
  /** Only in a shard snapshot. */
  shard: ShardInfo.optional(),
  /** Only in a merged snapshot. */
  merged: MergeInfo.optional(),
});
export type SnapshotHeader = z.infer<typeof SnapshotHeader>;

export const Snapshot = SnapshotHeader.extend({ accounts: z.array(Account) });
export type Snapshot = z.infer<typeof Snapshot>;

/** An emulator or fixture estate: the accounts without any snapshot header. */
export const Estate = z.strictObject({ accounts: z.array(Account) });
export type Estate = z.infer<typeof Estate>;
