import type { ResolvedConfig } from '../config/load.js';
import { SEVERITY_RANK, type CheckInfo, type Finding, type Severity } from '../model/findings.js';
import type { Snapshot } from '../model/snapshot.js';
import type { CheckScope } from './checks/scope.js';
import { analyzeSnapshot } from './engine.js';
import { SnapshotView } from './view.js';
import { pushTo } from '../util/multimap.js';

/**
 * `sgaudit whatif`: the findings a proposed change adds, removes or re-ranks. Both snapshots are
 * analysed by the same engine, limited to what the change can affect (see scopeOfChange), so the
 * answer is what `analyze` would say after the change, at a fraction of its cost.
 */

/** What one change touched, as the change sources report it (src/whatif). */
interface TouchedByChange {
  /** The change edits rules only (no member moves in or out of a group, no group appears or goes). */
  rulesOnly?: boolean;
  groupIds: readonly string[];
  eniIds: readonly string[];
  instanceIds: readonly string[];
}

export interface ChangeOutcome {
  after: Snapshot;
  /** Per change, in order. */
  applied: readonly TouchedByChange[];
}

export interface DeltaEntry {
  kind: 'added' | 'removed' | 'changed';
  /** After the change (added, changed) or before it (removed). */
  finding: Finding;
  /** For `changed`: the same exposure as it was ranked before. */
  before?: Pick<Finding, 'id' | 'severity' | 'breadth' | 'message'>;
  /** Indexes of the changes that caused it (their groups, interfaces or instances are in the finding). */
  changes: number[];
}

export interface WhatIfDelta {
  /** Worst first. */
  added: DeltaEntry[];
  removed: DeltaEntry[];
  /** Same check, resource and traffic, ranked differently (a source narrowed or widened). */
  changed: DeltaEntry[];
  scope: { interfaces: number; groups: number; instances: number };
  /** The checks that ran (what SARIF rules describe). */
  checks: CheckInfo[];
}

/**
 * Everything a change can alter the findings of: the groups it touched; where members moved (or a
 * group appeared or went), those groups and the groups whose rules reference them (their peers
 * resolve to members, or dangle); every interface carrying one of them or touched itself, every
 * group on those interfaces (shadowing is judged on the pools a group shares), and their
 * instances — in the snapshot before and after.
 */
function scopeOfChange(views: readonly SnapshotView[], applied: readonly TouchedByChange[]): CheckScope {
  const touchedGroups = new Set(applied.flatMap((change) => change.groupIds));
  const membersMoved = new Set(applied.filter((change) => !change.rulesOnly).flatMap((change) => change.groupIds));
  const touchedEnis = new Set(applied.flatMap((change) => change.eniIds));
  const touchedInstances = new Set(applied.flatMap((change) => change.instanceIds));
  // A rule edit names the interfaces of its group; they did not move.
  const movedEnis = new Set(applied.filter((change) => !change.rulesOnly).flatMap((change) => change.eniIds));
  const movedInstances = new Set(applied.filter((change) => !change.rulesOnly).flatMap((change) => change.instanceIds));
  for (const view of views) {
    for (const instanceId of movedInstances) for (const eni of view.enisByInstance.get(instanceId) ?? []) movedEnis.add(eni.item.id);
    // Moving an interface changes the members of each of its groups.
    for (const eniId of movedEnis) for (const groupId of view.enis.get(eniId)?.item.securityGroupIds ?? []) membersMoved.add(groupId);
  }
  for (const eniId of movedEnis) touchedEnis.add(eniId);
  const groups = new Set([...touchedGroups, ...membersMoved]);
  for (const view of views) for (const groupId of membersMoved) for (const referencing of view.groupsReferencing.get(groupId) ?? []) groups.add(referencing);
  const enis = new Set(touchedEnis);
  for (const view of views) for (const groupId of groups) for (const eni of view.enisByGroup.get(groupId) ?? []) enis.add(eni.item.id);
  const instances = new Set(touchedInstances);
  for (const view of views) {
    for (const eniId of enis) {
      const eni = view.enis.get(eniId)?.item;
      if (!eni) continue;
      for (const groupId of eni.securityGroupIds) groups.add(groupId);
      if (eni.instanceId) instances.add(eni.instanceId);
    }
  }
  return { enis, groups, instances };
}

