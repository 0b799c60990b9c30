import type { ResolvedConfig } from '../config/load.js';
import { resolveAnalyzerSettings } from '../config/load.js';
import { SgauditError } from '../model/errors.js';
import { FINDINGS_SCHEMA, SEVERITIES, SEVERITY_RANK, type CheckInfo, type Finding, type FindingsDocument, type Severity } from '../model/findings.js';
import type { Snapshot } from '../model/snapshot.js';
import { TOOL } from '../version.js';
import { CATALOG } from './checks/index.js';
import type { Check, CheckContext, CheckMeta, FindingDraft, RootCauseDraft } from './checks/types.js';
import type { CheckScope } from './checks/scope.js';
import type { AnalyzerSettings } from '../config/settings.js';
import { summarizeRootCauses } from './root-causes.js';
import { sortFindings } from '../model/findings-order.js';
import { fingerprint } from './fingerprint.js';
import { applySuppressions } from './suppress.js';
import { SnapshotView } from './view.js';
import { PolicyEvaluator } from './net/evaluator.js';

export interface AnalyzeOptions {
  /** Enables/disables checks, overrides severities, supplies suppressions and (unless `settings` is given) settings. */
  config?: ResolvedConfig;
  /** Wins over the settings derived from `config`. */
  settings?: AnalyzerSettings;
  /** The checks to run; default the whole catalog. Config can still disable some of them. */
  checks?: readonly Check[];
  baseline?: Snapshot;
  /** The clock for generatedAt and suppression expiry (tests pin it). */
  now?: Date;
  /** A view of `snapshot` the caller already built (whatif builds one to scope the change). */
  view?: SnapshotView;
  /** Only these resources (whatif re-analyses what a change can affect); default all. */
  scope?: CheckScope;
  /** Called with the wall time of each phase (`view`, each check id, `fingerprint` after each check, `finish`) for benchmarks and --debug. */
  onTiming?: (phase: string, ms: number) => void;
}

/**
 * Snapshot (+ baseline) → findings document. Builds one SnapshotView shared by every check, runs
 * the enabled checks, applies severity overrides, fingerprints, sorts deterministically, applies
 * suppressions and summarizes. Pure apart from reading the clock when `now` is not given.
 */
export function analyzeSnapshot(snapshot: Snapshot, options: AnalyzeOptions = {}): FindingsDocument {
  return finishAnalysis(snapshot, runChecks(snapshot, options), options);
}

/** The checks' findings before the document is assembled: fingerprinted, in check order, not yet sorted. */
interface CheckRun {
  findings: Finding[];
  checks: CheckInfo[];
  /** The deciding rules behind each exposure finding, summarized into the document's rootCauses. */
  causes: Map<Finding, readonly RootCauseDraft[]>;
}

/** Runs the enabled checks over one snapshot: fingerprinted findings in check order, not yet sorted. */
function runChecks(snapshot: Snapshot, options: Omit<AnalyzeOptions, 'now'> = {}): CheckRun {
  const timing = options.onTiming;
  let started = performance.now();
  const view = options.view ?? new SnapshotView(snapshot);
  timing?.('view', performance.now() - started);
  const context: CheckContext = { view, evaluator: new PolicyEvaluator(view), settings: options.settings ?? resolveAnalyzerSettings(options.config) };
  if (options.baseline) context.baseline = new SnapshotView(options.baseline);
  if (options.scope) context.scope = options.scope;

  const checkSettings = options.config?.checks ?? {};
  const enabled = (options.checks ?? CATALOG).filter((check) => checkSettings[check.meta.id]?.enabled !== false);

  const findings: Finding[] = [];
  const checks: CheckInfo[] = [];
  const causes = new Map<Finding, readonly RootCauseDraft[]>();
  // Findings of one exposed range share its root causes: one key list for all of them.
  const keysOfCauses = new Map<readonly RootCauseDraft[], string[]>();
  for (const check of enabled) {
    const { meta } = check;
    const severityOverride = checkSettings[meta.id]?.severity;
    checks.push({
      id: meta.id,
      title: meta.title,
      severity: severityOverride ?? meta.severity,
      description: meta.description,
      remediation: meta.remediation,
      docs: meta.docs,
    });
    started = performance.now();
    const drafts = runCheck(check, context);
    timing?.(meta.id, performance.now() - started);
    started = performance.now();
    for (const draft of drafts) {
      const finding = findingFromDraft(meta, draft, severityOverride, keysOfCauses);
      findings.push(finding);
      if (draft.rootCauses) causes.set(finding, draft.rootCauses);
    }
    timing?.('fingerprint', performance.now() - started);
  }
  return { findings, checks, causes };
}

/**
 * Findings → document: sorts in the one order (ties only between findings of the same account
 * and region, which keep their check-run order), makes ids unique, applies suppressions and
 * summarizes. Pure apart from reading the clock when `now` is not given.
 */
