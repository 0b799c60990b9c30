/**
 * Manual timing: `node --import tsx test/net/perf.ts [groups] [rulesPerGroup] [enis] [eips]`.
 * Prints the time for the evaluator-based checks over a synthetic estate.
 */
import { check as latent } from '../../src/analyze/checks/latent-exposure/index.js';
import { check as publicExposure } from '../../src/analyze/checks/public-exposure/index.js';
import { check as shadowed } from '../../src/analyze/checks/shadowed-rule/index.js';
import { defaultAnalyzerSettings } from '../../src/config/defaults.js';
import { PolicyEvaluator } from '../../src/analyze/net/evaluator.js';
import { viewOf } from './estate.js';
import { syntheticEstate } from './perf-estate.js';

const [groups = 10_000, rulesPerGroup = 20, enis = 60_000, eips = 10_000] = process.argv.slice(2).map(Number);
const estate = syntheticEstate({ groups, rulesPerGroup, enis, eips });
let start = performance.now();
let cpu = process.cpuUsage();
const cpuMs = () => { const u = process.cpuUsage(cpu); cpu = process.cpuUsage(); return ((u.user + u.system) / 1000).toFixed(0); };
const view = viewOf(estate);
console.log(`view: ${(performance.now() - start).toFixed(0)} ms wall, ${cpuMs()} ms cpu (${groups} groups x ${rulesPerGroup} rules, ${enis} ENIs, ${eips} public)`);
const settings = defaultAnalyzerSettings();
for (const check of [publicExposure, latent, shadowed]) {
  start = performance.now();
  const findings = check.run({ view, evaluator: new PolicyEvaluator(view), settings });
  console.log(`${check.meta.id}: ${(performance.now() - start).toFixed(0)} ms wall, ${cpuMs()} ms cpu, ${findings.length} findings`);
}
console.log(`rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
