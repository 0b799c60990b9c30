import type { Command } from 'commander';
import { loadConfig, parseConfigText } from '../config/load.js';
import { formatScanSummary } from '../pipeline/summary.js';
import { log } from '../util/log.js';
import { createProgress } from '../util/progress.js';
import { deprecatedAlias } from './flags.js';

export function register(program: Command): void {
  const command = program
    .command('demo')
    .description('start the emulator on the built-in sample estate and run a full scan (no cloud account needed)')
    .option('--out <dir>', 'directory for the demo: its snapshot store (<dir>/snapshots/) and reports (<dir>/reports/<timestamp>/)', 'sgaudit-demo')
    .option('--config <file>', 'sgaudit.yaml to apply (suppressions, thresholds); default: built-in defaults, not ./sgaudit.yaml')
    .addHelpText('after', '\nExamples:\n  sgaudit demo\n  sgaudit demo --out /tmp/demo && xdg-open /tmp/demo/reports/*/findings.html');
  deprecatedAlias(command, '--dir <dir>', '--out');
  command.action(async (flags: { out: string; config?: string }) => {
    // The demo ignores ./sgaudit.yaml unless asked: its accounts/endpoint would point at a real cloud.
    const config = flags.config ? await loadConfig(flags.config) : parseConfigText('', undefined);
    log.info('starting the Alibaba Cloud API emulator on the built-in sample estate (2 accounts, 2 regions)…');
    // Loaded here, not at start-up: the collector brings the Alibaba Cloud SDKs (~0.8 s of module loading).
    const { runDemo } = await import('../pipeline/demo.js');
    const result = await runDemo({ config, dir: flags.out, progress: createProgress('collect') });
    log.info(formatScanSummary(result.document));
    log.info(`snapshot: ${result.snapshotPath}`);
    for (const path of result.reportPaths) log.info(`report:   ${path}`);
    process.stdout.write(`${result.htmlPath}\n`);
  });
}
