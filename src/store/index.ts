export { openLocalStore, snapshotFileName, snapshotPathFor } from './local.js';
export { isStoreUrl } from './location.js';
export { openStore, snapshotInStoreUrl } from './open.js';
