import type { Command } from 'commander';
import { approveBaseline, readApprovedBaseline } from '../store/baseline.js';
import { removeStaleTempFiles, storeTempDirs } from '../store/stale-temp.js';
import { log } from '../util/log.js';
import { deprecatedAlias, option } from './flags.js';
import { snapshotArgument, storeDirectory } from './inputs.js';
import { terminalSafe, terminalSafeJson } from '../util/terminal-safe.js';

interface StoreFlags {
  config?: string;
  store?: string;
}

export function register(program: Command): void {
  const baseline = program
    .command('baseline')
    .description('approve a snapshot as the drift baseline, or show the approved one')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  sgaudit baseline approve snapshots/ --note "CHG-1234 reviewed"     # approve the newest snapshot',
        '  sgaudit baseline show',
        '  sgaudit scan --against approved --fail-on-drift new-exposure',
      ].join('\n'),
    );

  const approve = baseline
    .command('approve')
    .description('copy SNAPSHOT into <store>/baselines/ and record it as the approved baseline (who, when, why)')
    .argument('<snapshot>', 'the snapshot to approve, or a store directory for its newest snapshot')
    .option('--note <text>', 'why this state is approved (change ticket, review)', '')
    .addOption(option.store())
    .addOption(option.config())
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  sgaudit baseline approve snapshots/20261125T020000Z-5e6f7a8b.jsonl.gz --note "CHG-1234 reviewed"',
        '  sgaudit baseline approve snapshots/ --note "after the Q3 review"     # the newest snapshot',
        '  sgaudit scan --against approved',
      ].join('\n'),
    );
  deprecatedAlias(approve, '--dir <dir>', '--store');
  approve.action(async (snapshotArg: string, flags: StoreFlags & { note: string }) => {
    const storeDir = await storeDirectory(flags);
    await removeStaleTempFiles(storeTempDirs(storeDir));
    const approved = await approveBaseline(storeDir, await snapshotArgument(snapshotArg), { note: flags.note });
    process.stdout.write(`${approved.absolutePath}\n`);
    log.info(`approved snapshot ${approved.snapshotId} (taken ${approved.takenAt}) as the baseline, by ${approved.approvedBy}`);
  });

  const show = baseline
    .command('show')
    .description('show the approved baseline of a store')
    .addOption(option.store())
    .addOption(option.config())
    .addOption(option.textOrJson())
    .addHelpText('after', '\nExamples:\n  sgaudit baseline show\n  sgaudit baseline show --store /var/lib/sgaudit/snapshots --format json');
  deprecatedAlias(show, '--dir <dir>', '--store');
  show.action(async (flags: StoreFlags & { format: string }) => {
    const storeDir = await storeDirectory(flags);
    const approved = await readApprovedBaseline(storeDir);
    if (!approved) {
      log.info(`no approved baseline in ${storeDir} (approve one with: sgaudit baseline approve SNAPSHOT)`);
      return;
    }
    if (flags.format === 'json') {
      process.stdout.write(`${terminalSafeJson(JSON.stringify(approved, null, 2))}\n`);
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
    // The note is free text: one line, nothing in it acting on the terminal.
    process.stdout.write(`${rows.map(([key, value]) => `${key.padEnd(12)} ${terminalSafe(value)}`).join('\n')}\n`);
  });
}
