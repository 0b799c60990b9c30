import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { formatScanSummary } from '../pipeline/summary.js';
import { log } from '../util/log.js';
import { createProgress } from '../util/progress.js';
import { addScanOptions, scanOptionsFromFlags, type ScanFlags } from './scan-flags.js';

export function register(program: Command): void {
  addScanOptions(
    program
      .command('scan')
      .description('collect, store the snapshot, analyze (against a baseline when configured) and write reports: the nightly job'),
    'directory for the reports of this run (default: <reports.dir>/<timestamp>/)',
  )
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  sgaudit scan --regions cn-hangzhou,ap-southeast-1 --format html,md,sarif --fail-on high',
        '  sgaudit scan --config /etc/sgaudit.yaml --against previous --fail-on-drift new-exposure --strict',
        '  sgaudit scan --against approved --out reports/review     # drift since `sgaudit baseline approve`',
        '  sgaudit scan --endpoint http://127.0.0.1:8080             # against `sgaudit emulator`',
        '  sgaudit scan --discover --accounts "prod*" --strict        # the Resource Directory members named prod…',
      ].join('\n'),
    )
    .action(async (flags: ScanFlags) => {
      const options = await scanOptionsFromFlags(flags, await loadConfig(flags.config));
      // Loaded here, not at start-up: the collector brings the Alibaba Cloud SDKs (~0.8 s of module loading).
      const { runScan } = await import('../pipeline/scan.js');
      const result = await runScan({
        ...options,
        ...(flags.out ? { outDir: flags.out } : {}),
        progress: createProgress('collect'),
      });
      log.info(formatScanSummary(result.document));
      process.stdout.write(`${result.snapshotPath}\n${result.reportPaths.join('\n')}\n`);
      process.exitCode = result.exitCode;
    });
}
