import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import cron from 'node-cron';
import { SgauditError } from '../model/errors.js';
import { log } from '../util/log.js';

/** What one scheduled run reports back; it becomes one line of the run log. */
export interface RunOutcome {
  exitCode: number;
  /** `failed` when the run collected nothing, could not finish, or exited 3 (--strict): the run log and notification say so. */
  status?: 'succeeded' | 'failed';
  snapshotPath?: string;
  reportPaths?: string[];
  counts?: Record<string, number>;
  coverage?: { status: string; incomplete: number };
  error?: string;
}

export type ScheduledRun = (signal: AbortSignal) => Promise<RunOutcome>;

export interface SchedulerOptions {
  cron: string;
  timezone?: string;
  run: ScheduledRun;
  /** JSON Lines file: one line per run start/end/skip. */
  runLogPath?: string;
  /** How long a stop waits for the current run before aborting it. */
  graceMs?: number;
  /** Called after every finished run (retention of snapshots and reports). */
  afterRun?: (outcome: RunOutcome) => Promise<void>;
}

export interface Scheduler {
  /** Stop taking new runs; let the current one finish within the grace period, else abort it. */
  stop(reason?: string): Promise<void>;
  /** Resolves once stopped and the last run has unwound. */
  readonly stopped: Promise<void>;
  runs(): number;
  skipped(): number;
}

export function validateCron(expression: string): void {
  const result = cron.validateDetailed(expression);
  if (!result.valid) {
    const problems = result.errors.map((e) => `${e.field}${e.value === undefined ? '' : ` "${e.value}"`}: ${e.message}`).join('; ');
    throw new SgauditError('USAGE', `invalid cron expression "${expression}": ${problems || 'not a cron pattern'}`);
  }
}

async function appendRunLog(path: string | undefined, entry: Record<string, unknown>): Promise<void> {
  if (!path) return;
  await mkdir(dirname(path), { recursive: true });
  // One short line per append: O_APPEND keeps concurrent writers from interleaving lines.
  await appendFile(path, `${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);
}

/**
 * Runs `run` on a cron schedule with no overlapping runs: a tick that comes while a run is still
 * going is skipped and logged, never queued (a queue behind a slow scan only grows).
 */
export function startScheduler(options: SchedulerOptions): Scheduler {
  validateCron(options.cron);
  const graceMs = options.graceMs ?? 30_000;
  let current: { promise: Promise<void>; controller: AbortController; startedAt: number } | undefined;
  let stopping = false;
  let runCount = 0;
  let skipCount = 0;
  let resolveStopped: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => {
    resolveStopped = resolve;
  });

  const execute = async (controller: AbortController): Promise<void> => {
    const startedAt = Date.now();
    runCount++;
    const runNumber = runCount;
    await appendRunLog(options.runLogPath, { event: 'start', run: runNumber });
    log.info(`scheduled run ${runNumber} started`);
    let outcome: RunOutcome;
    try {
      outcome = await options.run(controller.signal);
    } catch (error) {
      outcome = { exitCode: 3, status: 'failed', error: error instanceof Error ? error.message : String(error) };
    }
    if (controller.signal.aborted && !outcome.error) outcome = { ...outcome, error: 'aborted at shutdown' };
    const durationMs = Date.now() - startedAt;
    await appendRunLog(options.runLogPath, { event: 'end', run: runNumber, durationMs, ...outcome });
    log.info(`scheduled run ${runNumber} finished with exit ${outcome.exitCode} in ${(durationMs / 1000).toFixed(1)}s${outcome.error ? `: ${outcome.error}` : ''}`);
    if (options.afterRun && !controller.signal.aborted) {
      try {
        await options.afterRun(outcome);
      } catch (error) {
        log.warn(`after-run housekeeping failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  };

  const tick = () => {
    if (stopping) return;
    if (current) {
      skipCount++;
      const runningForMs = Date.now() - current.startedAt;
      log.warn(`skipping scheduled run: the previous run is still going after ${(runningForMs / 1000).toFixed(1)}s`);
      void appendRunLog(options.runLogPath, { event: 'skip', reason: 'overlap', runningForMs });
      return;
    }
    const controller = new AbortController();
    const entry = { controller, startedAt: Date.now(), promise: Promise.resolve() };
    current = entry;
    entry.promise = execute(controller).finally(() => {
      current = undefined;
    });
  };

  const task = cron.schedule(options.cron, tick, { timezone: options.timezone, name: 'sgaudit-scan', noOverlap: false });

  return {
    stopped,
    runs: () => runCount,
    skipped: () => skipCount,
    async stop(reason = 'stop requested') {
      if (stopping) return stopped;
      stopping = true;
      await task.stop();
      await task.destroy();
      const running = current;
      if (running) {
        log.info(`${reason}: waiting up to ${Math.round(graceMs / 1000)}s for the current run to finish`);
        const finishedInTime = await Promise.race([running.promise.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), graceMs).unref())]);
        if (!finishedInTime) {
          log.warn('grace period over: aborting the current run');
          running.controller.abort(new SgauditError('RUNTIME', 'aborted at shutdown'));
          await running.promise;
        }
      }
      resolveStopped();
      return stopped;
    },
  };
}
