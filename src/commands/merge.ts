import type { Command } from 'commander';
import { SgauditError } from '../model/errors.js';
import { mergeShards } from '../pipeline/merge.js';
import { resolveShardInputs } from '../pipeline/merge-inputs.js';
import { openStore } from '../store/index.js';
import { log } from '../util/log.js';
import { option } from './flags.js';
import { storeDirectory } from './inputs.js';
import { wholeNumber } from './parse.js';

interface MergeFlags {
  config?: string;
  store?: string;
  output?: string;
  expectShards?: number;
}

/** --expect-shards, else SGAUDIT_SHARD_COUNT (what the collecting Indexed Job was given), else undefined. */
function expectedShards(flags: MergeFlags): number | undefined {
  if (flags.expectShards !== undefined) return flags.expectShards;
  const fromEnv = process.env.SGAUDIT_SHARD_COUNT?.trim();
  return fromEnv ? wholeNumber('SGAUDIT_SHARD_COUNT', 1)(fromEnv) : undefined;
}

export function register(program: Command): void {
  program
    .command('merge')
    .description('combine the shard snapshots of one sharded collection into one snapshot; a missing shard is recorded as not collected, never as removed')
    .argument('<shards...>', 'shard snapshot files, or a store directory or URL holding the shards of one run')
    .addOption(option.config())
    .addOption(option.store())
    .addOption(option.output('the merged snapshot'))
    .option('--expect-shards <n>', 'the shard count the run was started with, so shards that are missing entirely are noticed (default: SGAUDIT_SHARD_COUNT, else the count the shards record)', wholeNumber('--expect-shards', 1))
    .addHelpText(
      'after',
      [
        '',
        'Shards of one run are collected with `sgaudit collect --shard i/n` (or as a Kubernetes Indexed',
        'Job); give each run its own store directory or prefix. A shard index given twice keeps its',
        'newest snapshot. The merged snapshot goes to -o, else into the store, and its path is printed.',
        '',
        'Examples:',
        '  sgaudit merge shards/ --expect-shards 2 --store merged/',
        '  sgaudit analyze merged/ --strict -o findings.jsonl.gz      # exit 3 when a shard was missing',
      ].join('\n'),
    )
    .action(async (shardArgs: string[], flags: MergeFlags) => {
      if (flags.output && flags.store) throw new SgauditError('USAGE', 'give -o/--output (a file) or --store (a store), not both');
      const inputs = await resolveShardInputs(shardArgs);
      const expectShards = expectedShards(flags);
      const store = flags.output ? undefined : openStore(await storeDirectory(flags));
      const result = await mergeShards({
        shards: inputs,
        ...(expectShards !== undefined ? { expectShards } : {}),
        out: flags.output ?? ((takenAt, id) => (store as NonNullable<typeof store>).pathFor(takenAt, id)),
      });
      for (const old of result.superseded) log.warn(`${old.label}: shard ${old.header.shard?.index}/${old.header.shard?.count} was given again with a newer snapshot; this one is not merged`);
      const merged = result.header.merged;
      log.info(`merged ${merged?.shards.length ?? 0} of ${merged?.count ?? 0} shard(s), ${result.records} records`);
      if (result.missing.length > 0) {
        log.warn(`shard(s) ${result.missing.map((index) => `${index}/${merged?.count}`).join(', ')} missing: their regions are recorded as not collected (code ShardMissing); analysis reports them as incomplete`);
      }
      if (result.notCollected > 0) log.warn(`${result.notCollected} region(s) recorded as not collected`);
      process.stdout.write(`${store ? await store.publish(result.path) : result.path}\n`);
    });
}
