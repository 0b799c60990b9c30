import { resolveAnalyzerSettings } from '../../config/load.js';
import { AddressSet } from '../net/address-set.js';
import { PolicyEvaluator } from '../net/evaluator.js';
import { PUBLIC_SPACE } from '../net/public.js';
import type { Finding } from '../../model/findings.js';
import { sortFindings } from '../../model/findings-order.js';
import type { NetworkInterface } from '../../model/snapshot.js';
import { findCheck } from '../checks/index.js';
import type { Check } from '../checks/types.js';
import type { AnalyzerSettings } from '../../config/settings.js';
import { findingFromDraft, runCheck } from '../engine.js';
import { SYNTHETIC_ENI_SUFFIX, type Located, type SnapshotView } from '../view.js';
import type { ComparisonScope } from './coverage.js';
import { changedExposureEnis } from './exposure-prune.js';
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
 * The same view with only some ENIs to visit: the check iterates `view.enis`, while group peers,
 * EIPs and instances are still looked up in the whole snapshot, so each visited ENI is evaluated
 * exactly as in a run over everything. Built on the full view as prototype: no copy of its maps
 * (which relies on SnapshotView's members being plain properties, not `#private` fields).
 */
function viewVisiting(view: SnapshotView, visit: (eniId: string) => boolean): SnapshotView {
  const enis = new Map<string, Located<NetworkInterface>>();
  for (const located of view.enis.values()) if (visit(located.item.id)) enis.set(located.item.id, located);
  return Object.create(view, { enis: { value: enis, enumerable: true } }) as SnapshotView;
}

/**
 * The check's findings for the visited ENIs, as the engine would build them (fingerprint ids made
 * unique in the one order); drift needs nothing of the document around them.
 */
function exposureFindings(view: SnapshotView, check: Check, settings: AnalyzerSettings): Finding[] {
  const findings = runCheck(check, { view, evaluator: new PolicyEvaluator(view), settings }).map((draft) => findingFromDraft(check.meta, draft));
  // Ids repeat only if the check reports one problem twice; only then does the order matter.
  const ids = new Set<string>();
  for (const finding of findings) ids.add(finding.id);
  if (ids.size === findings.length) return findings;
  const seen = new Map<string, number>();
  for (const finding of sortFindings(findings)) {
    const count = (seen.get(finding.id) ?? 0) + 1;
    seen.set(finding.id, count);
    if (count > 1) finding.id = `${finding.id}-${count}`;
  }
  return findings;
}

/** The groups of a finding's resource (an ENI, real or the synthesized `<instance>#primary`). */
function groupsOfResource(view: SnapshotView, resourceId: string): readonly string[] {
  const eni = view.enis.get(resourceId)?.item;
  if (eni && !resourceId.endsWith(SYNTHETIC_ENI_SUFFIX)) return eni.securityGroupIds;
  if (resourceId.endsWith(SYNTHETIC_ENI_SUFFIX)) return view.instances.get(resourceId.slice(0, -SYNTHETIC_ENI_SUFFIX.length))?.item.securityGroupIds ?? [];
  return [];
}

/**
 * Exposure drift through the engine: run public-exposure on both sides and compare findings by
 * fingerprint (same ENI, protocol, ports, sources → same id). New ids are new exposure, vanished
 * ids removed exposure — only where both sides were read completely, so a denied region or a
 * group whose rules failed to page never reads as "exposure removed".
 */
export function exposureDrift(beforeView: SnapshotView, afterView: SnapshotView, scope: ComparisonScope, check: Check, settings: AnalyzerSettings = resolveAnalyzerSettings(undefined), prune = true): ExposureDrift {
  const changedEnis = prune ? changedExposureEnis(beforeView, afterView) : undefined;
  // Findings of ENIs whose inputs are the same on both sides cannot drift: visit the others only.
  const visiting = (view: SnapshotView) => (changedEnis ? viewVisiting(view, (id) => changedEnis.has(id)) : view);
  const before = exposureFindings(visiting(beforeView), check, settings);
  const after = exposureFindings(visiting(afterView), check, settings);
  const beforeIds = new Set(before.map((f) => f.id));
  const afterIds = new Set(after.map((f) => f.id));
  if (after.every((f) => beforeIds.has(f.id)) && before.every((f) => afterIds.has(f.id))) return { changes: [] };
  const comparable = (finding: Finding): boolean => {
    const groups = [...groupsOfResource(beforeView, finding.resource.id), ...groupsOfResource(afterView, finding.resource.id)];
    return scope.exposureComparable(finding.accountId, finding.regionId, groups);
  };
  const appeared = after.filter((finding) => !beforeIds.has(finding.id));
  const vanished = before.filter((finding) => !afterIds.has(finding.id));
  // The same exposure printed differently is not drift (see exposureKey).
  const appearedKeys = exposureKeys(appeared);
  const vanishedKeys = exposureKeys(vanished);
  const changes: DriftChange[] = [];
  for (const finding of appeared) {
    if (!comparable(finding) || vanishedKeys.has(exposureKey(finding) ?? '')) continue;
    changes.push(toChange('new-exposure', finding));
  }
  for (const finding of vanished) {
    if (!comparable(finding) || appearedKeys.has(exposureKey(finding) ?? '')) continue;
    changes.push(toChange('removed-exposure', finding));
  }
  return { changes };
}

/**
 * What a public-exposure finding says is reachable, independent of how its sources are printed:
 * the interface, protocol, ports, its public addresses and the exact public source addresses. A
 * finding prints its sources filled back to what the deciding rules named when that is shorter
 * (`0.0.0.0/0`, not its 51 public blocks), so a rule for private addresses — a drop for 10.0.0.0/8
 * above an accept from anywhere, say — changes the printed sources and the finding id while the
 * internet reaches exactly what it reached before. The filled-in part is never public, so the
 * printed sources ∩ public space are the exact public sources. Undefined (never equal to
 * anything) when the sources were capped (`… N more`) and the exact set cannot be told.
 */
export function exposureKey(finding: Finding): string | undefined {
  const { protocol, ports, sources, addresses } = finding.detail;
  if (!protocol || !ports || !sources) return undefined;
  const sets: AddressSet[] = [];
  for (const text of sources) {
    const parsed = AddressSet.parse(text);
    if (!parsed) return undefined;
    sets.push(parsed);
  }
  const publicSources = AddressSet.unionAll(sets).intersect(PUBLIC_SPACE);
  return [finding.resource.id, protocol, ports.from, ports.to, [...(addresses ?? [])].sort().join(','), publicSources.key()].join('\u0000');
}

function exposureKeys(findings: readonly Finding[]): Set<string> {
  const keys = new Set<string>();
  for (const finding of findings) {
    const key = exposureKey(finding);
    if (key !== undefined) keys.add(key);
  }
  return keys;
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
    // New exposure is ranked exactly as the scan ranks it, so a diff and a scan agree on "critical".
    ...(kind === 'new-exposure' ? { severity: finding.severity } : {}),
    ...(finding.breadth ? { breadth: finding.breadth } : {}),
    ...(kind === 'new-exposure' ? { after: { exposureId: finding.id, severity: finding.severity } } : { before: { exposureId: finding.id, severity: finding.severity } }),
    ...(finding.detail.direction ? { direction: finding.detail.direction } : {}),
    ...(finding.detail.protocol ? { protocol: finding.detail.protocol } : {}),
    ...(finding.detail.ports ? { ports: finding.detail.ports } : {}),
    ...(finding.detail.sources ? { sources: finding.detail.sources } : {}),
    ...(finding.detail.addresses ? { addresses: finding.detail.addresses } : {}),
    evidence: finding.evidence,
  };
}
