import { createDriftCheck } from '../drift/index.js';

/**
 * Drift as a check: runs only when the engine is given a baseline (`analyzeSnapshot(snapshot,
 * { baseline })`). The logic lives in `analyze/drift/`.
 */
export const check = createDriftCheck();
