import type { Command } from 'commander';
import { diffFiles, driftTriggers } from '../analyze/drift/load.js';
import { loadConfig } from '../config/load.js';
import { EXIT, SgauditError } from '../model/errors.js';
import { SEVERITIES, type FindingsDocument, type Severity } from '../model/findings.js';
import { isReportFormat, renderReport, REPORT_FORMATS } from '../report/index.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { log } from '../util/log.js';
import { deprecatedAlias, option } from './flags.js';
import { earlierSnapshotArgument, snapshotArgument } from './inputs.js';
import { terminalSafeJson, terminalSafeText } from '../util/terminal-safe.js';

interface DiffFlags {
  format: string;
  output?: string;
  matchRules: string;
  failOnDrift?: 'new-exposure' | 'any';
  terraform?: boolean;
  unmanagedGroups?: string;
  exposure: boolean;
  config?: string;
}

function summaryLine(document: FindingsDocument): string {
  const kinds = new Map<string, number>();
  for (const finding of document.findings) {
    const kind = String(finding.detail.extra?.kind ?? 'other');
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  const parts = [...kinds].sort(([a], [b]) => a.localeCompare(b)).map(([kind, count]) => `${count} ${kind}`);
  const notCompared = document.notCompared?.length ?? 0;
  return `drift ${document.baselineId ?? '?'} → ${document.snapshotId}: ${document.findings.length} change(s)${parts.length ? ` (${parts.join(', ')})` : ''}${notCompared ? `; ${notCompared} scope(s) not compared` : ''}`;
}

export function register(program: Command): void {
  const command = program
    .command('diff')
    .description('compare two snapshots (or Terraform state and a snapshot): rules, groups, membership, public IPs, EIPs and new exposure')
    .argument('<old>', 'baseline: a snapshot (.jsonl.gz or .json), Terraform state (`terraform state pull > state.json`), or a store directory for its newest snapshot taken before NEW')
    .argument('<new>', 'current snapshot, or a store directory for its newest snapshot')
    .addOption(option.config())
    .option('--format <format>', `report format: ${REPORT_FORMATS.join(', ')}`, 'md')
    .addOption(option.output('the report'))
    .option('--match-rules <by>', 'id: a rule re-created with a new id is removed + added; content: identical content is the same rule', 'id')
    .addOption(option.failOnDrift())
    .option('--terraform', 'read OLD as Terraform state (otherwise detected from its content)')
    .option('--unmanaged-groups <severity>', `Terraform only: severity of groups Terraform does not manage (${SEVERITIES.join(', ')}) or off`, 'info')
    .option('--no-exposure', 'skip exposure drift (structural changes only)')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  sgaudit diff snapshots/ snapshots/     # the newest snapshot against the one before it',
        '  sgaudit diff snapshots/20261101T020000Z-1a2b3c4d.jsonl.gz snapshots/20261125T020000Z-5e6f7a8b.jsonl.gz --format html -o drift.html --fail-on-drift new-exposure',
        '  terraform state pull > state.json && sgaudit diff state.json snapshots/ --format md',
      ].join('\n'),
    );
  deprecatedAlias(command, '--out <file>', '--output');
  command.action(async (oldArg: string, newArg: string, flags: DiffFlags) => {
    if (!isReportFormat(flags.format)) throw new SgauditError('USAGE', `--format: unknown report format "${flags.format}" (choose from ${REPORT_FORMATS.join(', ')})`);
    if (flags.matchRules !== 'id' && flags.matchRules !== 'content') throw new SgauditError('USAGE', `--match-rules must be id or content, got "${flags.matchRules}"`);
    const unmanaged = flags.unmanagedGroups ?? 'info';
    if (unmanaged !== 'off' && !(SEVERITIES as readonly string[]).includes(unmanaged)) {
      throw new SgauditError('USAGE', `--unmanaged-groups must be one of ${SEVERITIES.join(', ')} or off, got "${unmanaged}"`);
    }
    const config = await loadConfig(flags.config);
    const newPath = await snapshotArgument(newArg);
    const oldPath = await earlierSnapshotArgument(oldArg, newPath);
    const document = await diffFiles(oldPath, newPath, {
      matchRulesBy: flags.matchRules,
      exposure: flags.exposure,
      unmanagedGroups: unmanaged as Severity | 'off',
      ...(flags.terraform ? { terraform: true } : {}),
      config,
      onTiming: (phase, ms) => log.verbose(`${phase === 'read' ? 'read both snapshots' : 'computed the drift'} in ${(ms / 1000).toFixed(2)} s`),
    });
    const text = renderReport(flags.format, document);
    if (flags.output) {
      await writeFileAtomic(flags.output, text);
      log.info(`${summaryLine(document)}; ${flags.format} report written to ${flags.output}`);
    } else {
      // To a terminal or a pipe: what the snapshots hold must not act on the reader's terminal (files are written as rendered).
      const safe = flags.format === 'json' || flags.format === 'sarif' ? terminalSafeJson(text) : terminalSafeText(text);
      process.stdout.write(safe.endsWith('\n') ? safe : `${safe}\n`);
      log.info(summaryLine(document));
    }
    for (const scope of document.notCompared ?? []) log.warn(`not compared: ${scope.accountId}/${scope.regionId}: ${scope.reason}`);
    if (flags.failOnDrift && driftTriggers(document, flags.failOnDrift)) process.exitCode = EXIT.FINDINGS;
  });
}
