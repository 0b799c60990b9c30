export { startEmulator } from './server.js';
export { sampleEstate } from './sample-estate.js';
export { mixedSampleEstate } from './sample-huawei.js';
export { generateEstate, parseGenerateSpec } from './generate.js';
export { loadEstateFile } from './load-estate.js';
export { estateFromFlags, faultsFromFlags } from './cli-options.js';
export { resourceDirectoryFor, type ResourceDirectory } from './resource-directory.js';
export { DEMO_CREDENTIALS, type FaultOptions, type RunningEmulator } from './types.js';
export { huaweiProjectId } from './huawei/wire.js';
