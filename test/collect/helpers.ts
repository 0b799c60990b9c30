import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Account, Rule } from '../../src/model/snapshot.js';

/**
 * Order-normalized accounts: resources sorted by id, rules by a canonical key, problem texts
 * dropped (the emulator and the collector word them independently; field and raw value must match).
 */
export function canonicalAccounts(accounts: readonly Account[], options: { ignoreAccountIds?: boolean } = {}): unknown {
  const byId = <T extends { id: string }>(items: readonly T[]) => [...items].sort((a, b) => a.id.localeCompare(b.id));
  const rule = (r: Rule) => ({ ...r, ...(r.problems ? { problems: r.problems.map(({ field, value }) => ({ field, value })) } : {}) });
  const ruleKey = (r: Rule) => JSON.stringify(rule(r));
  return [...accounts]
    .sort((a, b) => a.accountId.localeCompare(b.accountId))
    .map((account) => ({
      accountId: options.ignoreAccountIds ? '*' : account.accountId,
      provider: account.provider ?? 'alicloud',
      regions: [...account.regions]
        .sort((a, b) => a.regionId.localeCompare(b.regionId))
        .map((region) => ({
          regionId: region.regionId,
          // The emulator invents a CreationTime for estate groups that have none; not a collector concern.
          securityGroups: byId(region.securityGroups).map(({ createdAt: _createdAt, ...group }) => ({ ...group, rules: [...group.rules].sort((a, b) => ruleKey(a).localeCompare(ruleKey(b))).map(rule) })),
          instances: byId(region.instances),
          networkInterfaces: byId(region.networkInterfaces),
          eips: [...region.eips].sort((a, b) => a.allocationId.localeCompare(b.allocationId)),
          prefixLists: byId(region.prefixLists),
          addressGroups: byId(region.addressGroups),
        })),
    }));
}

export async function withTempDir<T>(run: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'sgaudit-collect-'));
  try {
    return await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function roleArnsFor(accounts: readonly Account[]) {
  return accounts.map((account) => ({ accountId: account.accountId, roleArn: `acs:ram::${account.accountId}:role/sgaudit-readonly` }));
}
