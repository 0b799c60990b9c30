import { z } from 'zod';
import { Coverage, Direction, Policy, PortRange, ToolInfo } from './snapshot.js';

/** sgaudit/findings@1 — one model for every check, drift included. */
export const FINDINGS_SCHEMA = 'sgaudit/findings@1' as const;

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export const Severity = z.enum(SEVERITIES);
export type Severity = z.infer<typeof Severity>;

/** Higher is worse; used for --fail-on and sorting. */
export const SEVERITY_RANK: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };

/**
 * One rule that proves (or qualifies) a finding. `role` says how it matters:
 * decides = the first matching rule that produced the outcome; passed = a higher-priority rule that
 * was evaluated first and did not cover this traffic; covers = a rule that makes another one
 * redundant (shadowed-rule); subject = the rule the finding is about.
 */
export const Evidence = z.strictObject({
  role: z.enum(['decides', 'passed', 'covers', 'subject', 'context']),
  groupId: z.string(),
  groupName: z.string().optional(),
  ruleId: z.string().optional(),
  direction: Direction.optional(),
  policy: Policy.optional(),
  priority: z.number().int().optional(),
  protocol: z.string().optional(),
  ports: PortRange.optional(),
  /** Human form of the peer: a CIDR, `sg-…` (account …), `pl-…` */
  peer: z.string().optional(),
  description: z.string().optional(),
  note: z.string().optional(),
});
export type Evidence = z.infer<typeof Evidence>;

export const FindingResource = z.strictObject({
  type: z.enum(['networkInterface', 'instance', 'securityGroup', 'rule', 'eip', 'region', 'account']),
  id: z.string(),
  name: z.string().optional(),
});
export type FindingResource = z.infer<typeof FindingResource>;

/**
 * How many public addresses an exposure admits, counted exactly from the accepted source set
 * (several narrow ranges add up), and the class that follows from the configured thresholds.
 * IPv6 counts exceed what a JSON number holds exactly, so they are decimal strings.
 */
/** Widest first: reports and root causes pick the widest of several by this order. */
export const BREADTH_CLASSES = ['internet', 'wide', 'allow-listed'] as const;
export const BreadthClass = z.enum(BREADTH_CLASSES);
export type BreadthClass = z.infer<typeof BreadthClass>;
/** How a breadth class reads in front of its sources (`allow-list: 3 public addresses …`). */
export const BREADTH_LABEL: Record<BreadthClass, string> = { internet: 'internet', wide: 'wide', 'allow-listed': 'allow-list' };
export const Breadth = z.strictObject({
  class: BreadthClass,
  publicIpv4: z.number().int().nonnegative(),
  publicIpv6: z.string().regex(/^\d+$/),
  /** For readers: `internet: 0.0.0.0/0`, `allow-list: 3 public addresses (203.0.113.7/32, …)`. */
  summary: z.string(),
});
export type Breadth = z.infer<typeof Breadth>;

/** The instance an interface belongs to, so a reader need not look the ENI up. */
export const FindingInstance = z.strictObject({ id: z.string(), name: z.string().optional() });
export type FindingInstance = z.infer<typeof FindingInstance>;

const Suppression = z.strictObject({
  reason: z.string(),
  owner: z.string(),
  expires: z.string(),
  /** The configured matcher: a finding id, or `check:resource-glob`. */
  matchedBy: z.string(),
});

