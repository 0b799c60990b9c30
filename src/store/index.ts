export { openLocalStore, readSnapshotHeader, snapshotFileName, snapshotPathFor } from './local.js';
export type { RetentionPolicy, SnapshotStore, StoredSnapshot } from './local.js';
