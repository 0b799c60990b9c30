import type { Breadth, BreadthClass, Evidence, Finding, FindingInstance, FindingResource, RootCause, Severity } from '../../model/findings.js';
import type { AnalyzerSettings } from '../../config/settings.js';
import type { PolicyEvaluator } from '../net/evaluator.js';
import type { SnapshotView } from '../view.js';
import type { CheckScope } from './scope.js';

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

/** A deciding rule that admits an exposure: the engine summarizes these into the document's rootCauses. */
export interface RootCauseDraft {
  key: string;
  groupId: string;
  groupName?: string;
  ruleId?: string;
  rule: RootCause['rule'];
  /** What this rule admits of the finding's traffic, e.g. `tcp 22 (SSH)`. */
  exposes: string;
  /** Judged on the rule's own part: its ports and the public sources it admits itself. */
  severity: Severity;
  breadth: BreadthClass;
  /** The interfaces the finding says this rule exposes (for findings whose resource is not an interface). */
  interfaces?: readonly string[];
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
  /**
   * What the id fingerprints when it is not `detail`: exposure ids name the exact public sources,
   * not the printed (filled) ones, so a change to a private rule leaves them alone.
   */
  idDetail?: Finding['detail'];
  evidence: Evidence[];
  remediation?: string;
  breadth?: Breadth;
  instance?: FindingInstance;
  rootCauses?: readonly RootCauseDraft[];
}

export interface CheckContext {
  view: SnapshotView;
  /** The one door to effective policy, built once per view: checks ask it, never the rules directly. */
  evaluator: PolicyEvaluator;
  settings: AnalyzerSettings;
  /** The baseline to compare against (drift), when one is configured. */
  baseline?: SnapshotView;
  /** Only these resources (whatif); absent = all of them. */
  scope?: CheckScope;
}

export interface Check {
  meta: CheckMeta;
  /** Pure: reads the view and settings, returns findings. Never throws on odd data: odd data is a finding. */
  run(context: CheckContext): FindingDraft[];
}
