import type { Breadth, Evidence, FindingResource, Severity } from '../../model/findings.js';

/** Every kind of change drift reports; `detail.extra.kind` of a drift finding is one of these. */
export type DriftKind =
  | 'group-added'
  | 'group-removed'
  | 'group-modified'
  | 'rule-added'
  | 'rule-removed'
  | 'rule-modified'
  | 'group-attached'
  | 'group-detached'
  | 'public-ip-added'
  | 'public-ip-removed'
  | 'eip-added'
  | 'eip-removed'
  | 'eip-rebound'
  | 'unmanaged-group'
  | 'unmanaged-rule'
  | 'instance-removed'
  | 'interface-removed'
  | 'interface-rebound'
  | 'new-exposure'
  | 'removed-exposure';

export interface DriftChange {
  kind: DriftKind;
  accountId: string;
  regionId: string;
  resource: FindingResource;
  /** Identity of the change inside its resource (rule key, group id of a membership, address) — part of the fingerprint. */
  identity: string;
  /** One sentence a reader can act on. */
  message: string;
  before?: unknown;
  after?: unknown;
  /** Set when the change deserves another severity than its kind's default. */
  severity?: Severity;
  direction?: 'ingress' | 'egress';
  protocol?: string;
  ports?: { from: number; to: number };
  sources?: string[];
  addresses?: string[];
  /** Exposure changes: who can reach it, as the scan counts it. */
  breadth?: Breadth;
  evidence: Evidence[];
}

/** A scope drift could not compare because the data was incomplete on either side. */
export interface NotCompared {
  accountId: string;
  regionId: string;
  api?: string;
  reason: string;
}

export interface DriftResult {
  baselineId: string;
  currentId: string;
  changes: DriftChange[];
  notCompared: NotCompared[];
}

export interface DiffOptions {
  /**
   * `id` (default): a rule is identified by its SecurityGroupRuleId when both sides have one, so
   * a rule deleted and re-created with the same content shows as removed + added.
   * `content`: rules with identical content match whatever their ids, so re-creation is no drift.
   */
  matchRulesBy?: 'id' | 'content';
}

/** Default severity of each kind: exposure that appeared is what matters most. */
export const DRIFT_SEVERITY: Record<DriftKind, Severity> = {
  'group-added': 'medium',
  'group-removed': 'medium',
  'group-modified': 'medium',
  'rule-added': 'medium',
  'rule-removed': 'medium',
  'rule-modified': 'medium',
  'group-attached': 'medium',
  'group-detached': 'medium',
  'public-ip-added': 'medium',
  'public-ip-removed': 'medium',
  'eip-added': 'medium',
  'eip-removed': 'medium',
  'eip-rebound': 'medium',
  'unmanaged-group': 'info',
  'unmanaged-rule': 'medium',
  'instance-removed': 'medium',
  'interface-removed': 'medium',
  'interface-rebound': 'medium',
  // A new exposure takes the severity the scan gives it (sensitivity × breadth); this is the fallback.
  'new-exposure': 'high',
  'removed-exposure': 'info',
};
