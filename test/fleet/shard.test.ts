import { describe, expect, it } from 'vitest';
import { MAX_SHARDS, ownsUnit, resolveShard, shardOf, unitKey } from '../../src/collect/shard.js';
import { SgauditError } from '../../src/model/errors.js';

/** Account × region units of a fleet: `accounts` accounts of 16 digits, each in the same regions. */
function units(accounts: number, regions = ['cn-hangzhou', 'cn-shanghai', 'cn-beijing', 'ap-southeast-1'], first = 0): string[] {
  const ids = Array.from({ length: accounts }, (_, a) => String(1_500_000_000_000_000 + first + a));
  return ids.flatMap((accountId) => regions.map((regionId) => unitKey(accountId, regionId)));
}

function usageError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SgauditError);
    expect((error as SgauditError).exitCode).toBe(2);
    return (error as SgauditError).headline;
  }
  throw new Error('expected a usage error');
}

describe('rendezvous assignment of account × region units to shards', () => {
  const fleet = units(200);

  it('is deterministic and gives every unit exactly one shard, for any count', () => {
    for (const count of [1, 2, 4, 7]) {
      const owners = fleet.map((key) => shardOf(key, count));
      expect(fleet.map((key) => shardOf(key, count))).toEqual(owners);
      for (const [i, key] of fleet.entries()) {
        const [accountId, regionId] = key.split('/') as [string, string];
        const claims = Array.from({ length: count }, (_, index) => index).filter((index) => ownsUnit({ index, count }, accountId, regionId));
        expect(claims).toEqual([owners[i]]);
      }
    }
  });

  it('spreads the units evenly enough (800 units over 4 shards: each 25 % ± 5 %)', () => {
    const sizes = [0, 0, 0, 0];
    for (const key of fleet) sizes[shardOf(key, 4)]!++;
    for (const size of sizes) expect(Math.abs(size / fleet.length - 0.25)).toBeLessThan(0.05);
  });

  it('moves only the new account\'s units when an account is added, and none when one is removed', () => {
    const grown = [...fleet, ...units(1, undefined, 999)];
    const before = new Map(fleet.map((key) => [key, shardOf(key, 4)]));
    for (const key of grown) if (before.has(key)) expect(shardOf(key, 4)).toBe(before.get(key));
    const shrunk = fleet.slice(4);
    for (const key of shrunk) expect(shardOf(key, 4)).toBe(before.get(key));
  });

  it('moves about 1/(n+1) of the units when a shard is added', () => {
    const moved = fleet.filter((key) => shardOf(key, 4) !== shardOf(key, 5)).length / fleet.length;
    expect(moved).toBeGreaterThan(0.1);
    expect(moved).toBeLessThan(0.3);
    // and every unit that moved went to the new shard
    for (const key of fleet) if (shardOf(key, 4) !== shardOf(key, 5)) expect(shardOf(key, 5)).toBe(4);
  });
});

describe('the shard of this process: --shard, --shard-count, JOB_COMPLETION_INDEX, SGAUDIT_SHARD_COUNT', () => {
  it('reads --shard i/n, and the environment of an Indexed Job', () => {
    expect(resolveShard({ env: {} })).toBeUndefined();
    expect(resolveShard({ shard: '2/4', env: {} })).toEqual({ index: 2, count: 4 });
    expect(resolveShard({ shard: '0/1', env: { JOB_COMPLETION_INDEX: '3' } })).toEqual({ index: 0, count: 1 });
    expect(resolveShard({ shardCount: '4', env: { JOB_COMPLETION_INDEX: '3' } })).toEqual({ index: 3, count: 4 });
    expect(resolveShard({ env: { JOB_COMPLETION_INDEX: '0', SGAUDIT_SHARD_COUNT: '2' } })).toEqual({ index: 0, count: 2 });
    expect(resolveShard({ shardCount: '8', env: { JOB_COMPLETION_INDEX: '7', SGAUDIT_SHARD_COUNT: '2' } })).toEqual({ index: 7, count: 8 });
  });

  it.each([
    [{ shard: '3/2', env: {} }, /^--shard 3\/2: shard index 3 is not below the shard count 2$/],
    [{ shard: '2/2', env: {} }, /^--shard 2\/2: shard index 2 is not below/],
    [{ shard: 'x', env: {} }, /^--shard must be INDEX\/COUNT, e\.g\. 0\/4, got "x"$/],
    [{ shard: '1/0', env: {} }, /^--shard 1\/0: the shard count must be from 1 to 1000, got 0$/],
    [{ shard: `0/${MAX_SHARDS + 1}`, env: {} }, /the shard count must be from 1 to 1000/],
    [{ shard: '0/2', shardCount: '2', env: {} }, /^--shard i\/n and --shard-count N both give the shard count/],
    [{ env: { JOB_COMPLETION_INDEX: '1' } }, /^JOB_COMPLETION_INDEX=1 is set \(a Kubernetes Indexed Job\) but no shard count is given$/],
    [{ shardCount: '4', env: {} }, /^--shard-count 4 needs a shard index: JOB_COMPLETION_INDEX .* is not set$/],
    [{ env: { SGAUDIT_SHARD_COUNT: '4' } }, /^SGAUDIT_SHARD_COUNT=4 needs a shard index/],
    [{ env: { SGAUDIT_SHARD_COUNT: 'four', JOB_COMPLETION_INDEX: '0' } }, /^SGAUDIT_SHARD_COUNT=four: the shard count must be a whole number, got "four"$/],
    [{ shardCount: '4', env: { JOB_COMPLETION_INDEX: 'x' } }, /^JOB_COMPLETION_INDEX=x: the shard index must be a whole number/],
    [{ shardCount: '4', env: { JOB_COMPLETION_INDEX: '4' } }, /^JOB_COMPLETION_INDEX=4 with --shard-count 4: shard index 4 is not below the shard count 4$/],
  ])('%o is refused, naming the flag or variable', (inputs, message) => {
    expect(usageError(() => resolveShard(inputs))).toMatch(message);
  });
});
