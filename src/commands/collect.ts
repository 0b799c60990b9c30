import type { Command } from 'commander';
import type { CollectOptions } from '../collect/index.js';
import { EXIT } from '../model/errors.js';
import { deprecatedAlias, option } from './flags.js';
import { addCollectionOptions, collectionFromFlags } from './scan-flags.js';
import { wholeNumber } from './parse.js';
import { openStore } from '../store/index.js';
import { removeStaleTempFiles, storeTempDirs } from '../store/stale-temp.js';
import { loadConfig, parseConfigText, type ResolvedConfig } from '../config/load.js';
import { collectOptionsFromConfig } from '../pipeline/collect-options.js';
import { log } from '../util/log.js';
import { createProgress } from '../util/progress.js';
import { resolveShard } from '../collect/shard.js';

interface CollectFlags {
  config?: string;
  endpoint?: string;
  regions?: string[];
  accounts?: string[];
  roleName?: string;
  discover?: boolean;
  store?: string;
  strict?: boolean;
  concurrency?: number;
  maxAttempts?: number;
  readTimeout?: number;
  shard?: string;
  shardCount?: string;
}

/** Config (accounts, regions, endpoint, collect.*) with flags taking precedence. */
function collectOptionsFromFlags(flags: CollectFlags, loaded: ResolvedConfig = parseConfigText('', undefined)): CollectOptions {
  const { config, accounts } = collectionFromFlags(flags, loaded);
  const fromConfig = collectOptionsFromConfig(config, {
    ...(flags.endpoint ? { endpoint: flags.endpoint } : {}),
    ...(flags.regions?.length ? { regions: flags.regions } : {}),
    ...(accounts ? { accounts } : {}),
  });
  return {
    ...fromConfig,
    ...(flags.concurrency ? { concurrency: { ...fromConfig.concurrency, perApi: flags.concurrency } } : {}),
    ...(flags.maxAttempts ? { retry: { ...fromConfig.retry, maxAttempts: flags.maxAttempts } } : {}),
    ...(flags.readTimeout ? { timeouts: { ...fromConfig.timeouts, readMs: flags.readTimeout * 1000 } } : {}),
  };
}

export function register(program: Command): void {
  const command = program
    .command('collect')
    .description('take a snapshot of security groups, instances, ENIs, EIPs and prefix lists into the store (credentials from the Alibaba Cloud default chain)')
    .addOption(option.config())
    .addOption(option.store());
  addCollectionOptions(command)
    .option('--concurrency <n>', 'requests in flight per API and region (default 8)', wholeNumber('--concurrency', 1))
    .option('--max-attempts <n>', 'attempts per request including retries (default 8)', wholeNumber('--max-attempts', 1))
    .option('--read-timeout <seconds>', 'read timeout per request (default 30)', wholeNumber('--read-timeout', 1))
    .option('--shard <i/n>', 'collect only shard i of n (from 0) of the account × region units; merge the shards with `sgaudit merge` (docs/fleet.md)')
    .option('--shard-count <n>', 'the shard count when the shard index comes from JOB_COMPLETION_INDEX (a Kubernetes Indexed Job); default SGAUDIT_SHARD_COUNT')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  sgaudit collect --regions cn-hangzhou,ap-southeast-1',
        '  sgaudit collect --accounts 1234567890123456,6543210987654321 --role-name sgaudit-readonly --strict',
        '  sgaudit collect --discover --strict                    # every member of the Resource Directory (ResourceDirectoryAccountAccessRole)',
        '  sgaudit collect --endpoint http://127.0.0.1:8080 --store /tmp/snapshots',
        '  sgaudit collect --shard 0/2 --store shards/            # half of the account × region units; then `sgaudit merge shards/`',
      ].join('\n'),
    );
  deprecatedAlias(command, '--out <dir>', '--store');
  command.action(async (flags: CollectFlags) => {
    const config = await loadConfig(flags.config);
    const shard = resolveShard({ ...(flags.shard !== undefined ? { shard: flags.shard } : {}), ...(flags.shardCount !== undefined ? { shardCount: flags.shardCount } : {}), env: process.env });
    const options = { ...collectOptionsFromFlags(flags, config), ...(shard ? { shard } : {}) };
    if (shard) log.info(`collecting shard ${shard.index}/${shard.count} of the account × region units`);
    // Loaded here, not at start-up: the collector brings the Alibaba Cloud SDKs (~0.8 s of module loading).
    const { collectSnapshot, incompleteCoverage } = await import('../collect/index.js');
    const storeDir = flags.store ?? config.store.dir;
    const store = openStore(storeDir);
    // What an earlier run killed mid-write left behind (a snapshot-sized body file) goes first.
    await removeStaleTempFiles(storeTempDirs(storeDir));
    const progress = createProgress('collect');
    // Ctrl-C or a scheduler's SIGTERM stops paging and leaves no partial file behind.
    const controller = new AbortController();
    const stop = () => controller.abort(new Error('interrupted'));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    let result;
    try {
      result = await collectSnapshot({ ...options, progress, signal: controller.signal, out: (takenAt, id) => store.pathFor(takenAt, id) });
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
    // A directory has the file in place already; an object store uploads it, then makes it visible.
    process.stdout.write(`${await store.publish(result.path)}\n`);
    const incomplete = incompleteCoverage(result.header.coverage);
    if (incomplete.length > 0) {
      // collectSnapshot has already warned once per incomplete scope as it happened.
      log.warn(`coverage incomplete in ${incomplete.length} scope(s); the snapshot records them and reports will show them`);
      if (flags.strict) {
        log.error(`collection incomplete (--strict): ${incomplete.map((entry) => `${entry.accountId}/${entry.regionId}/${entry.api}`).slice(0, 10).join(', ')}${incomplete.length > 10 ? ', …' : ''}`);
        process.exitCode = EXIT.RUNTIME;
      }
    }
  });
}
