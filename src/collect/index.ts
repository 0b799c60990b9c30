export { collectSnapshot, describeCoverage, incompleteCoverage, DEFAULT_CONCURRENCY, GLOBAL_REGION } from './collect.js';
export type { CollectOptions, CollectResult, SnapshotPathFor } from './collect.js';
export { parseEndpoint, DEFAULT_TIMEOUTS } from './alicloud/clients.js';
export { roleArnFor } from './alicloud/arn.js';
export { DEFAULT_RETRY } from './retry.js';
