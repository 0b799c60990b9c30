import { basename } from 'node:path';
import { SNAPSHOT_EXTENSION } from '../model/snapshot-file.js';
import { openLocalStore, type SnapshotStore } from './local.js';
import { parseStoreLocation } from './location.js';
import { ObjectStore } from './object.js';

/** The store at `location`: a directory, or an `s3://` / `oss://` URL (docs/object-storage.md). */
export function openStore(location: string): SnapshotStore {
  const where = parseStoreLocation(location);
  return where.kind === 'local' ? openLocalStore(where.dir) : new ObjectStore(where);
}

/**
 * A store URL naming one snapshot (`s3://bucket/prefix/20261125T020000Z-1a2b3c4d.jsonl.gz`):
 * the store and the snapshot's name. Undefined for a store URL or a local path.
 */
export function snapshotInStoreUrl(location: string): { store: SnapshotStore; name: string } | undefined {
  const where = parseStoreLocation(location);
  if (where.kind === 'local' || !where.prefix.endsWith(SNAPSHOT_EXTENSION)) return undefined;
  const name = basename(where.prefix);
  const parent = where.prefix.slice(0, -name.length).replace(/\/$/, '');
  return { store: new ObjectStore({ ...where, prefix: parent, url: `${where.scheme}://${where.bucket}${parent ? `/${parent}` : ''}` }), name };
}
