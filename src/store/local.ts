import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SgauditError } from '../model/errors.js';
import type { SnapshotHeader } from '../model/snapshot.js';
import { readSnapshotRecords, SNAPSHOT_EXTENSION } from '../model/snapshot-file.js';

/**
 * The snapshot store: a local directory by default. Everything the commands need goes through
 * this small interface so object storage (OSS, S3) can be added for runs in containers.
 */
export interface StoredSnapshot {
  path: string;
  name: string;
  bytes: number;
  header: SnapshotHeader;
}

export interface SnapshotStore {
  /** The directory, or the normalised URL of an object store. */
  readonly location: string;
  /**
   * The local file a new snapshot taken at `takenAt` with `id` is written to (names sort by time):
   * in the directory itself, or a staging file for an object store until `publish`.
   */
  pathFor(takenAt: string, id: string): string;
  /** Make the snapshot written at `path` (from pathFor) visible in the store; returns where it is stored. */
  publish(path: string): Promise<string>;
  /** A local file with the content of a stored snapshot (given as listed, or by its path/URL). */
  localPath(snapshot: StoredSnapshot | string): Promise<string>;
  /** Snapshots oldest first; unreadable files are returned in `problems`, never silently skipped. */
  list(): Promise<{ snapshots: StoredSnapshot[]; problems: { path: string; message: string }[] }>;
  latest(): Promise<StoredSnapshot | undefined>;
  prune(policy: RetentionPolicy, options?: { dryRun?: boolean; now?: Date; keepPaths?: string[] }): Promise<StoredSnapshot[]>;
}

export interface RetentionPolicy {
  /** Keep at most this many newest snapshots. */
  keep?: number;
  /** Delete snapshots older than this many days. */
  maxAgeDays?: number;
}

export function snapshotFileName(takenAt: string, id: string): string {
  // 2026-11-25T02:00:00.123Z → 20261125T020000Z: sortable and safe on every filesystem
  const stamp = takenAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${id.slice(0, 8)}${SNAPSHOT_EXTENSION}`;
}

export function snapshotPathFor(dir: string, takenAt: string, id: string): string {
  return join(dir, snapshotFileName(takenAt, id));
}

/** Read only the header line; cheap even for a 300 MB snapshot. */
export async function readSnapshotHeader(path: string): Promise<SnapshotHeader> {
  for await (const record of readSnapshotRecords(path, { validate: false })) {
    if ('header' in record) return record.header;
    break;
  }
  throw new SgauditError('SNAPSHOT_INVALID', `${path}: empty file`);
}

/** The snapshots (oldest first) a retention policy deletes, oldest first; `keepPaths` are never deleted. */
export function selectForPruning(snapshots: StoredSnapshot[], policy: RetentionPolicy, options: { now?: Date; keepPaths?: string[] } = {}): StoredSnapshot[] {
  const now = (options.now ?? new Date()).getTime();
  const keepPaths = new Set(options.keepPaths ?? []);
  const newestFirst = [...snapshots].reverse();
  const doomed = newestFirst.filter((snapshot, index) => {
    if (keepPaths.has(snapshot.path)) return false;
    const tooMany = policy.keep !== undefined && index >= policy.keep;
    const tooOld = policy.maxAgeDays !== undefined && now - Date.parse(snapshot.header.takenAt) > policy.maxAgeDays * 86_400_000;
    return tooMany || tooOld;
  });
  return doomed.reverse();
}

export function openLocalStore(dir: string): SnapshotStore {
  const list: SnapshotStore['list'] = async () => {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { snapshots: [], problems: [] };
      throw new SgauditError('RUNTIME', `${dir}: cannot list the snapshot store (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
    const snapshots: StoredSnapshot[] = [];
    const problems: { path: string; message: string }[] = [];
    for (const name of names.filter((n) => n.endsWith(SNAPSHOT_EXTENSION) && !n.startsWith('.')).sort()) {
      const path = join(dir, name);
      try {
        const [header, info] = await Promise.all([readSnapshotHeader(path), stat(path)]);
        snapshots.push({ path, name, bytes: info.size, header });
      } catch (error) {
        problems.push({ path, message: error instanceof Error ? error.message : String(error) });
      }
    }
    snapshots.sort((a, b) => a.header.takenAt.localeCompare(b.header.takenAt) || a.name.localeCompare(b.name));
    return { snapshots, problems };
  };

  return {
    location: dir,
    pathFor: (takenAt, id) => snapshotPathFor(dir, takenAt, id),
    // The snapshot writer already renamed the file into place.
    publish: async (path) => path,
    localPath: async (snapshot) => (typeof snapshot === 'string' ? snapshot : snapshot.path),
    list,
    async latest() {
      return (await list()).snapshots.at(-1);
    },
    async prune(policy, options = {}) {
      const { snapshots } = await list();
      const doomed = selectForPruning(snapshots, policy, options);
      if (!options.dryRun) for (const snapshot of doomed) await rm(snapshot.path, { force: true });
      return doomed;
    },
  };
}
