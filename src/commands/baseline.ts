import type { Command } from 'commander';
import { DEFAULT_STORE_DIR } from '../store/index.js';
import { approveBaseline, readApprovedBaseline } from '../store/baseline.js';
import { log } from '../util/log.js';

export function register(program: Command): void {
  const baseline = program.command('baseline').description('approve a snapshot as the drift baseline, or show the approved one');

  baseline
    .command('approve')
    .description('copy SNAPSHOT into <dir>/baselines/ and record it as the approved baseline (who, when, why)')
    .argument('<snapshot>', 'the snapshot to approve')
    .option('--note <text>', 'why this state is approved (change ticket, review)', '')
    .option('--dir <dir>', 'snapshot store directory', DEFAULT_STORE_DIR)
    .addHelpText('after', '\nExamples:\n  sgaudit baseline approve snapshots/20261125T020000Z-5e6f7a8b.jsonl.gz --note "CHG-1234 reviewed"\n  sgaudit scan --baseline approved')
    .action(async (snapshotPath: string, flags: { note: string; dir: string }) => {
      const approved = await approveBaseline(flags.dir, snapshotPath, { note: flags.note });
      process.stdout.write(`${approved.absolutePath}\n`);
      log.info(`approved snapshot ${approved.snapshotId} (taken ${approved.takenAt}) as the baseline, by ${approved.approvedBy}`);
    });

  baseline
    .command('show')
    .description('show the approved baseline of a store')
    .option('--dir <dir>', 'snapshot store directory', DEFAULT_STORE_DIR)
    .option('--format <format>', 'text | json', 'text')
    .addHelpText('after', '\nExamples:\n  sgaudit baseline show\n  sgaudit baseline show --dir /var/lib/sgaudit/snapshots --format json')
    .action(async (flags: { dir: string; format: string }) => {
      const approved = await readApprovedBaseline(flags.dir);
      if (!approved) {
        log.info(`no approved baseline in ${flags.dir} (approve one with: sgaudit baseline approve SNAPSHOT)`);
        return;
      }
      if (flags.format === 'json') {
        process.stdout.write(`${JSON.stringify(approved, null, 2)}\n`);
        return;
      }
      const rows: [string, string][] = [
        ['snapshot', approved.snapshotId],
        ['file', approved.absolutePath],
        ['taken at', approved.takenAt],
        ['approved at', approved.approvedAt],
        ['approved by', approved.approvedBy],
        ['note', approved.note || '-'],
      ];
      process.stdout.write(`${rows.map(([key, value]) => `${key.padEnd(12)} ${value}`).join('\n')}\n`);
    });
}