export const Finding = z.strictObject({
  /** Stable fingerprint of (check, account, region, resource, detail). */
  id: z.string(),
  check: z.string(),
  severity: Severity,
  title: z.string(),
  /** One sentence a reader can act on, with the specifics. */
  message: z.string(),
  accountId: z.string(),
  regionId: z.string(),
  resource: FindingResource,
  detail: z.strictObject({
    direction: Direction.optional(),
    protocol: z.string().optional(),
    ports: PortRange.optional(),
    sources: z.array(z.string()).optional(),
    addresses: z.array(z.string()).optional(),
    /** Check-specific extras (drift kind, before/after …). Values are plain JSON. */
    extra: z.record(z.string(), z.unknown()).optional(),
  }),
  evidence: z.array(Evidence),
  remediation: z.string(),
  docs: z.string().optional(),
  /** Exposure findings (public-exposure, latent-exposure, public broad-rule): who can reach it. */
  breadth: Breadth.optional(),
  /** The instance of the interface, for interface findings. */
  instance: FindingInstance.optional(),
  /** Keys of the deciding rules that admit the traffic (`rootCauses[].key`): fix those and the finding goes. */
  rootCauses: z.array(z.string()).optional(),
  suppressed: Suppression.optional(),
});
export type Finding = z.infer<typeof Finding>;

/**
 * One deciding rule and everything it exposes: one rule change usually fixes hundreds of
 * findings, so reports open with these, worst first (severity, then internet-reachable
 * interfaces exposed, then interfaces, then key).
 */
export const RootCause = z.strictObject({
  /** `<groupId>/<ruleId>`, or `<groupId>/rule-<index>` for a rule the API returned without an id. */
  key: z.string(),
  accountId: z.string(),
  regionId: z.string(),
  groupId: z.string(),
  groupName: z.string().optional(),
  ruleId: z.string().optional(),
  /** The rule as a reader checks it by hand. */
  rule: z.strictObject({
    priority: z.number().int().optional(),
    policy: Policy,
    protocol: z.string(),
    ports: PortRange,
    peer: z.string(),
    description: z.string().optional(),
  }),
  severity: Severity,
  checks: z.array(z.string()),
  /** Exposed traffic, e.g. `tcp 22 (ssh)`, `all protocols and ports`. */
  exposes: z.array(z.string()),
  /** The rule's source as written (a CIDR, a prefix list), and the widest breadth it admits itself. */
  sources: z.array(z.string()),
  breadth: BreadthClass,
  findings: z.number().int(),
  interfaces: z.number().int(),
  /** Interfaces with a public address that the rule exposes today: the blast radius. */
  internetInterfaces: z.number().int(),
  instances: z.number().int(),
  /** The one change that fixes it. */
  fix: z.string(),
});
export type RootCause = z.infer<typeof RootCause>;

export const SuppressionReport = z.strictObject({
  matcher: z.string(),
  reason: z.string(),
  owner: z.string(),
  expires: z.string(),
  status: z.enum(['expired', 'unmatched']),
});
export type SuppressionReport = z.infer<typeof SuppressionReport>;

const FindingsSummary = z.strictObject({
  total: z.number().int(),
  suppressed: z.number().int(),
  bySeverity: z.record(z.string(), z.number().int()),
  byCheck: z.record(z.string(), z.number().int()),
});

export const CheckInfo = z.strictObject({
  id: z.string(),
  title: z.string(),
  severity: Severity,
  description: z.string(),
  remediation: z.string(),
  docs: z.string(),
});
export type CheckInfo = z.infer<typeof CheckInfo>;

export const FindingsDocument = z.strictObject({
  schema: z.literal(FINDINGS_SCHEMA),
  snapshotId: z.string(),
  /** The snapshot's takenAt: reports show how old the data is. */
  snapshotTakenAt: z.string().optional(),
  baselineId: z.string().optional(),
  generatedAt: z.string(),
  tool: ToolInfo,
  coverage: z.array(Coverage),
  /** Metadata of the checks that ran, so reports (SARIF rules) need no access to the catalog. */
  checks: z.array(CheckInfo),
  summary: FindingsSummary,
  findings: z.array(Finding),
  suppressions: z.array(SuppressionReport).default([]),
  /** Exposure root causes, worst first (see RootCause); absent in documents of older versions. */
  rootCauses: z.array(RootCause).optional(),
  /** Scopes drift could not compare because coverage was incomplete on either side. */
  notCompared: z
    .array(z.strictObject({ accountId: z.string(), regionId: z.string(), api: z.string().optional(), reason: z.string() }))
    .optional(),
});
export type FindingsDocument = z.infer<typeof FindingsDocument>;
