import { gateFailures, whatIfDelta, type ChangeOutcome } from '../analyze/whatif.js';
import type { ResolvedConfig } from '../config/load.js';
import type { Severity } from '../model/findings.js';
import type { Snapshot } from '../model/snapshot.js';
import type { WhatIfReport } from '../report/whatif.js';
import { TOOL } from '../version.js';
import { applyChanges, type AppliedChanges } from '../whatif/apply.js';
import { loadChangeSet } from '../whatif/load.js';

/** Changes that edit a group's rules and move no member: groups referencing it are unaffected. */
const RULE_EDITS: ReadonlySet<string> = new Set(['addRule', 'removeRule', 'modifyRule']);

/** What the analysis needs of applied changes: the snapshot after, and what each change touched. */
export function changeOutcome(outcome: AppliedChanges): ChangeOutcome {
  return { after: outcome.after, applied: outcome.applied.map((entry) => ({ ...entry, rulesOnly: RULE_EDITS.has(entry.change.kind) })) };
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
