export { collectSnapshot, incompleteCoverage } from './collect.js';
export type { CollectOptions } from './collect.js';
