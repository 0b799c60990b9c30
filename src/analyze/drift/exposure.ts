import type { Finding } from '../../model/findings.js';
import type { Snapshot } from '../../model/snapshot.js';
import type { AnalyzerSettings, Check } from '../checks/types.js';
import { findCheck } from '../checks/index.js';
import { analyzeSnapshot } from '../engine.js';
import { SYNTHETIC_ENI_SUFFIX } from '../view.js';
import type { ComparisonScope } from './coverage.js';
import { pruneToChangedUnits, unitsByResource } from './exposure-prune.js';
import type { DriftChange } from './types.js';

export interface ExposureDrift {
  changes: DriftChange[];
}

/**
 * The public-exposure check, looked up in the catalog by id at call time rather than imported by
 * path: the lookup at call time keeps the engine ↔ catalog ↔ drift import cycle harmless.
 */
export function resolveExposureCheck(): Check {
  const check = findCheck('public-exposure');
  if (!check) throw new Error('the public-exposure check is missing from the catalog');
  return check;
}

/**
 * Groups per ENI id (real, and the view's synthesized `<instance>#primary`) and per instance: all
 * exposure drift needs to know about a finding's resource. Far cheaper than a second SnapshotView.
 */
function groupsByResource(snapshot: Snapshot): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const account of snapshot.accounts) {
    for (const region of account.regions) {
      for (const instance of region.instances) {
        groups.set(`${instance.id}${SYNTHETIC_ENI_SUFFIX}`, instance.securityGroupIds);
        groups.set(instance.id, [...instance.securityGroupIds]);
      }
      for (const eni of region.networkInterfaces) {
        groups.set(eni.id, eni.securityGroupIds);
        if (eni.instanceId) groups.get(eni.instanceId)?.push(...eni.securityGroupIds);
      }
    }
  }
  return groups;
}

/**
 * Exposure drift through the engine: run public-exposure on both sides and compare findings by
 * fingerprint (same ENI, protocol, ports, sources → same id). New ids are new exposure, vanished
 * ids removed exposure — only where both sides were read completely, so a denied region or a
 * group whose rules failed to page never reads as "exposure removed".
 */
export function exposureDrift(baseline: Snapshot, current: Snapshot, scope: ComparisonScope, check: Check, settings?: AnalyzerSettings, prune = true): ExposureDrift {
  const analyze = (snapshot: Snapshot) => analyzeSnapshot(snapshot, { checks: [check], ...(settings ? { settings } : {}), now: new Date(0) }).findings;
  const pruned = prune ? pruneToChangedUnits(baseline, current) : undefined;
  let before = analyze(pruned?.baseline ?? baseline);
  let after = analyze(pruned?.current ?? current);
  if (pruned) {
    // Findings of units kept only as group-peer context cannot drift: compare changed units only.
    const changed = (snapshot: Snapshot) => {
      const units = unitsByResource(snapshot);
      return (finding: Finding) => pruned.changedUnits.has(units.get(finding.resource.id) ?? finding.resource.id);
    };
    before = before.filter(changed(pruned.baseline));
    after = after.filter(changed(pruned.current));
  }
  const beforeIds = new Set(before.map((f) => f.id));
  const afterIds = new Set(after.map((f) => f.id));
  if (after.every((f) => beforeIds.has(f.id)) && before.every((f) => afterIds.has(f.id))) return { changes: [] };
  const beforeGroups = groupsByResource(baseline);
  const afterGroups = groupsByResource(current);
  const comparable = (finding: Finding): boolean => {
    const groups = [...(beforeGroups.get(finding.resource.id) ?? []), ...(afterGroups.get(finding.resource.id) ?? [])];
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
  return { changes };
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
