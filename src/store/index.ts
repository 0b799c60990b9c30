export { openLocalStore, snapshotFileName, snapshotPathFor } from './local.js';
