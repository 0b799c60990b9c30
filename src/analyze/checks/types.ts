import type { Evidence, Finding, FindingResource, Severity } from '../../model/findings.js';
import type { Protocol } from '../../model/snapshot.js';
import type { SnapshotView } from '../view.js';

/** A protocol + inclusive port range, as settings name them (`tcp/22`, `udp/53`, `tcp/8000-8100`). */
export interface PortSpec {
  protocol: Protocol;
  from: number;
  to: number;
  /** For sensitive ports: what listens there (ssh, mysql …), shown in findings. */
  name?: string;
}

/** How an instance is recognized as internal tier (any matcher hits). Patterns are globs, case-insensitive. */
export interface TierMatcher {
  tags: { key: string; values: string[] }[];
  instanceNamePatterns: string[];
  groupNamePatterns: string[];
}

/** The resolved analyzer settings every check reads; the config module maps sgaudit.yaml onto this. */
export interface AnalyzerSettings {
  allowedPublicPorts: PortSpec[];
  sensitivePorts: PortSpec[];
  broadPortSpan: number;
  /** IPv4 sources with a prefix shorter than this are broad (e.g. 16 → a /8 is broad). */
  broadSourcePrefix: number;
  broadSourcePrefixV6: number;
  maxGroupsPerEni: number;
  internalTier: TierMatcher;
}

/** Everything a check's metadata says, written for users (rendered into docs/checks/<id>.md and SARIF rules). */
export interface CheckMeta {
  id: string;
  title: string;
  /** The default severity; a finding may raise or lower it (e.g. critical for admin ports). */
  severity: Severity;
  /** What the check finds, one paragraph. */
  description: string;
  /** Why it matters. */
  rationale: string;
  remediation: string;
  /** Link to docs/checks/<id>.md or vendor docs. */
  docs: string;
}

/** What a check returns; the engine adds id (fingerprint), check, defaults and suppression state. */
export interface FindingDraft {
  severity?: Severity;
  title?: string;
  message: string;
  accountId: string;
  regionId: string;
  resource: FindingResource;
  detail: Finding['detail'];
  evidence: Evidence[];
  remediation?: string;
}

export interface CheckContext {
  view: SnapshotView;
  settings: AnalyzerSettings;
  /** The baseline to compare against (drift), when one is configured. */
  baseline?: SnapshotView;
}

export interface Check {
  meta: CheckMeta;
  /** Pure: reads the view and settings, returns findings. Never throws on odd data: odd data is a finding. */
  run(context: CheckContext): FindingDraft[];
}
