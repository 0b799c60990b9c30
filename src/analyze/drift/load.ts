import { open } from 'node:fs/promises';
import type { ResolvedConfig } from '../../config/load.js';
import { SgauditError } from '../../model/errors.js';
import type { FindingsDocument, Severity } from '../../model/findings.js';
import { readSnapshot, readSnapshotPair } from '../../model/snapshot-file.js';
import { resolveAnalyzerSettings } from '../../config/load.js';
import { computeDrift, driftDocument, type DriftOptions } from './index.js';
import { diffTerraform, readTerraformState } from './terraform.js';

/** What the OLD side of `sgaudit diff` is: an sgaudit snapshot or a Terraform state. */
async function detectBaselineKind(path: string): Promise<'snapshot' | 'terraform'> {
  if (path.endsWith('.tfstate')) return 'terraform';
  if (!path.endsWith('.json')) return 'snapshot';
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw new SgauditError('FILE_NOT_FOUND', `${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `cannot open (${String(error)})`}`);
  }
  try {
    const head = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const text = head.subarray(0, bytesRead).toString('utf8');
    // `terraform state pull` writes "version" and "terraform_version" as the first keys.
    return /"terraform_version"\s*:/.test(text) && !/"sgaudit\/snapshot@/.test(text) ? 'terraform' : 'snapshot';
  } finally {
    await handle.close();
  }
}

export interface DiffFilesOptions extends DriftOptions {
  /** Treat OLD as Terraform state (default: detected from the file). */
  terraform?: boolean;
  unmanagedGroups?: Severity | 'off';
  config?: ResolvedConfig;
  now?: Date;
  /** Wall time of reading both snapshots (`read`) and of computing the drift (`drift`), for --verbose and benchmarks. */
  onTiming?: (phase: 'read' | 'drift', ms: number) => void;
}

/** `sgaudit diff OLD NEW`: read both sides and return the drift findings document. */
export async function diffFiles(oldPath: string, newPath: string, options: DiffFilesOptions = {}): Promise<FindingsDocument> {
  const kind = options.terraform ? 'terraform' : await detectBaselineKind(oldPath);
  if (kind === 'terraform') {
    const [state, live] = await Promise.all([readTerraformState(oldPath), readSnapshot(newPath)]);
    return driftDocument(live, diffTerraform(state, live, options.unmanagedGroups ? { unmanagedGroups: options.unmanagedGroups } : {}), options);
  }
  // The config's analyzer settings (allowed public ports …) decide exposure on both sides.
  const settings = options.settings ?? (options.config ? resolveAnalyzerSettings(options.config) : undefined);
  const driftOptions: DriftOptions = { ...options, ...(settings ? { settings } : {}) };
  // Records whose lines are identical in both files are parsed once and shared: drift compares them by identity.
  let started = performance.now();
  const [baseline, current] = await readSnapshotPair(oldPath, newPath);
  options.onTiming?.('read', performance.now() - started);
  started = performance.now();
  const drift = computeDrift(baseline, current, driftOptions);
  options.onTiming?.('drift', performance.now() - started);
  return driftDocument(current, drift, options);
}

/** `--fail-on-drift`: new-exposure = any unsuppressed new exposure; any = any unsuppressed drift above info. */
export function driftTriggers(document: FindingsDocument, failOn: 'new-exposure' | 'any'): boolean {
  return document.findings.some((finding) => {
    if (finding.suppressed || finding.check !== 'drift') return false;
    if (failOn === 'new-exposure') return finding.detail.extra?.kind === 'new-exposure';
    return finding.severity !== 'info';
  });
}
