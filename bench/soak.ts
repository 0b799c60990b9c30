/**
 * Fault soak, the long variant of test/collect/soak.test.ts (issue 16, item 4): `--runs` consecutive
 * collections of a generated estate from the emulator, each with its own seeded throttling (half
 * with x-acs-retry-after, half without), 5xx, resets, malformed bodies and hung responses, and every
 * third run a region that turns Forbidden.RAM part-way. Each run is compared with a fault-free
 * collection: it must equal it or leave out exactly what its coverage marks incomplete. Prints one
 * line per run, then runs, requests, retries, faults seen, records withheld and records lost (must
 * be 0), and exits 1 if any run broke the promise. It also watches the run-wide AbortSignal's
 * listeners, process listeners and warnings over all runs.
 *
 *   npx tsx bench/soak.ts                       # 50 runs, 3 regions × (400 instances, 120 groups …)
 *   npx tsx bench/soak.ts --runs 200 --scale 2 --seed 7
 */
import { getEventListeners } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { generateEstate } from '../src/emulator/index.js';
import { configureLog } from '../src/util/log.js';
import { describeSoak, FAST, soak, SOAK_FAULTS } from '../test/collect/soak.js';

function arg(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}

const runs = Math.floor(arg('runs', 50));
const scale = arg('scale', 1);
const seed = Math.floor(arg('seed', 1600));
const n = (value: number) => Math.max(1, Math.round(value * scale));
const estate = generateEstate({ instances: n(1200), groups: n(360), rulesPerGroup: 8, enis: n(1600), eips: n(240), prefixLists: 3, accounts: 1, regions: 3, seed });
const account = estate.accounts[0]!;

configureLog({ level: 'quiet' });
const warnings: string[] = [];
process.on('warning', (warning) => warnings.push(`${warning.name}: ${warning.message}`));
const listenersBefore = process.eventNames().map((name) => `${String(name)}=${process.listenerCount(name)}`);
const controller = new AbortController();
let maxAbortListeners = 0;
const sampler = setInterval(() => {
  maxAbortListeners = Math.max(maxAbortListeners, getEventListeners(controller.signal, 'abort').length);
}, 2);

const dir = await mkdtemp(`${tmpdir()}/sgaudit-soak-`);
const started = performance.now();
try {
  const summary = await soak({
    estate,
    runs,
    seed,
    faults: SOAK_FAULTS,
    flipEvery: 3,
    collect: { ...FAST, accounts: [{ accountId: account.accountId }], regions: account.regions.map((region) => region.regionId), signal: controller.signal },
    dir,
    onRun: (run) => {
      const faults = Object.entries(run.faults)
        .map(([kind, count]) => `${kind} ${count}`)
        .join(', ');
      const flip = run.flip ? `, ${run.flip.regionId} Forbidden from its request ${run.flip.after}` : '';
      const verdict = run.problems.length ? `BROKEN: ${run.problems.slice(0, 3).join('; ')}` : run.incomplete.length ? `${run.incomplete.length} scope(s) marked incomplete, ${run.withheld} records withheld` : 'equal to the fault-free snapshot';
      process.stdout.write(`run ${run.run}: ${run.requests} requests, ${run.retries} retries, faults ${faults || 'none'}${flip}; ${verdict} (${run.durationMs} ms)\n`);
    },
  });
  clearInterval(sampler);
  const listenersAfter = process.eventNames().map((name) => `${String(name)}=${process.listenerCount(name)}`);
  process.stdout.write(`\n${describeSoak(summary)}\n`);
  process.stdout.write(`estate: ${account.regions.length} regions, ${estate.accounts[0]!.regions.reduce((sum, region) => sum + region.instances.length, 0)} instances, ${account.regions.reduce((sum, region) => sum + region.securityGroups.length, 0)} groups; ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  process.stdout.write(
    `abort listeners on the run signal: max ${maxAbortListeners} at once, ${getEventListeners(controller.signal, 'abort').length} after; process listeners ${listenersBefore.join(' ') === listenersAfter.join(' ') ? 'unchanged' : `changed: ${listenersBefore.join(' ')} → ${listenersAfter.join(' ')}`}; warnings: ${warnings.length ? warnings.join(' | ') : 'none'}\n`,
  );
  if (summary.problems.length || summary.lost || summary.extra || maxAbortListeners > 1 || warnings.some((warning) => /MaxListeners/.test(warning))) process.exitCode = 1;
} finally {
  clearInterval(sampler);
  await rm(dir, { recursive: true, force: true });
}
