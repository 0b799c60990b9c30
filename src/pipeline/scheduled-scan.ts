import { join } from 'node:path';
import type { ResolvedConfig } from '../config/load.js';
import { notifyWebhook } from '../schedule/notify.js';
import type { RunOutcome, ScheduledRun } from '../schedule/scheduler.js';
import { EXIT } from '../model/errors.js';
import { log } from '../util/log.js';
import { runScan, type ScanOptions } from './scan.js';
import { formatScanSummary } from './summary.js';

/** Default run log: beside the reports, one JSON line per run start/end/skip. */
export function defaultRunLogPath(config: ResolvedConfig): string {
  return join(config.reports.dir, 'runs.jsonl');
}

/**
 * One scheduled scan: runScan, turned into the run-log outcome, followed by the optional
 * webhook. Errors become an outcome (exit 3) so one bad night does not stop the schedule.
 */
export function scheduledScan(options: Omit<ScanOptions, 'signal'>): ScheduledRun {
  return async (signal): Promise<RunOutcome> => {
    let outcome: RunOutcome;
    try {
      const result = await runScan({ ...options, signal });
      log.info(formatScanSummary(result.document));
      outcome = {
        exitCode: result.exitCode,
        status: result.exitCode === EXIT.RUNTIME ? 'failed' : 'succeeded',
        ...(result.coverage === 'failed' ? { error: 'nothing was collected: every scope failed or was denied' } : {}),
        snapshotPath: result.snapshotPath,
        reportPaths: result.reportPaths,
        counts: { total: result.document.summary.total, suppressed: result.document.summary.suppressed, ...result.document.summary.bySeverity },
        coverage: { status: result.coverage === 'partial' ? 'incomplete' : result.coverage, incomplete: result.incomplete },
      };
    } catch (error) {
      if (signal.aborted) throw error;
      outcome = { exitCode: EXIT.RUNTIME, status: 'failed', error: error instanceof Error ? error.message : String(error) };
      log.error(`scheduled scan failed: ${outcome.error}`);
    }
    const webhook = options.config.notify?.webhook;
    if (webhook) await notifyWebhook(webhook, { tool: 'sgaudit', event: 'scan-finished', ...outcome });
    return outcome;
  };
}
