export { startEmulator } from './server.js';
export { sampleEstate } from './sample-estate.js';
export { generateEstate, parseGenerateSpec, type GenerateSpec } from './generate.js';
export { loadEstateFile } from './load-estate.js';
export { estateFromFlags, faultsFromFlags, seedFromFlags, type EmulatorFlags } from './cli-options.js';
export {
  DEMO_CREDENTIALS,
  type EmulatorCredential,
  type EmulatorOptions,
  type EmulatorStats,
  type FaultKind,
  type FaultOptions,
  type RecordedRequest,
  type RunningEmulator,
} from './types.js';
