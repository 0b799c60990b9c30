import { gateFailures, whatIfDelta, type ChangeOutcome } from '../analyze/whatif.js';
import type { ResolvedConfig } from '../config/load.js';
import type { Severity } from '../model/findings.js';
import type { Snapshot } from '../model/snapshot.js';
import type { WhatIfReport } from '../report/whatif.js';
import { TOOL } from '../version.js';
import { applyChanges, type AppliedChanges } from '../whatif/apply.js';
import { isRuleEdit } from '../whatif/changes.js';
import { loadChangeSet } from '../whatif/load.js';

/** What the analysis needs of applied changes: the snapshot after, and what each change touched. */
export function changeOutcome(outcome: AppliedChanges): ChangeOutcome {
  return { after: outcome.after, applied: outcome.applied.map((entry) => ({ ...entry, rulesOnly: isRuleEdit(entry.change) })) };
}

/**
 * A change file or Terraform plan against a snapshot: the changes applied in memory, the findings
 * they add, re-rank and remove, and the gate's verdict at `failOn`.
 */
export async function runWhatIf(before: Snapshot, changePath: string, options: { config: ResolvedConfig; failOn: Severity; now?: Date }): Promise<WhatIfReport> {
  const set = await loadChangeSet(changePath, before);
  const outcome = applyChanges(before, set);
  const now = options.now ?? new Date();
  const delta = whatIfDelta(before, changeOutcome(outcome), { config: options.config, now });
  return {
    snapshotId: before.id,
    changes: outcome.applied.map(({ summary, change }) => ({ summary, origin: change.origin })),
    assumptions: outcome.assumptions,
    delta,
    failOn: options.failOn,
    failures: gateFailures(delta, options.failOn),
    tool: { name: TOOL.name, version: TOOL.version },
    generatedAt: now.toISOString(),
  };
}
