import type { Command } from 'commander';
import { SgauditError } from '../model/errors.js';
import { exportSnapshotJson, readSnapshot } from '../model/snapshot-file.js';
import { openStore } from '../store/index.js';
import { formatSnapshotTable } from '../store/describe.js';
import { removeStaleTempFiles, storeTempDirs } from '../store/stale-temp.js';
import { log } from '../util/log.js';
import { deprecatedAlias, option } from './flags.js';
import { snapshotArgument, storeDirectory } from './inputs.js';
import { wholeNumber } from './parse.js';
import { terminalSafeJson, terminalSafeText } from '../util/terminal-safe.js';

interface StoreFlags {
  config?: string;
  store?: string;
}

export function register(program: Command): void {
  const snapshots = program
    .command('snapshots')
    .description('list, export and prune stored snapshots')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  sgaudit snapshots list',
        '  sgaudit snapshots export snapshots/ -o snapshot.json     # the newest snapshot as one JSON document',
        '  sgaudit snapshots prune --keep 30 --dry-run',
      ].join('\n'),
    );

  const list = snapshots
    .command('list')
    .description('list snapshots in the store with time, scope, coverage and size')
    .addOption(option.store())
    .addOption(option.config())
    .addOption(option.textOrJson())
    .addHelpText('after', '\nExamples:\n  sgaudit snapshots list\n  sgaudit snapshots list --store /var/lib/sgaudit/snapshots --format json');
  deprecatedAlias(list, '--dir <dir>', '--store');
  list.action(async (flags: StoreFlags & { format: string }) => {
    const storeDir = await storeDirectory(flags);
    const { snapshots: found, problems } = await openStore(storeDir).list();
    for (const problem of problems) log.warn(`skipping unreadable file ${problem.message}`);
    if (flags.format === 'json') {
      process.stdout.write(`${terminalSafeJson(JSON.stringify(found.map((s) => ({ path: s.path, bytes: s.bytes, ...s.header })), null, 2))}\n`);
    } else if (found.length === 0) {
      log.info(`no snapshots in ${storeDir}`);
    } else {
      process.stdout.write(`${terminalSafeText(formatSnapshotTable(found))}\n`);
    }
  });

  const exportCommand = snapshots
    .command('export')
    .description('write a snapshot as one nested JSON document (for small snapshots and other tools)')
    .argument('<snapshot>', 'snapshot file (.jsonl.gz), or a store directory for its newest snapshot')
    .addOption(option.output('the JSON'))
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  sgaudit snapshots export snapshots/20261125T020000Z-1a2b3c4d.jsonl.gz -o snapshot.json',
        '  sgaudit snapshots export snapshots/ | jq ".accounts[].regions[].securityGroups | length"',
      ].join('\n'),
    );
  deprecatedAlias(exportCommand, '--out <file>', '--output');
  exportCommand.action(async (snapshotArg: string, flags: { output?: string }) => {
    const snapshotPath = await snapshotArgument(snapshotArg);
    if (flags.output && !flags.output.endsWith('.json')) throw new SgauditError('USAGE', `--output: the nested export is JSON; name it *.json, got "${flags.output}"`);
    const snapshot = await readSnapshot(snapshotPath);
    if (flags.output) {
      await exportSnapshotJson(flags.output, snapshot);
      log.info(`exported ${snapshotPath} to ${flags.output}`);
    } else {
      process.stdout.write(`${terminalSafeJson(JSON.stringify(snapshot, null, 2))}\n`);
    }
  });

  const prune = snapshots
    .command('prune')
    .description('delete old snapshots by count and/or age (at least one of --keep, --max-age-days)')
    .addOption(option.store())
    .addOption(option.config())
    .option('--keep <n>', 'keep the newest N snapshots', wholeNumber('--keep', 0))
    .option('--max-age-days <days>', 'delete snapshots older than this', wholeNumber('--max-age-days', 0))
    .option('--dry-run', 'only print what would be deleted')
    .addHelpText('after', '\nExamples:\n  sgaudit snapshots prune --keep 30\n  sgaudit snapshots prune --max-age-days 90 --dry-run');
  deprecatedAlias(prune, '--dir <dir>', '--store');
  prune.action(async (flags: StoreFlags & { keep?: number; maxAgeDays?: number; dryRun?: boolean }) => {
    if (flags.keep === undefined && flags.maxAgeDays === undefined) {
      throw new SgauditError('USAGE', 'snapshots prune needs --keep N and/or --max-age-days D');
    }
    const storeDir = await storeDirectory(flags);
    await removeStaleTempFiles(storeTempDirs(storeDir), { dryRun: flags.dryRun });
    const removed = await openStore(storeDir).prune({ keep: flags.keep, maxAgeDays: flags.maxAgeDays }, { dryRun: flags.dryRun });
    for (const snapshot of removed) process.stdout.write(`${flags.dryRun ? 'would delete' : 'deleted'} ${snapshot.path}\n`);
    log.info(`${removed.length} snapshot(s) ${flags.dryRun ? 'would be ' : ''}deleted`);
  });
}
