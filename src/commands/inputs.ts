import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { loadConfig } from '../config/load.js';
import { SgauditError } from '../model/errors.js';
import { SNAPSHOT_EXTENSION } from '../model/snapshot-file.js';
import { FINDINGS_FILE_NAME } from '../report/write-findings.js';
import { resolveBaseline } from '../store/baseline.js';
import { isStoreUrl, openLocalStore, openStore, snapshotInStoreUrl } from '../store/index.js';
import { log } from '../util/log.js';

/**
 * File arguments that may name a directory (docs/cli.md, "Directories as inputs"): a snapshot
 * store stands for its newest snapshot, a reports directory for its newest findings file. The
 * choice is said on stderr, so a script's log shows which file was read.
 */

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    // Missing or unreadable: the reader reports it, with its own wording for the file kind.
    return false;
  }
}

/** `--store`, else store.dir from the config: the store `collect` and `scan` write to. */
export async function storeDirectory(flags: { store?: string; config?: string }): Promise<string> {
  return flags.store ?? (await loadConfig(flags.config)).store.dir;
}

function shown(dir: string): string {
  return dir.endsWith('/') ? dir : `${dir}/`;
}

/** A snapshot argument: a file as given, or the newest snapshot of a store directory. */
export async function snapshotArgument(path: string): Promise<string> {
  if (isStoreUrl(path)) return storeUrlSnapshot(path);
  if (!(await isDirectory(path))) return path;
  const newest = await openLocalStore(path).latest();
  if (!newest) throw noSnapshotsIn(path);
  log.info(`using the newest snapshot in ${shown(path)}: ${newest.name}`);
  return newest.path;
}

/** The OLD side of a diff: a file as given, or the newest snapshot of a store directory taken before `newPath`. */
export async function earlierSnapshotArgument(path: string, newPath: string): Promise<string> {
  if (isStoreUrl(path) && snapshotInStoreUrl(path)) return storeUrlSnapshot(path);
  if (!isStoreUrl(path) && !(await isDirectory(path))) return path;
  const earlier = await resolveBaseline(path, 'previous', newPath);
  if (!earlier) throw new SgauditError('USAGE', `${path}: no snapshot in this directory was taken before ${newPath}`, { hint: 'name the older snapshot file, or collect one more snapshot' });
  log.info(`comparing with the snapshot before it in ${shown(path)}: ${basename(earlier)}`);
  return earlier;
}

/**
 * A snapshot in object storage, streamed to a local file: `s3://bucket/prefix/NAME.jsonl.gz` names
 * one, `s3://bucket/prefix` stands for the store's newest (docs/object-storage.md).
 */
async function storeUrlSnapshot(url: string): Promise<string> {
  const one = snapshotInStoreUrl(url);
  if (one) return one.store.localPath(one.name);
  const store = openStore(url);
  const newest = await store.latest();
  if (!newest) throw new SgauditError('USAGE', `${store.location}: no snapshots in this store`, { hint: 'give a snapshot, or the store `sgaudit collect --store URL` wrote to' });
  log.info(`using the newest snapshot in ${shown(store.location)}: ${newest.name}`);
  return store.localPath(newest);
}

function noSnapshotsIn(path: string): SgauditError {
  return new SgauditError('USAGE', `${path}: is a directory with no snapshots in it`, { hint: 'give a snapshot file (.jsonl.gz), or the store directory `sgaudit collect` wrote to' });
}

/** What `scan` names its findings file, newest format first: findings.json is that of runs before findings@2. */
const FINDINGS_FILES = [FINDINGS_FILE_NAME, 'findings.json'];
/** The names `sgaudit scan` gives its run directories (20261125T020000Z). */
const RUN_DIRECTORY = /^\d{8}T\d{6}Z$/;

/** A findings argument: a file as given; a directory's findings file; or that of its newest run directory that has one. */
export async function findingsArgument(path: string): Promise<string> {
  if (!(await isDirectory(path))) return path;
  const names = await readdir(path);
  const own = FINDINGS_FILES.find((name) => names.includes(name));
  if (own) {
    const file = join(path, own);
    log.info(`using ${file}`);
    return file;
  }
  const runs = names.filter((name) => RUN_DIRECTORY.test(name)).sort().reverse();
  for (const run of runs) {
    for (const name of FINDINGS_FILES) {
      const file = join(path, run, name);
      if ((await stat(file).catch(() => undefined))?.isFile()) {
        log.info(`using the newest findings in ${shown(path)}: ${join(run, name)}`);
        return file;
      }
    }
  }
  if (names.some((name) => name.endsWith(SNAPSHOT_EXTENSION))) {
    throw new SgauditError('USAGE', `${path}: not a findings document: it is a snapshot store: run \`sgaudit analyze ${path}\` first`);
  }
  throw new SgauditError('USAGE', `${path}: is a directory with no ${FINDINGS_FILE_NAME} in it`, { hint: 'give the findings file `sgaudit analyze -o` or `sgaudit scan` wrote' });
}
