import type { Command } from 'commander';
import { closest, loadConfig } from '../config/load.js';
import { SgauditError } from '../model/errors.js';
import { startScheduler, validateCron } from '../schedule/scheduler.js';
import { log } from '../util/log.js';
import { addScanOptions, scanOptionsFromFlags, type ScanFlags } from './scan-flags.js';

interface ScheduleFlags extends ScanFlags {
  cron?: string;
  timezone?: string;
  once?: boolean;
  runLog?: string;
  graceSeconds: number;
}

function graceFlag(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new SgauditError('USAGE', `--grace-seconds must be a number ≥ 0, got "${value}"`);
  return parsed;
}

/** An IANA zone Intl knows; checked when parsed, since node-cron would only fail once the scheduler starts. */
function timeZoneFlag(value: string): string {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return value;
  } catch {
    const suggestion = closest(value, Intl.supportedValuesOf('timeZone'));
    throw new SgauditError('USAGE', `--timezone: unknown time zone "${value}" (${suggestion ? `did you mean ${suggestion}?` : 'expected an IANA name like Asia/Shanghai'})`);
  }
}

export function register(program: Command): void {
  addScanOptions(
    program
      .command('schedule')
      .description('run `scan` on a cron schedule (no overlapping runs, retention after each run, run log, clean stop on SIGTERM)')
      .option('--cron <expression>', 'cron expression, e.g. "0 2 * * *" (default: schedule.cron from the config)')
      .option('--timezone <tz>', 'IANA time zone for the cron expression, e.g. Asia/Shanghai (default: schedule.timezone from the config, else local time)', timeZoneFlag)
      .option('--once', 'run one scan now and exit with its exit code (for systemd timers, Kubernetes CronJobs, cron)')
      .option('--run-log <file>', 'JSON Lines run log (default: <reports dir>/runs.jsonl)')
      .option('--grace-seconds <s>', 'on SIGTERM/SIGINT, how long the current run may finish before it is aborted', graceFlag, 300),
    'reports directory: each run writes <dir>/<timestamp>/ (default: reports.dir from the config, else reports/)',
  )
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  sgaudit schedule --cron "0 2 * * *" --timezone Asia/Shanghai --config /etc/sgaudit.yaml',
        '  sgaudit schedule --once --fail-on high     # one run, e.g. from a Kubernetes CronJob',
      ].join('\n'),
    )
    .action(async (flags: ScheduleFlags) => {
      const loaded = await loadConfig(flags.config);
      // Loaded here, not at start-up: the collector brings the Alibaba Cloud SDKs (~0.8 s of module loading).
      const { defaultRunLogPath, scheduledScan } = await import('../pipeline/scheduled-scan.js');
      const config = flags.out ? { ...loaded, reports: { ...loaded.reports, dir: flags.out } } : loaded;
      const cron = flags.cron ?? config.schedule?.cron;
      const timezone = flags.timezone ?? config.schedule?.timezone;
      if (!flags.once && !cron) throw new SgauditError('USAGE', 'schedule needs --cron "<expression>" (or schedule.cron in the config), or --once');
      if (cron) validateCron(cron);
      const run = scheduledScan(await scanOptionsFromFlags(flags, config));
      if (flags.once) {
        const outcome = await run(new AbortController().signal);
        process.exitCode = outcome.exitCode;
        return;
      }
      const scheduler = startScheduler({
        cron: cron as string,
        ...(timezone ? { timezone } : {}),
        run,
        runLogPath: flags.runLog ?? defaultRunLogPath(config),
        graceMs: flags.graceSeconds * 1000,
      });
      log.info(`scheduled: "${cron}"${timezone ? ` (${timezone})` : ''}; stop with SIGTERM or Ctrl-C`);
      const stop = (signal: string) => {
        log.info(`${signal} received: no new runs will start`);
        void scheduler.stop(signal);
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
      await scheduler.stopped;
      log.info(`stopped after ${scheduler.runs()} run(s), ${scheduler.skipped()} skipped tick(s)`);
    });
}
