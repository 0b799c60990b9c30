import type { ResolvedConfig } from '../../config/load.js';
import type { Finding, FindingsDocument } from '../../model/findings.js';
import type { Snapshot } from '../../model/snapshot.js';
import type { Check, FindingDraft } from '../checks/types.js';
import type { AnalyzerSettings } from '../../config/settings.js';
import { analyzeSnapshot } from '../engine.js';
import { SnapshotView } from '../view.js';
import { ComparisonScope } from './coverage.js';
import { exposureDrift, resolveExposureCheck } from './exposure.js';
import { DRIFT_META, DRIFT_REMEDIATION, DRIFT_TITLES } from './meta.js';
import { diffRegion } from './snapshot-diff.js';
import { DRIFT_SEVERITY, type DiffOptions, type DriftChange, type DriftResult, type NotCompared } from './types.js';

export { diffSnapshots, matchRules } from './snapshot-diff.js';
export { DRIFT_META } from './meta.js';
export * from './types.js';

export interface DriftOptions extends DiffOptions {
  /** Compare public exposure through the engine (default true). */
  exposure?: boolean;
  /** The public-exposure check to use; by default the catalog's. */
  exposureCheck?: Check;
  settings?: AnalyzerSettings;
  /** Evaluate exposure only for instances/ENIs whose inputs changed (default true; off only to verify it). */
  pruneUnchanged?: boolean;
  /**
   * Views of exactly these snapshots when the caller has them already (the engine's check
   * context): exposure drift then does not index the estate again.
   */
  views?: { baseline?: SnapshotView; current?: SnapshotView };
}

export interface DriftComputation extends DriftResult {
  /** False when exposure was not compared (no public-exposure check, or disabled). */
  exposureCompared: boolean;
}

/** Structural drift plus exposure drift, with the scopes that could not be compared. */
export function computeDrift(baseline: Snapshot, current: Snapshot, options: DriftOptions = {}): DriftComputation {
  const scope = new ComparisonScope(baseline, current);
  const changes: DriftChange[] = [];
  for (const pair of scope.pairs()) diffRegion(pair, scope, options, changes);
  const exposureCompared = options.exposure !== false;
  if (exposureCompared) {
    const views = { baseline: options.views?.baseline ?? new SnapshotView(baseline), current: options.views?.current ?? new SnapshotView(current) };
    const exposure = exposureDrift(views.baseline, views.current, scope, options.exposureCheck ?? resolveExposureCheck(), options.settings, options.pruneUnchanged ?? true);
    changes.push(...exposure.changes);
  }
  const notCompared = scope.notCompared();
  return { baselineId: baseline.id, currentId: current.id, changes, notCompared, exposureCompared };
}

/** A drift change as a finding draft (check id `drift`, kind and before/after in `detail.extra`). */
export function changeToDraft(change: DriftChange): FindingDraft {
  const extra: Record<string, unknown> = { kind: change.kind };
  if (change.resource.type === 'rule' || change.kind === 'group-attached' || change.kind === 'group-detached') {
    const groupId = change.resource.type === 'rule' ? change.evidence[0]?.groupId : change.identity;
    if (groupId) extra.groupId = groupId;
  }
  if (change.before !== undefined) extra.before = change.before;
  if (change.after !== undefined) extra.after = change.after;
  return {
    severity: change.severity ?? DRIFT_SEVERITY[change.kind],
    title: DRIFT_TITLES[change.kind],
    message: change.message,
    accountId: change.accountId,
    regionId: change.regionId,
    resource: change.resource,
    detail: {
      ...(change.direction ? { direction: change.direction } : {}),
      ...(change.protocol ? { protocol: change.protocol } : {}),
      ...(change.ports ? { ports: change.ports } : {}),
      ...(change.sources ? { sources: change.sources } : {}),
      ...(change.addresses ? { addresses: change.addresses } : {}),
      extra,
    },
    evidence: change.evidence,
    remediation: DRIFT_REMEDIATION[change.kind],
    ...(change.breadth ? { breadth: change.breadth } : {}),
  };
}

/** A check object that returns precomputed drafts, so drift goes through the engine's fingerprints, overrides, suppressions and sort. */
function staticCheck(drafts: FindingDraft[]): Check {
  return { meta: DRIFT_META, run: () => drafts };
}

/**
 * A catalog-style drift check: compares the context's baseline view with the current view.
 * Without a baseline it finds nothing. Not-compared scopes are not findings; get them from
 * `driftFindings` or `driftFindingsDocument`.
 */
export function createDriftCheck(options: DriftOptions = {}): Check {
  return {
    meta: DRIFT_META,
    run(context) {
      if (!context.baseline) return [];
      const drift = computeDrift(context.baseline.snapshot, context.view.snapshot, { settings: context.settings, views: { baseline: context.baseline, current: context.view }, ...options });
      return drift.changes.map(changeToDraft);
    },
  };
}

export interface DocumentOptions extends DriftOptions {
  config?: ResolvedConfig;
  now?: Date;
}

/**
 * Drift findings (fingerprinted, sorted, suppressions applied) to append to a normal analysis.
 * Ids are the engine's fingerprints, so they match what `driftFindingsDocument` reports.
 */
export function driftFindings(baseline: Snapshot, current: Snapshot, options: DocumentOptions = {}): { findings: Finding[]; notCompared: NotCompared[]; exposureCompared: boolean } {
  const drift = computeDrift(baseline, current, options);
  const document = driftDocument(current, drift, options);
  return { findings: document.findings, notCompared: document.notCompared ?? [], exposureCompared: drift.exposureCompared };
}

/** Wrap already computed drift (snapshot or Terraform) as a findings document of the current snapshot. */
export function driftDocument(current: Snapshot, drift: DriftResult, options: { config?: ResolvedConfig; now?: Date; settings?: AnalyzerSettings } = {}): FindingsDocument {
  // The drafts are precomputed: give the engine the header only, so it does not index the whole
  // estate for a check that never reads the view.
  const document = analyzeSnapshot({ ...current, accounts: [] }, {
    checks: [staticCheck(drift.changes.map(changeToDraft))],
    ...(options.config ? { config: options.config } : {}),
    ...(options.settings ? { settings: options.settings } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  document.baselineId = drift.baselineId;
  document.notCompared = drift.notCompared;
  return document;
}

/** `sgaudit diff`: the drift between two snapshots as a findings document any report format can render. */
export function driftFindingsDocument(baseline: Snapshot, current: Snapshot, options: DocumentOptions = {}): FindingsDocument {
  const drift = computeDrift(baseline, current, options);
  return driftDocument(current, drift, options);
}
