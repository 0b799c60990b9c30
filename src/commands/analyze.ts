import type { Command } from 'commander';
import { readTerraformState } from '../analyze/drift/terraform.js';
import { failOnReason } from '../analyze/engine.js';
import { analyzeWithBaseline } from '../pipeline/analyze.js';
import { loadConfig, type ResolvedConfig } from '../config/load.js';
import { EXIT, SgauditError } from '../model/errors.js';
import type { FindingsDocument, Severity } from '../model/findings.js';
import { readSnapshot } from '../model/snapshot-file.js';
import type { Snapshot } from '../model/snapshot.js';
import { renderJsonPieces } from '../report/json.js';
import { writeFindingsFile } from '../report/write-findings.js';
import { resolveBaseline } from '../store/baseline.js';
import { writeChunks } from '../util/atomic-write.js';
import { coverageHeadline } from '../model/coverage.js';
import { formatTopRootCauses } from '../pipeline/summary.js';
import { log } from '../util/log.js';
import { accountsOption, narrowToAccounts } from './accounts-flag.js';
import { deprecatedAlias, option, type Against } from './flags.js';
import { snapshotArgument } from './inputs.js';
import { terminalSafeJson } from '../util/terminal-safe.js';

interface AnalyzeFlags {
  config?: string;
  against?: Against;
  store?: string;
  terraformState?: string;
  format: string;
  output?: string;
  failOn?: Severity;
  accounts?: string[];
  strict?: boolean;
}

function* mapPieces(pieces: Iterable<string>, map: (piece: string) => string): Iterable<string> {
  for (const piece of pieces) yield map(piece);
}

/** `3 findings (1 critical, 2 low), 1 suppressed` — for stderr. */
function summaryLine(document: FindingsDocument): string {
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

/** The baseline snapshot `--against` names, if any; approved/previous are looked up in the store. */
async function baselineFor(against: Against | undefined, storeDir: string, snapshotPath: string): Promise<Snapshot | undefined> {
  if (against === undefined || against === 'none') return undefined;
  if (typeof against === 'object') return readSnapshot(await snapshotArgument(against.file));
  const path = await resolveBaseline(storeDir, against, snapshotPath);
  if (!path) {
    log.warn(`no ${against} baseline in ${storeDir}; drift is not computed`);
    return undefined;
  }
  log.info(`comparing with the ${against} snapshot: ${path}`);
  return readSnapshot(path);
}

/** Reads one snapshot (and the baselines the flags name) and analyzes it, timing each phase for --verbose. */
async function analyzeFile(snapshotPath: string, flags: AnalyzeFlags, config: ResolvedConfig): Promise<FindingsDocument> {
  let started = performance.now();
  const snapshot = await readSnapshot(snapshotPath);
  log.verbose(`read ${snapshotPath} in ${seconds(performance.now() - started)}`);
  const baseline = await baselineFor(flags.against, flags.store ?? config.store.dir, snapshotPath);
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
  return document;
}

export function register(program: Command): void {
  const command = program
    .command('analyze')
    .description('turn a snapshot into findings: a findings file (sgaudit/findings@2) with -o, else the findings document as JSON on stdout')
    .argument('<snapshot>', 'snapshot file (.jsonl.gz, or nested .json), or a store directory for its newest snapshot')
    .addOption(option.config())
    .addOption(option.against('none'))
    .addOption(option.store())
    .option('--terraform-state <file>', 'Terraform state to compare against (default: baseline.terraformState from the config)')
    .option('--format <format>', 'output format (json)', 'json')
    .addOption(option.output('the findings'))
    .addOption(option.failOn())
    .addOption(accountsOption())
    .option('--strict', 'exit 3 when any account/region/API was not collected completely (a merged snapshot with a missing shard, say)')
    .addHelpText(
      'after',
      [
        '',
        'With -o the findings are written as a findings file, sgaudit/findings@2: gzip-compressed JSON',
        'Lines, each evidence rule once, compact enough for the largest estates; `sgaudit report` reads it.',
        'Without -o the same findings are printed as one indented JSON document (the sgaudit/findings@1',
        'shape, as `report --format json` writes it): for reading and for jq.',
        '',
        'Examples:',
        '  sgaudit analyze snapshots/ -o findings.jsonl.gz --fail-on high     # the newest snapshot of the store',
        '  sgaudit analyze snapshots/20261125T020000Z-5e6f7a8b.jsonl.gz --against previous -o findings.jsonl.gz',
        '  sgaudit analyze snapshots/ --config sgaudit.yaml | jq .summary',
      ].join('\n'),
    );
  deprecatedAlias(command, '--out <file>', '--output');
  deprecatedAlias(command, '--baseline <snapshot>', '--against');
  command.action(async (snapshotArg: string, flags: AnalyzeFlags) => {
    if (flags.format !== 'json') throw new SgauditError('USAGE', `--format must be json, got "${flags.format}"`, { hint: 'render other formats with `sgaudit report`' });
    const config = await loadConfig(flags.config);
    const document = narrowToAccounts(await analyzeFile(await snapshotArgument(snapshotArg), flags, config), flags.accounts);
    // A snapshot that is missing data says so before anything else (see `scan`).
    const headline = coverageHeadline(document.coverage);
    if (headline) log.warn(headline);
    if (flags.output) {
      await writeFindingsFile(flags.output, document);
      log.info(`${summaryLine(document)}; findings written to ${flags.output}`);
      for (const line of formatTopRootCauses(document)) log.info(line);
    } else {
      // Names and descriptions from the cloud: what JSON leaves raw (DEL, C1, bidi controls) is escaped too.
      await writeChunks(process.stdout, mapPieces(renderJsonPieces(document), terminalSafeJson));
      log.info(summaryLine(document));
      for (const line of formatTopRootCauses(document)) log.info(line);
    }
    const failReason = flags.failOn ? failOnReason(document, flags.failOn) : undefined;
    if (failReason) {
      log.info(failReason);
      process.exitCode = EXIT.FINDINGS;
    }
    // As in `scan`: incomplete data outranks findings, since the findings are not all there.
    if (flags.strict && headline) {
      log.error('collection incomplete (--strict): the snapshot does not cover every account/region/API; see the coverage in the findings');
      process.exitCode = EXIT.RUNTIME;
    }
  });
}
