import { createHash } from 'node:crypto';
import { SgauditError } from '../model/errors.js';

/**
 * Sharded collection (docs/fleet.md): the run's work is the (account × region) units, and shard i of
 * n collects the units whose rendezvous (highest-random-weight) hash is highest for i. Each unit's
 * owner depends only on the unit and n, never on the other units, so adding or removing an
 * account moves only that account's units, and any shard can tell which units another one owns.
 */

export interface ShardSpec {
  /** 0-based, as Kubernetes' JOB_COMPLETION_INDEX. */
  index: number;
  count: number;
}

/** Every unit's owner is computed against every shard index; this keeps that bounded and a typo (40000) visible. */
export const MAX_SHARDS = 1000;

/** The unit key hashed: `accountId/regionId`. */
export function unitKey(accountId: string, regionId: string): string {
  return `${accountId}/${regionId}`;
}

/** The shard index that owns a unit among `count` shards: the one whose weight sha256(index, key) is highest. */
export function shardOf(key: string, count: number): number {
  let owner = 0;
  let best: Buffer | undefined;
  for (let index = 0; index < count; index++) {
    const weight = createHash('sha256').update(`${index}\u0000${key}`).digest();
    if (best === undefined || Buffer.compare(weight, best) > 0) {
      owner = index;
      best = weight;
    }
  }
  return owner;
}

/** True when `shard` owns the unit (always, without sharding). */
export function ownsUnit(shard: ShardSpec | undefined, accountId: string, regionId: string): boolean {
  return shard === undefined || shardOf(unitKey(accountId, regionId), shard.count) === shard.index;
}

/** Where the shard settings may come from: the flags, and the environment of a Kubernetes Indexed Job. */
export interface ShardInputs {
  /** `--shard i/n`. */
  shard?: string;
  /** `--shard-count N`. */
  shardCount?: string;
  /** The process environment: JOB_COMPLETION_INDEX (set by Kubernetes), SGAUDIT_SHARD_COUNT. */
  env: Record<string, string | undefined>;
}

function wholeNumber(value: string, source: string, what: string): number {
  if (!/^\s*\d+\s*$/.test(value)) throw new SgauditError('USAGE', `${source}: ${what} must be a whole number, got "${value}"`);
  return Number(value);
}

function checkCount(count: number, source: string): number {
  if (count < 1 || count > MAX_SHARDS) throw new SgauditError('USAGE', `${source}: the shard count must be from 1 to ${MAX_SHARDS}, got ${count}`);
  return count;
}

function checkIndex(spec: ShardSpec, source: string): ShardSpec {
  if (spec.index >= spec.count) {
    throw new SgauditError('USAGE', `${source}: shard index ${spec.index} is not below the shard count ${spec.count}`, {
      hint: `shards count from 0, as JOB_COMPLETION_INDEX does: 0/${spec.count} … ${spec.count - 1}/${spec.count}`,
    });
  }
  return spec;
}

function present(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/**
 * The shard this process collects, or undefined for the whole run. `--shard i/n` wins; otherwise the
 * index is JOB_COMPLETION_INDEX and the count `--shard-count` or SGAUDIT_SHARD_COUNT (Kubernetes does
 * not export a Job's completions). Half a setting is an error, not a full collection: in an
 * Indexed Job every pod would otherwise collect everything.
 */
export function resolveShard(inputs: ShardInputs): ShardSpec | undefined {
  const flag = present(inputs.shard);
  const countFlag = present(inputs.shardCount);
  if (flag !== undefined) {
    if (countFlag !== undefined) throw new SgauditError('USAGE', '--shard i/n and --shard-count N both give the shard count: give one of them');
    const match = /^(\d+)\/(\d+)$/.exec(flag);
    if (!match) throw new SgauditError('USAGE', `--shard must be INDEX/COUNT, e.g. 0/4, got "${flag}"`);
    const count = checkCount(Number(match[2]), `--shard ${flag}`);
    return checkIndex({ index: Number(match[1]), count }, `--shard ${flag}`);
  }
  const envCount = present(inputs.env.SGAUDIT_SHARD_COUNT);
  const envIndex = present(inputs.env.JOB_COMPLETION_INDEX);
  const countSource = countFlag !== undefined ? `--shard-count ${countFlag}` : `SGAUDIT_SHARD_COUNT=${envCount}`;
  const countText = countFlag ?? envCount;
  if (countText === undefined && envIndex === undefined) return undefined;
  if (countText === undefined) {
    throw new SgauditError('USAGE', `JOB_COMPLETION_INDEX=${envIndex} is set (a Kubernetes Indexed Job) but no shard count is given`, {
      hint: 'give --shard-count N or set SGAUDIT_SHARD_COUNT to the Job\'s completions (Kubernetes does not export it), or --shard i/n',
    });
  }
  const count = checkCount(wholeNumber(countText, countSource, 'the shard count'), countSource);
  if (envIndex === undefined) {
    throw new SgauditError('USAGE', `${countSource} needs a shard index: JOB_COMPLETION_INDEX (set by Kubernetes in an Indexed Job) is not set`, {
      hint: 'run it as an Indexed Job (completionMode: Indexed), or give --shard i/n',
    });
  }
  const index = wholeNumber(envIndex, `JOB_COMPLETION_INDEX=${envIndex}`, 'the shard index');
  return checkIndex({ index, count }, `JOB_COMPLETION_INDEX=${envIndex} with ${countSource}`);
}
