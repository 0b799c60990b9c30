import type { Change, ChangeKind, ChangeSet } from './changes.js';
import type { Draft } from './draft.js';
import { PlanReader } from './plan-reader.js';
import { MAPPERS } from './plan-resources.js';

/**
 * A Terraform plan (`terraform show -json plan.out`) as a change set. Terraform orders the real
 * apply by dependencies; the plan lists changes by address. What matters for the result is that
 * new objects exist before anything refers to them and that deletions come last, so the changes
 * are put in that order: creations, then edits, then deletions.
 */

const PHASE: Readonly<Record<ChangeKind, number>> = {
  createGroup: 0,
  createInstance: 1,
  createInterface: 1,
  addRule: 2,
  removeRule: 2,
  modifyRule: 2,
  attachGroup: 2,
  detachGroup: 2,
  attachInterface: 2,
  detachInterface: 2,
  bindEip: 2,
  unbindEip: 2,
  setPublicIp: 2,
  deleteInstance: 3,
  deleteInterface: 4,
  deleteGroup: 5,
};

const SHOWN = 5;

export function parseTerraformPlan(file: string, plan: Record<string, unknown>, index: Draft): ChangeSet {
  const reader = new PlanReader(file, plan, index);
  const changes: Change[] = [];
  const ignored: string[] = [];
  for (const change of reader.resourceChanges) {
    if (change.actions.every((action) => action === 'no-op' || action === 'read')) continue;
    const mapper = MAPPERS[change.type];
    if (!mapper) ignored.push(change.address);
    else if (change.origin.path) reader.assumptions.push(`${change.address} (${change.origin.path}): a deposed object left by create_before_destroy; ignored`);
    else changes.push(...mapper(reader, change));
  }
  if (ignored.length > 0) {
    const shown = ignored.slice(0, SHOWN).join(', ');
    reader.assumptions.push(`${ignored.length} change(s) to resource types sgaudit does not model are assumed not to change exposure: ${shown}${ignored.length > SHOWN ? `, +${ignored.length - SHOWN} more` : ''}`);
  }
  // A stable sort: within a phase, the plan's order.
  changes.sort((a, b) => PHASE[a.kind] - PHASE[b.kind]);
  return { kind: 'terraform-plan', changes, assumptions: reader.assumptions };
}