function finishAnalysis(
  snapshot: Pick<Snapshot, 'id' | 'takenAt' | 'coverage'>,
  run: CheckRun,
  options: Pick<AnalyzeOptions, 'config' | 'baseline' | 'now' | 'onTiming'> = {},
): FindingsDocument {
  const now = options.now ?? new Date();
  const started = performance.now();
  const { checks } = run;
  const sorted = sortFindings(run.findings);
  disambiguateIds(sorted);
  const suppressed = applySuppressions(sorted, options.config?.suppressions ?? [], now);

  const document: FindingsDocument = {
    schema: FINDINGS_SCHEMA,
    snapshotId: snapshot.id,
    snapshotTakenAt: snapshot.takenAt,
    generatedAt: now.toISOString(),
    tool: { name: TOOL.name, version: TOOL.version },
    coverage: snapshot.coverage,
    checks,
    summary: summarize(suppressed.findings, checks),
    findings: suppressed.findings,
    suppressions: suppressed.report,
    rootCauses: summarizeRootCauses(suppressed.findings, run.causes),
  };
  if (options.baseline) document.baselineId = options.baseline.id;
  options.onTiming?.('finish', performance.now() - started);
  return document;
}

/** A check's draft as a finding: its fingerprint id and the check's defaults filled in. */
export function findingFromDraft(meta: CheckMeta, draft: FindingDraft, severityOverride?: Severity, keysOfCauses?: Map<readonly RootCauseDraft[], string[]>): Finding {
  // Member order is the document's (reports serialize findings as built).
  const finding: Finding = {
    id: fingerprint({ check: meta.id, accountId: draft.accountId, regionId: draft.regionId, resource: draft.resource, detail: draft.idDetail ?? draft.detail }),
    check: meta.id,
    accountId: draft.accountId,
    regionId: draft.regionId,
    resource: draft.resource,
    detail: draft.detail,
    // A configured severity is the user's decision and replaces the check's per-finding judgement.
    severity: severityOverride ?? draft.severity ?? meta.severity,
    title: draft.title ?? meta.title,
    message: draft.message,
    evidence: draft.evidence,
    remediation: draft.remediation ?? meta.remediation,
    docs: meta.docs,
  };
  if (draft.breadth) finding.breadth = draft.breadth;
  if (draft.instance) finding.instance = draft.instance;
  const { rootCauses } = draft;
  if (rootCauses && rootCauses.length > 0) {
    let keys = keysOfCauses?.get(rootCauses);
    if (!keys) {
      keys = [...new Set(rootCauses.map((cause) => cause.key))];
      keysOfCauses?.set(rootCauses, keys);
    }
    finding.rootCauses = keys;
  }
  return finding;
}

export function runCheck(check: Check, context: CheckContext): ReturnType<Check['run']> {
  try {
    return check.run(context);
  } catch (error) {
    // Checks must turn odd data into findings; a throw is a bug, and a partial run must not pass for a clean one.
    throw new SgauditError('RUNTIME', `check ${check.meta.id} failed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
      hint: 'this is a bug in sgaudit; rerun with --debug and report the stack',
    });
  }
}

/**
 * Two findings with the same fingerprint describe the same problem twice (e.g. one rule reached
 * through two ENIs with identical detail). Ids must stay unique for suppressions and reports, so
 * later ones get `-2`, `-3` … in sorted (hence deterministic) order.
 */
function disambiguateIds(findings: Finding[]): void {
  const seen = new Map<string, number>();
  for (const finding of findings) {
    const count = (seen.get(finding.id) ?? 0) + 1;
    seen.set(finding.id, count);
    if (count > 1) finding.id = `${finding.id}-${count}`;
  }
}

/**
 * `total` counts every finding in the document, `suppressed` those a suppression hides;
 * bySeverity and byCheck count only unsuppressed findings (what needs action), with every
 * severity and every check that ran present, zeros included, so reports need no defaults.
 */
function summarize(findings: readonly Finding[], checks: readonly CheckInfo[]): FindingsDocument['summary'] {
  const bySeverity: Record<string, number> = Object.fromEntries(SEVERITIES.map((severity: Severity) => [severity, 0]));
  const byCheck: Record<string, number> = Object.fromEntries(checks.map((check) => [check.id, 0]));
  let suppressed = 0;
  for (const finding of findings) {
    if (finding.suppressed) {
      suppressed++;
      continue;
    }
    bySeverity[finding.severity] = (bySeverity[finding.severity] ?? 0) + 1;
    byCheck[finding.check] = (byCheck[finding.check] ?? 0) + 1;
  }
  return { total: findings.length, suppressed, bySeverity, byCheck };
}

/**
 * Why `--fail-on` turns the exit code to 1, in one line (`exit 1: 7 unsuppressed findings at or
 * above --fail-on high (2 critical, 5 high)`), or undefined when it does not.
 */
export function failOnReason(document: FindingsDocument, threshold: Severity): string | undefined {
  const counts = new Map<Severity, number>();
  for (const finding of document.findings) {
    if (finding.suppressed || SEVERITY_RANK[finding.severity] < SEVERITY_RANK[threshold]) continue;
    counts.set(finding.severity, (counts.get(finding.severity) ?? 0) + 1);
  }
  const total = [...counts.values()].reduce((sum, count) => sum + count, 0);
  if (total === 0) return undefined;
  const parts = SEVERITIES.filter((severity) => counts.has(severity)).map((severity) => `${counts.get(severity)} ${severity}`);
  return `exit 1: ${total} unsuppressed finding${total === 1 ? '' : 's'} at or above --fail-on ${threshold} (${parts.join(', ')})`;
}
