import type { Finding } from '../../model/findings.js';
import type { Snapshot } from '../../model/snapshot.js';
import type { AnalyzerSettings, Check } from '../checks/types.js';
import { findCheck } from '../checks/index.js';
import { analyzeSnapshot } from '../engine.js';
import { SnapshotView } from '../view.js';
import type { ComparisonScope } from './coverage.js';
import type { DriftChange } from './types.js';

export interface ExposureDrift {
  changes: DriftChange[];
  /** False when no public-exposure check is available, so exposure was not compared at all. */
  compared: boolean;
}

/**
 * The public-exposure check, looked up in the catalog by id at call time rather than imported by
 * path: drift keeps working (without exposure) in builds where the check is absent, and the
 * lookup at call time keeps the engine ↔ catalog ↔ drift import cycle harmless.
 */
export function resolveExposureCheck(): Check | undefined {
  return findCheck('public-exposure');
}

/** The groups that protect the ENI (or instance) an exposure finding is about, on one side. */
function groupsOfResource(view: SnapshotView, finding: Finding): string[] | undefined {
  const eni = view.enis.get(finding.resource.id);
  if (eni) return eni.item.securityGroupIds;
  const instanceEnis = view.enisByInstance.get(finding.resource.id);
  if (instanceEnis) return instanceEnis.flatMap((e) => e.item.securityGroupIds);
  return undefined;
}

/**
 * Exposure drift through the engine: run public-exposure on both sides and compare findings by
 * fingerprint (same ENI, protocol, ports, sources → same id). New ids are new exposure, vanished
 * ids removed exposure — only where both sides were read completely, so a denied region or a
 * group whose rules failed to page never reads as "exposure removed".
 */
export function exposureDrift(baseline: Snapshot, current: Snapshot, scope: ComparisonScope, check: Check | undefined, settings?: AnalyzerSettings): ExposureDrift {
  if (!check) return { changes: [], compared: false };
  const analyze = (snapshot: Snapshot) => analyzeSnapshot(snapshot, { checks: [check], ...(settings ? { settings } : {}), now: new Date(0) }).findings;
  const before = analyze(baseline);
  const after = analyze(current);
  const beforeIds = new Set(before.map((f) => f.id));
  const afterIds = new Set(after.map((f) => f.id));
  const beforeView = new SnapshotView(baseline);
  const afterView = new SnapshotView(current);
  const comparable = (finding: Finding): boolean => {
    const groups = [...(groupsOfResource(beforeView, finding) ?? []), ...(groupsOfResource(afterView, finding) ?? [])];
    return scope.exposureComparable(finding.accountId, finding.regionId, groups);
  };
  const changes: DriftChange[] = [];
  for (const finding of after) {
    if (beforeIds.has(finding.id) || !comparable(finding)) continue;
    changes.push(toChange('new-exposure', finding));
  }
  for (const finding of before) {
    if (afterIds.has(finding.id) || !comparable(finding)) continue;
    changes.push(toChange('removed-exposure', finding));
  }
  return { changes, compared: true };
}

function toChange(kind: 'new-exposure' | 'removed-exposure', finding: Finding): DriftChange {
  const lead = kind === 'new-exposure' ? 'New since the baseline' : 'No longer exposed (was in the baseline)';
  return {
    kind,
    accountId: finding.accountId,
    regionId: finding.regionId,
    resource: finding.resource,
    identity: finding.id,
    message: `${lead}: ${finding.message}`,
    ...(kind === 'new-exposure' ? { after: { exposureId: finding.id, severity: finding.severity } } : { before: { exposureId: finding.id, severity: finding.severity } }),
    ...(finding.detail.direction ? { direction: finding.detail.direction } : {}),
    ...(finding.detail.protocol ? { protocol: finding.detail.protocol } : {}),
    ...(finding.detail.ports ? { ports: finding.detail.ports } : {}),
    ...(finding.detail.sources ? { sources: finding.detail.sources } : {}),
    ...(finding.detail.addresses ? { addresses: finding.detail.addresses } : {}),
    evidence: finding.evidence,
  };
}