/** Analyses before and after within the change's scope and compares the findings. */
export function whatIfDelta(before: Snapshot, outcome: ChangeOutcome, options: { config?: ResolvedConfig; now?: Date; everything?: boolean } = {}): WhatIfDelta {
  const views = [new SnapshotView(before), new SnapshotView(outcome.after)];
  // `everything`: both snapshots analysed whole (the check that the scope leaves nothing out).
  const scope = options.everything ? undefined : scopeOfChange(views, outcome.applied);
  const now = options.now ?? new Date();
  const analyse = (view: SnapshotView) => analyzeSnapshot(view.snapshot, { view, now, ...(scope ? { scope } : {}), ...(options.config ? { config: options.config } : {}) });
  const beforeFindings = analyse(views[0] as SnapshotView).findings.filter((f) => !f.suppressed);
  const afterDocument = analyse(views[1] as SnapshotView);
  const afterFindings = afterDocument.findings.filter((f) => !f.suppressed);

  const beforeIds = new Set(beforeFindings.map((f) => f.id));
  const afterIds = new Set(afterFindings.map((f) => f.id));
  const gone = beforeFindings.filter((f) => !afterIds.has(f.id));
  const appeared = afterFindings.filter((f) => !beforeIds.has(f.id));
  const beforeById = new Map(beforeFindings.map((f) => [f.id, f]));

  // An exposure whose sources changed gets a new id: pair it with the one it replaces.
  const goneByTraffic = new Map<string, Finding[]>();
  for (const finding of gone) pushTo(goneByTraffic, trafficKey(finding), finding);
  const paired = new Set<Finding>();
  const added: DeltaEntry[] = [];
  const changed: DeltaEntry[] = [];
  for (const finding of appeared) {
    const previous = goneByTraffic.get(trafficKey(finding))?.find((candidate) => !paired.has(candidate));
    if (previous) {
      paired.add(previous);
      if (previous.severity !== finding.severity || previous.breadth?.class !== finding.breadth?.class) changed.push(entry('changed', finding, outcome.applied, previous));
      continue;
    }
    added.push(entry('added', finding, outcome.applied));
  }
  for (const finding of afterFindings) {
    const previous = beforeById.get(finding.id);
    if (previous && previous.severity !== finding.severity) changed.push(entry('changed', finding, outcome.applied, previous));
  }
  const removed = gone.filter((finding) => !paired.has(finding)).map((finding) => entry('removed', finding, outcome.applied));
  return {
    added: added.sort(worstFirst),
    removed: removed.sort(worstFirst),
    changed: changed.sort(worstFirst),
    scope: scope ? { interfaces: scope.enis.size, groups: scope.groups.size, instances: scope.instances.size } : { interfaces: views[1]?.enis.size ?? 0, groups: views[1]?.groups.size ?? 0, instances: views[1]?.instances.size ?? 0 },
    checks: afterDocument.checks,
  };
}

/**
 * The entries that make the change fail a gate at `threshold`: added at or above it, or raised to
 * it from below.
 */
export function gateFailures(delta: WhatIfDelta, threshold: Severity): DeltaEntry[] {
  const at = SEVERITY_RANK[threshold];
  return [
    ...delta.added.filter((e) => SEVERITY_RANK[e.finding.severity] >= at),
    ...delta.changed.filter((e) => SEVERITY_RANK[e.finding.severity] >= at && SEVERITY_RANK[e.before?.severity ?? 'info'] < SEVERITY_RANK[e.finding.severity]),
  ];
}

function trafficKey(finding: Finding): string {
  const { detail } = finding;
  return [finding.check, finding.accountId, finding.regionId, finding.resource.id, detail.direction ?? '', detail.protocol ?? '', detail.ports?.from ?? '', detail.ports?.to ?? ''].join('\u0000');
}

function entry(kind: DeltaEntry['kind'], finding: Finding, applied: readonly TouchedByChange[], previous?: Finding): DeltaEntry {
  const result: DeltaEntry = { kind, finding, changes: causingChanges(finding, applied) };
  if (previous) {
    result.before = { id: previous.id, severity: previous.severity, message: previous.message };
    if (previous.breadth) result.before.breadth = previous.breadth;
  }
  return result;
}

/** The changes whose groups the finding's evidence or root causes name, or whose interface or instance it is about. */
function causingChanges(finding: Finding, applied: readonly TouchedByChange[]): number[] {
  const groups = new Set(finding.evidence.map((e) => e.groupId));
  for (const key of finding.rootCauses ?? []) groups.add(key.slice(0, key.indexOf('/')));
  if (finding.resource.type === 'securityGroup') groups.add(finding.resource.id);
  const result: number[] = [];
  applied.forEach((change, index) => {
    if (
      change.groupIds.some((id) => groups.has(id)) ||
      change.eniIds.includes(finding.resource.id) ||
      change.instanceIds.includes(finding.resource.id) ||
      (finding.instance !== undefined && change.instanceIds.includes(finding.instance.id))
    ) {
      result.push(index);
    }
  });
  return result;
}

function worstFirst(a: DeltaEntry, b: DeltaEntry): number {
  return SEVERITY_RANK[b.finding.severity] - SEVERITY_RANK[a.finding.severity] || (a.finding.id < b.finding.id ? -1 : a.finding.id > b.finding.id ? 1 : 0);
}

