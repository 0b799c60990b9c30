export { collectSnapshot, incompleteCoverage } from './collect.js';
export type { CollectOptions, HuaweiAccountSpec } from './collect.js';
