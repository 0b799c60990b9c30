export { openLocalStore, readSnapshotHeader, snapshotFileName, snapshotPathFor } from './local.js';
export type { RetentionPolicy, SnapshotStore, StoredSnapshot } from './local.js';

/** The default store directory, relative to the working directory. */
export const DEFAULT_STORE_DIR = 'snapshots';
