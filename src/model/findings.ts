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

export const Suppression = z.strictObject({
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
  suppressed: Suppression.optional(),
});
export type Finding = z.infer<typeof Finding>;

export const SuppressionReport = z.strictObject({
  matcher: z.string(),
  reason: z.string(),
  owner: z.string(),
  expires: z.string(),
  status: z.enum(['expired', 'unmatched']),
});
export type SuppressionReport = z.infer<typeof SuppressionReport>;

export const FindingsSummary = z.strictObject({
  total: z.number().int(),
  suppressed: z.number().int(),
  bySeverity: z.record(z.string(), z.number().int()),
  byCheck: z.record(z.string(), z.number().int()),
});
export type FindingsSummary = z.infer<typeof FindingsSummary>;

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
  /** Scopes drift could not compare because coverage was incomplete on either side. */
  notCompared: z
    .array(z.strictObject({ accountId: z.string(), regionId: z.string(), api: z.string().optional(), reason: z.string() }))
    .optional(),
});
export type FindingsDocument = z.infer<typeof FindingsDocument>;
