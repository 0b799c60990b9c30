import type { Command } from 'commander';
import { readTerraformState } from '../analyze/drift/terraform.js';
import { hasFindingsAtOrAbove } from '../analyze/engine.js';
import { analyzeWithBaseline } from '../pipeline/analyze.js';
import { loadConfig } from '../config/load.js';
import { EXIT, SgauditError } from '../model/errors.js';
import { Severity, type FindingsDocument } from '../model/findings.js';
import { readSnapshot } from '../model/snapshot-file.js';
import { renderJsonPieces } from '../report/json.js';
import { writeChunks, writeChunksAtomic } from '../util/atomic-write.js';
import { log } from '../util/log.js';

interface AnalyzeFlags {
  config?: string;
  baseline?: string;
  terraformState?: string;
  format: string;
  out?: string;
  failOn?: string;
}

export function parseSeverityFlag(flag: string, value: string): Severity {
  const parsed = Severity.safeParse(value.toLowerCase());
  if (!parsed.success) throw new SgauditError('USAGE', `${flag} must be one of ${Severity.options.join(', ')}, got "${value}"`);
  return parsed.data;
}

/** `3 findings (1 critical, 2 low), 1 suppressed` — for stderr. */
export function summaryLine(document: FindingsDocument): string {
  const { summary } = document;
  const open = summary.total - summary.suppressed;
  const parts = Object.entries(summary.bySeverity)
    .filter(([, count]) => count > 0)
    .map(([severity, count]) => `${count} ${severity}`);
  return `${open} finding${open === 1 ? '' : 's'}${parts.length ? ` (${parts.join(', ')})` : ''}${summary.suppressed ? `, ${summary.suppressed} suppressed` : ''}`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

/** The phases that took longest, for --verbose on large estates. */
function slowestPhases(phases: Map<string, number>): string {
  return [...phases]
    .sort(([, a], [, b]) => b - a)
    .slice(0, 5)
    .map(([phase, ms]) => `${phase} ${seconds(ms)}`)
    .join(', ');
}

export function register(program: Command): void {
  program
    .command('analyze')
    .description('turn a snapshot into a findings document (sgaudit/findings@1)')
    .argument('<snapshot>', 'snapshot file (.jsonl.gz, or nested .json)')
    .option('--config <file>', 'sgaudit.yaml (default: ./sgaudit.yaml, then $SGAUDIT_CONFIG)')
    .option('--baseline <snapshot>', 'an earlier snapshot for checks that compare (drift)')
    .option('--terraform-state <file>', 'Terraform state to compare against (default: baseline.terraformState from config)')
    .option('--format <format>', 'output format (json)', 'json')
    .option('--out <file>', 'write the findings here (atomically) instead of stdout')
    .option('--fail-on <severity>', 'exit 1 when an unsuppressed finding is at or above this severity')
    .addHelpText('after', '\nExamples:\n  sgaudit analyze snapshots/2025-06-01.jsonl.gz --out findings.json --fail-on high\n  sgaudit analyze snap.jsonl.gz --config sgaudit.yaml | jq .summary')
    .action(async (snapshotPath: string, flags: AnalyzeFlags) => {
      if (flags.format !== 'json') throw new SgauditError('USAGE', `--format must be json, got "${flags.format}"`, { hint: 'render other formats with `sgaudit report`' });
      const failOn = flags.failOn === undefined ? undefined : parseSeverityFlag('--fail-on', flags.failOn);
      const config = await loadConfig(flags.config);
      let started = performance.now();
      const snapshot = await readSnapshot(snapshotPath);
      log.verbose(`read ${snapshotPath} in ${seconds(performance.now() - started)}`);
      const baseline = flags.baseline === undefined ? undefined : await readSnapshot(flags.baseline);
      const terraformPath = flags.terraformState ?? config.baseline.terraformState;
      const terraform = terraformPath === undefined ? undefined : await readTerraformState(terraformPath);
      const phases = new Map<string, number>();
      started = performance.now();
      const document = analyzeWithBaseline(snapshot, {
        config,
        ...(baseline ? { baseline } : {}),
        ...(terraform ? { terraform } : {}),
        onTiming: (phase, ms) => phases.set(phase, (phases.get(phase) ?? 0) + ms),
      });
      log.verbose(`analyzed in ${seconds(performance.now() - started)}: ${slowestPhases(phases)}`);
      if (flags.out) {
        await writeChunksAtomic(flags.out, renderJsonPieces(document));
        log.info(`${summaryLine(document)}; findings written to ${flags.out}`);
      } else {
        await writeChunks(process.stdout, renderJsonPieces(document));
        log.info(summaryLine(document));
      }
      if (failOn && hasFindingsAtOrAbove(document, failOn)) process.exitCode = EXIT.FINDINGS;
    });
}
