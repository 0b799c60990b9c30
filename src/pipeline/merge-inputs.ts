import { stat } from 'node:fs/promises';
import { SgauditError } from '../model/errors.js';
import { isStoreUrl, openLocalStore, openStore, snapshotInStoreUrl } from '../store/index.js';
import type { SnapshotStore } from '../store/local.js';
import { readSnapshotHeader } from '../store/local.js';
import { log } from '../util/log.js';
import type { ShardInput } from './merge.js';

/**
 * What `sgaudit merge` is given, as shard inputs: a snapshot file, a store directory or store URL
 * (every shard snapshot in it; other snapshots there are passed over), or a store URL naming one
 * snapshot. A store's snapshots are listed from their headers and downloaded only when merged.
 */

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    // Missing: the snapshot reader says so, naming the file.
    return false;
  }
}

async function shardsInStore(store: SnapshotStore): Promise<ShardInput[]> {
  const { snapshots, problems } = await store.list();
  for (const problem of problems) log.warn(`${problem.path}: skipped, unreadable: ${problem.message}`);
  const shards = snapshots.filter((snapshot) => snapshot.header.shard !== undefined);
  const others = snapshots.length - shards.length;
  if (others > 0) log.verbose(`${store.location}: ${others} snapshot(s) without a shard header passed over`);
  if (shards.length === 0) {
    throw new SgauditError('USAGE', `${store.location}: no shard snapshots in this store`, { hint: 'collect into it with `sgaudit collect --shard i/n --store …`' });
  }
  return shards.map((snapshot) => ({ label: `${store.location}/${snapshot.name}`, header: snapshot.header, localPath: () => store.localPath(snapshot) }));
}

async function inputsOf(argument: string): Promise<ShardInput[]> {
  if (isStoreUrl(argument)) {
    const one = snapshotInStoreUrl(argument);
    if (!one) return shardsInStore(openStore(argument));
    const path = await one.store.localPath(one.name);
    return [{ label: argument, header: await readSnapshotHeader(path), localPath: async () => path }];
  }
  if (await isDirectory(argument)) return shardsInStore(openLocalStore(argument));
  return [{ label: argument, header: await readSnapshotHeader(argument), localPath: async () => argument }];
}

/** Every shard snapshot the arguments name, in argument order. */
export async function resolveShardInputs(argumentsGiven: readonly string[]): Promise<ShardInput[]> {
  const inputs: ShardInput[] = [];
  for (const argument of argumentsGiven) inputs.push(...(await inputsOf(argument)));
  return inputs;
}
