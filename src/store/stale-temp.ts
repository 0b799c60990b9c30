import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { log } from '../util/log.js';
import { isStoreUrl } from './location.js';

/**
 * Temporary files of writers that are gone. Every atomic write (src/util/atomic-write.ts) and the
 * snapshot writer's body file (src/model/snapshot-file.ts) write to `.sgaudit-tmp-…<pid>.<hex>`
 * beside their target and rename or remove it when done; a run killed by an OOM killer, a timeout
 * or SIGKILL leaves it behind, up to the size of a snapshot. The next run and `snapshots prune`
 * remove those whose writer is gone:
 *
 * - the pid in the name is not a live process (kill(pid, 0) answers ESRCH), or
 * - the file has not been written to for STALE_AFTER_MS (the pid was reused by another process,
 *   or the name carries no pid).
 *
 * A store is written by one host at a time: a pid is only meaningful on the host that wrote it.
 */
const TEMP_PREFIX = '.sgaudit-tmp-';
const PID_IN_NAME = /\.(\d+)\.[0-9a-f]{8}$/;
const STALE_AFTER_MS = 24 * 60 * 60 * 1000;

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** Why the temp file `name` in `dir` is abandoned, or undefined while its writer may still be at work. */
async function abandoned(dir: string, name: string, now: number): Promise<string | undefined> {
  const pid = PID_IN_NAME.exec(name)?.[1];
  if (pid !== undefined && Number(pid) > 0 && !processAlive(Number(pid))) return `writer pid ${pid} is gone`;
  try {
    const info = await stat(join(dir, name));
    if (!info.isFile()) return undefined;
    if (now - info.mtimeMs > STALE_AFTER_MS) return 'untouched for over 24 hours';
  } catch {
    return undefined;
  }
  return undefined;
}

/**
 * Remove the abandoned temp files directly in each of `dirs` (missing directories are skipped) and
 * say so in one log line. Returns the paths removed (or, with dryRun, that would be).
 */
export async function removeStaleTempFiles(dirs: readonly string[], options: { dryRun?: boolean; now?: Date } = {}): Promise<string[]> {
  const now = (options.now ?? new Date()).getTime();
  const removed: string[] = [];
  const reasons = new Set<string>();
  for (const dir of new Set(dirs)) {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      continue;
    }
    for (const name of names.filter((n) => n.startsWith(TEMP_PREFIX)).sort()) {
      const reason = await abandoned(dir, name, now);
      if (reason === undefined) continue;
      const path = join(dir, name);
      if (!options.dryRun) {
        try {
          await rm(path, { force: true });
        } catch {
          continue;
        }
      }
      removed.push(path);
      reasons.add(reason.startsWith('writer pid') ? 'writer gone' : reason);
    }
  }
  if (removed.length > 0) {
    const shown = removed.slice(0, 3).join(', ') + (removed.length > 3 ? `, … (${removed.length - 3} more)` : '');
    log.info(`${options.dryRun ? 'would remove' : 'removed'} ${removed.length} temporary file(s) left by interrupted runs (${[...reasons].join(', ')}): ${shown}`);
  }
  return removed;
}

/** The directories a store's writers put temp files in: the store itself and its baselines. */
export function storeTempDirs(storeDir: string): string[] {
  // An object store has no local temp files (its unpublished uploads are pruned by `snapshots prune`).
  if (isStoreUrl(storeDir)) return [];
  return [storeDir, join(storeDir, 'baselines')];
}

/** A reports directory and its run directories (`<reports>/<timestamp>/`), where scans write. */
export async function reportTempDirs(reportsDir: string): Promise<string[]> {
  try {
    const entries = await readdir(reportsDir, { withFileTypes: true });
    return [reportsDir, ...entries.filter((entry) => entry.isDirectory() && /^\d{8}T\d{6}Z$/.test(entry.name)).map((entry) => join(reportsDir, entry.name))];
  } catch {
    return [reportsDir];
  }
}
