import { rm, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { failOnReason } from '../analyze/engine.js';
import { analyzeWithBaseline } from './analyze.js';
import { readTerraformState } from '../analyze/drift/terraform.js';
import { driftTriggers } from '../analyze/drift/load.js';
import { collectSnapshot, incompleteCoverage, type CollectOptions } from '../collect/index.js';
import { collectOptionsFromConfig } from './collect-options.js';
import type { ResolvedConfig } from '../config/load.js';
import { coverageHeadline, coverageVerdict, type CoverageVerdict } from '../model/coverage.js';
import { EXIT } from '../model/errors.js';
import type { FindingsDocument, Severity } from '../model/findings.js';
import { readSnapshot } from '../model/snapshot-file.js';
import type { Snapshot } from '../model/snapshot.js';
import type { ReportFormat } from '../report/index.js';
import { writeReports } from '../report/write-reports.js';
import { FINDINGS_FILE_NAME, writeFindingsFile } from '../report/write-findings.js';
import { openStore } from '../store/index.js';
import { removeStaleTempFiles, reportTempDirs, storeTempDirs } from '../store/stale-temp.js';
import { log } from '../util/log.js';
import type { Progress } from '../util/progress.js';

/**
 * The nightly job: collect → store the snapshot → analyze (against a baseline when configured) →
 * write every requested report → retention. Commands only map flags onto these options.
 */
export interface ScanOptions {
  config: ResolvedConfig;
  /** Flag overrides; config values are used where these are absent. */
  endpoint?: string;
  regions?: string[];
  accounts?: CollectOptions['accounts'];
  credentials?: CollectOptions['credentials'];
  /** Which clouds, and the Huawei accounts (the demo passes its emulator's); the config's otherwise. */
  providers?: CollectOptions['providers'];
  huawei?: CollectOptions['huawei'];
  storeDir?: string;
  /** Reports directory for this run; default `<reports.dir>/<timestamp>/`. */
  outDir?: string;
  formats?: ReportFormat[];
  /** A snapshot path, or where to find the baseline. */
  baseline?: string | 'approved' | 'previous' | 'none';
  failOn?: Severity;
  /** Exit 1 on drift: any new exposure, or any drift above info. */
  failOnDrift?: 'new-exposure' | 'any';
  strict?: boolean;
  progress?: Progress;
  signal?: AbortSignal;
  now?: () => Date;
  /** Resolves `approved`/`previous` to a snapshot path; provided by the drift/baseline module. */
  resolveBaseline?: (storeDir: string, against: 'approved' | 'previous', currentPath: string) => Promise<string | undefined>;
}

export interface ScanResult {
  snapshotPath: string;
  findingsPath: string;
  reportPaths: string[];
  document: FindingsDocument;
  baselinePath?: string;
  exitCode: number;
  incomplete: number;
  coverage: CoverageVerdict;
}

/** 2026-11-25T02:00:00.123Z → 20261125T020000Z (sortable, filesystem-safe). */
export function runStamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

export async function runScan(options: ScanOptions): Promise<ScanResult> {
  const { config } = options;
  const now = options.now ?? (() => new Date());
  const storeDir = options.storeDir ?? config.store.dir;
  const store = openStore(storeDir);
  const against = options.baseline ?? config.baseline.against;

  // Inputs named explicitly are read before collecting, so a typo fails in a second, not after a
  // long collection. `previous` can only be resolved once this run's snapshot exists.
  const explicitBaseline = against === 'approved' || against === 'previous' || against === 'none' ? undefined : against;
  const explicit = explicitBaseline === undefined ? undefined : await readSnapshot(explicitBaseline);
  const terraform = config.baseline.terraformState ? await readTerraformState(config.baseline.terraformState) : undefined;
  // Temp files of an earlier run that was killed mid-write (its writer is gone) would fill the disk night after night.
  await removeStaleTempFiles([...storeTempDirs(storeDir), ...(await reportTempDirs(config.reports.dir)), ...(options.outDir ? [options.outDir] : [])]);

  const collected = await collectSnapshot({
    ...collectOptionsFromConfig(config, options),
    ...(options.progress ? { progress: options.progress } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    out: (takenAt, id) => store.pathFor(takenAt, id),
  });
  // A directory has the file in place already; an object store uploads it, then makes it visible.
  const storedPath = await store.publish(collected.path);
  const incomplete = incompleteCoverage(collected.header.coverage);
  const verdict = coverageVerdict(collected.header.coverage);
  if (verdict === 'failed') log.error(coverageHeadline(collected.header.coverage) ?? 'nothing was collected');
  const snapshot = await readSnapshot(collected.path);

  let baselinePath = explicitBaseline;
  let baseline: Snapshot | undefined = explicit;
  if (against === 'approved' || against === 'previous') {
    baselinePath = await options.resolveBaseline?.(storeDir, against, collected.path);
    if (baselinePath) baseline = await readSnapshot(baselinePath);
    else log.warn(`no ${against} baseline found in ${storeDir}; drift is not computed this run`);
  }

  const document = analyzeWithBaseline(snapshot, { config, ...(baseline ? { baseline } : {}), ...(terraform ? { terraform } : {}), now: now() });
  const outDir = options.outDir ?? join(config.reports.dir, runStamp(new Date(collected.header.takenAt)));
  const formats = options.formats ?? (config.reports.formats as ReportFormat[]);
  const findingsPath = join(outDir, FINDINGS_FILE_NAME);
  // The findings file is always written: drift, suppressions review and `sgaudit report` start from it.
  const reportPaths = [...(await writeReports(document, { outDir, baseName: 'findings', formats })), findingsPath];
  await writeFindingsFile(findingsPath, document);

  await applyRetention(config, storeDir, baselinePath ? [baselinePath, collected.path] : [collected.path]);

  let exitCode: number = EXIT.OK;
  const failReason = options.failOn ? failOnReason(document, options.failOn) : undefined;
  if (failReason) {
    exitCode = EXIT.FINDINGS;
    log.info(failReason);
  }
  if (options.failOnDrift && driftTriggers(document, options.failOnDrift)) {
    exitCode = EXIT.FINDINGS;
    log.info(`exit 1: drift triggers --fail-on-drift ${options.failOnDrift}`);
  }
  // A run that collected nothing fails whatever --strict says: a broken nightly job must not stay green.
  if ((options.strict && incomplete.length > 0) || verdict === 'failed') exitCode = EXIT.RUNTIME;
  return {
    snapshotPath: storedPath,
    findingsPath,
    reportPaths,
    document,
    exitCode,
    incomplete: incomplete.length,
    coverage: verdict,
    ...(baselinePath ? { baselinePath } : {}),
  };
}

/** Snapshot retention (store.keep / store.maxAgeDays) and report-directory retention (reports.keep). */
async function applyRetention(config: ResolvedConfig, storeDir: string, keepPaths: string[]): Promise<void> {
  if (config.store.keep !== undefined || config.store.maxAgeDays !== undefined) {
    const removed = await openStore(storeDir).prune({ keep: config.store.keep, maxAgeDays: config.store.maxAgeDays }, { keepPaths });
    if (removed.length) log.verbose(`retention: deleted ${removed.length} old snapshot(s)`);
  }
  if (config.reports.keep !== undefined) {
    let runs: string[];
    try {
      runs = (await readdir(config.reports.dir)).filter((name) => /^\d{8}T\d{6}Z$/.test(name)).sort();
    } catch {
      return;
    }
    for (const name of runs.slice(0, Math.max(0, runs.length - config.reports.keep))) {
      const path = join(config.reports.dir, name);
      if ((await stat(path)).isDirectory()) await rm(path, { recursive: true, force: true });
    }
  }
}
