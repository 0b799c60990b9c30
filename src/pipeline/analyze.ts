import { CATALOG } from '../analyze/checks/index.js';
import type { Check, FindingDraft } from '../analyze/checks/types.js';
import { changeToDraft, computeDrift, DRIFT_META } from '../analyze/drift/index.js';
import { diffTerraform, type TerraformBaseline } from '../analyze/drift/terraform.js';
import type { NotCompared } from '../analyze/drift/types.js';
import { analyzeSnapshot } from '../analyze/engine.js';
import type { ResolvedConfig } from '../config/load.js';
import type { FindingsDocument } from '../model/findings.js';
import type { Snapshot } from '../model/snapshot.js';

export interface BaselineInputs {
  /** An earlier snapshot (approved baseline, previous snapshot or a file). */
  baseline?: Snapshot;
  /** Terraform state: managed groups/rules changed or deleted live, unmanaged ones created by hand. */
  terraform?: TerraformBaseline;
}

/**
 * Analysis as the commands run it: the catalog, plus one `drift` check when a baseline snapshot
 * and/or Terraform state is given, so drift findings get the engine's fingerprints, severity
 * overrides, suppressions and sorting like any other check. The scopes drift could not compare
 * (incomplete on either side) land on the document so every report shows them. `analyze`,
 * `scan` and `schedule` all go through here so they cannot disagree.
 */
export function analyzeWithBaseline(snapshot: Snapshot, options: BaselineInputs & { config: ResolvedConfig; now?: Date; onTiming?: (phase: string, ms: number) => void }): FindingsDocument {
  const { baseline, terraform } = options;
  const notCompared: NotCompared[] = [];
  const checks: Check[] = [...CATALOG];
  if (baseline || terraform) {
    checks.push({
      meta: DRIFT_META,
      run(context) {
        const drafts: FindingDraft[] = [];
        if (baseline) {
          // The engine's view of the current snapshot is reused rather than indexed again.
          const drift = computeDrift(baseline, context.view.snapshot, { settings: context.settings, views: { current: context.view } });
          drafts.push(...drift.changes.map(changeToDraft));
          notCompared.push(...drift.notCompared);
        }
        if (terraform) {
          const drift = diffTerraform(terraform, context.view.snapshot);
          drafts.push(...drift.changes.map(changeToDraft));
          notCompared.push(...drift.notCompared);
        }
        return drafts;
      },
    });
  }
  const document = analyzeSnapshot(snapshot, { config: options.config, checks, ...(options.now ? { now: options.now } : {}), ...(options.onTiming ? { onTiming: options.onTiming } : {}) });
  return {
    ...document,
    ...(baseline ? { baselineId: baseline.id } : {}),
    ...(notCompared.length ? { notCompared } : {}),
  };
}
