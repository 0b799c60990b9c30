import type { Command } from 'commander';
import { SgauditError } from '../model/errors.js';
import { exportSnapshotJson, readSnapshot } from '../model/snapshot-file.js';
import { DEFAULT_STORE_DIR, openLocalStore } from '../store/index.js';
import { formatSnapshotTable } from '../store/describe.js';
import { log } from '../util/log.js';
import { wholeNumber } from './parse.js';

export function register(program: Command): void {
  const snapshots = program.command('snapshots').description('list and prune stored snapshots');

  snapshots
    .command('list')
    .description('list snapshots in the store with time, scope, coverage and size')
    .option('--dir <dir>', 'snapshot store directory', DEFAULT_STORE_DIR)
    .option('--format <format>', 'text | json', 'text')
    .addHelpText('after', '\nExamples:\n  sgaudit snapshots list\n  sgaudit snapshots list --dir /var/lib/sgaudit/snapshots --format json')
    .action(async (options: { dir: string; format: string }) => {
      const { snapshots: found, problems } = await openLocalStore(options.dir).list();
      for (const problem of problems) log.warn(`skipping unreadable file ${problem.message}`);
      if (options.format === 'json') {
        process.stdout.write(`${JSON.stringify(found.map((s) => ({ path: s.path, bytes: s.bytes, ...s.header })), null, 2)}\n`);
      } else if (found.length === 0) {
        log.info(`no snapshots in ${options.dir}`);
      } else {
        process.stdout.write(`${formatSnapshotTable(found)}\n`);
      }
    });

  snapshots
    .command('export')
    .description('write a snapshot as one nested JSON document (for small snapshots and other tools)')
    .argument('<snapshot>', 'snapshot file (.jsonl.gz)')
    .option('--out <file>', 'write here (atomically) instead of stdout')
    .addHelpText('after', '\nExamples:\n  sgaudit snapshots export snapshots/20261125T020000Z-1a2b3c4d.jsonl.gz --out snapshot.json\n  sgaudit snapshots export snap.jsonl.gz | jq ".accounts[].regions[].securityGroups | length"')
    .action(async (snapshotPath: string, options: { out?: string }) => {
      const snapshot = await readSnapshot(snapshotPath);
      if (options.out) {
        if (!options.out.endsWith('.json')) throw new SgauditError('USAGE', `--out: the nested export is JSON; name it *.json, got "${options.out}"`);
        await exportSnapshotJson(options.out, snapshot);
        log.info(`exported ${snapshotPath} to ${options.out}`);
      } else {
        process.stdout.write(`${JSON.stringify(snapshot, null, 2)}\n`);
      }
    });

  snapshots
    .command('prune')
    .description('delete old snapshots by count and/or age (at least one of --keep, --max-age-days)')
    .option('--dir <dir>', 'snapshot store directory', DEFAULT_STORE_DIR)
    .option('--keep <n>', 'keep the newest N snapshots', wholeNumber('--keep', 0))
    .option('--max-age-days <days>', 'delete snapshots older than this', wholeNumber('--max-age-days', 0))
    .option('--dry-run', 'only print what would be deleted')
    .addHelpText('after', '\nExamples:\n  sgaudit snapshots prune --keep 30\n  sgaudit snapshots prune --max-age-days 90 --dry-run')
    .action(async (options: { dir: string; keep?: number; maxAgeDays?: number; dryRun?: boolean }) => {
      if (options.keep === undefined && options.maxAgeDays === undefined) {
        throw new SgauditError('USAGE', 'snapshots prune needs --keep N and/or --max-age-days D');
      }
      const removed = await openLocalStore(options.dir).prune({ keep: options.keep, maxAgeDays: options.maxAgeDays }, { dryRun: options.dryRun });
      for (const snapshot of removed) process.stdout.write(`${options.dryRun ? 'would delete' : 'deleted'} ${snapshot.path}\n`);
      log.info(`${removed.length} snapshot(s) ${options.dryRun ? 'would be ' : ''}deleted`);
    });
}
