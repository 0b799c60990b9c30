import { check as driftCheck } from '../analyze/checks/drift.js';
import { CATALOG } from '../analyze/checks/index.js';
import { driftNotCompared } from '../analyze/drift/index.js';
import { analyzeSnapshot } from '../analyze/engine.js';
import type { ResolvedConfig } from '../config/load.js';
import type { FindingsDocument } from '../model/findings.js';
import type { Snapshot } from '../model/snapshot.js';

/**
 * Analysis as the commands run it: the catalog, plus drift when a baseline is given, with the
 * scopes drift could not compare (incomplete on either side) recorded on the document so every
 * report shows them. `analyze` and `scan` both go through here so they cannot disagree.
 */
export function analyzeWithBaseline(snapshot: Snapshot, options: { config: ResolvedConfig; baseline?: Snapshot; now?: Date }): FindingsDocument {
  const { baseline } = options;
  const document = analyzeSnapshot(snapshot, {
    config: options.config,
    ...(options.now ? { now: options.now } : {}),
    ...(baseline ? { baseline, checks: [...CATALOG, driftCheck] } : {}),
  });
  if (!baseline) return document;
  const notCompared = driftNotCompared(baseline, snapshot);
  return { ...document, baselineId: baseline.id, ...(notCompared.length ? { notCompared } : {}) };
}
