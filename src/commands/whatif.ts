import { Option, type Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { EXIT, SgauditError } from '../model/errors.js';
import type { Severity } from '../model/findings.js';
import { readSnapshot } from '../model/snapshot-file.js';
import { runWhatIf } from '../pipeline/whatif.js';
import { formatWhatIfMarkdown, formatWhatIfSarif, formatWhatIfText, type WhatIfReport } from '../report/whatif.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { log } from '../util/log.js';
import { terminalSafeData, terminalSafeJson, terminalSafeText } from '../util/terminal-safe.js';
import { option } from './flags.js';
import { snapshotArgument } from './inputs.js';

type WhatIfFormat = 'text' | 'json' | 'markdown' | 'sarif';

interface WhatIfFlags {
  change: string;
  failOn?: Severity;
  format: WhatIfFormat;
  output?: string;
  config?: string;
}

function formatFlag(value: string): WhatIfFormat {
  if (value === 'text' || value === 'json' || value === 'markdown' || value === 'sarif') return value;
  throw new SgauditError('USAGE', `--format must be text, json, markdown or sarif, got "${value}"`);
}

function rendered(report: WhatIfReport, format: WhatIfFormat): string {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  if (format === 'sarif') return formatWhatIfSarif(report);
  return format === 'markdown' ? formatWhatIfMarkdown(report) : formatWhatIfText(report);
}

export function register(program: Command): void {
  program
    .command('whatif')
    .description('apply a proposed change (a change file or a Terraform plan) in memory and show the findings it adds, re-ranks and removes; exit 1 when it adds any at or above --fail-on')
    .argument('<snapshot>', 'snapshot file, store directory or store URL (its newest snapshot)')
    .requiredOption('--change <file>', 'a change file (YAML or JSON, docs/whatif.md) or a Terraform plan in JSON (terraform show -json plan.out)')
    .addOption(option.failOn().default('high'))
    .addOption(new Option('--format <format>', 'text | json | markdown (a pull-request comment, ≤ 60 lines) | sarif').default('text').argParser(formatFlag))
    .addOption(option.output('the report'))
    .addOption(option.config())
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  sgaudit whatif snapshots/ --change changes.yaml',
        '  sgaudit whatif snapshots/ --change plan.json --format markdown   # plan.json: terraform show -json plan.out',
        '',
        'Exit codes: 0 nothing added or raised at or above --fail-on (default high), 1 something is, 2 bad input.',
      ].join('\n'),
    )
    .action(async (snapshotArg: string, flags: WhatIfFlags) => {
      const config = await loadConfig(flags.config);
      const failOn = flags.failOn ?? 'high';
      const snapshotPath = await snapshotArgument(snapshotArg);
      let started = performance.now();
      const before = await readSnapshot(snapshotPath);
      const loadMs = performance.now() - started;
      started = performance.now();
      const report = await runWhatIf(before, flags.change, { config, failOn });
      log.verbose(`loaded in ${(loadMs / 1000).toFixed(2)} s, answered in ${((performance.now() - started) / 1000).toFixed(2)} s (${report.delta.scope.interfaces} interfaces, ${report.delta.scope.groups} groups re-analysed)`);
      // Names and descriptions come from the cloud and the change file: nothing in them may act on the terminal.
      if (flags.output) await writeFileAtomic(flags.output, rendered(report, flags.format));
      else process.stdout.write(flags.format === 'json' || flags.format === 'sarif' ? terminalSafeJson(rendered(report, flags.format)) : terminalSafeText(rendered(terminalSafeData(report), flags.format)));
      if (report.failures.length > 0) {
        log.info(`${report.failures.length} finding${report.failures.length === 1 ? '' : 's'} added or raised at or above ${failOn}`);
        process.exitCode = EXIT.FINDINGS;
      }
    });
}
