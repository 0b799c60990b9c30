import { getEventListeners } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { collectSnapshot } from '../../src/collect/index.js';
import { DEMO_CREDENTIALS, generateEstate, startEmulator } from '../../src/emulator/index.js';
import { configureLog } from '../../src/util/log.js';
import { describeSoak, FAST, soak, SOAK_FAULTS } from './soak.js';

/**
 * Issue 16, item 4. The 50-run soak of a small estate, and a long collect watched for listener and
 * socket leaks. The longer variant is bench/soak.ts.
 */

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sgaudit-soak-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  configureLog({ level: 'normal', format: 'text', sink: (line) => process.stderr.write(`${line}\n`) });
});

/** Listeners on `process`, per event: a collect that leaves one behind grows a count. */
function processListeners(): Record<string, number> {
  return Object.fromEntries(process.eventNames().map((name) => [String(name), process.listenerCount(name)]));
}

/** Open TCP handles of this process (the emulator's side of each connection included). */
function tcpHandles(): number {
  return process.getActiveResourcesInfo().filter((name) => name === 'TCPSocketWrap' || name === 'TCPServerWrap').length;
}

describe('fault soak', () => {
  it('50 collections under seeded random faults: each equals the fault-free snapshot or marks exactly the failed scope incomplete', async () => {
    const estate = generateEstate({ instances: 90, groups: 24, rulesPerGroup: 4, enis: 120, eips: 20, accounts: 1, regions: 2, prefixLists: 3, seed: 61 });
    const accountId = estate.accounts[0]!.accountId;
    const regions = estate.accounts[0]!.regions.map((region) => region.regionId);
    const logged: string[] = [];
    configureLog({ sink: (line) => logged.push(line) });
    const listenersBefore = processListeners();
    const tcpAfterRun: number[] = [];
    const summary = await soak({
      estate,
      runs: 50,
      seed: 1600,
      faults: SOAK_FAULTS,
      flipEvery: 3,
      collect: { ...FAST, accounts: [{ accountId }], regions },
      dir,
      onRun: async () => {
        // Each run's emulator is closed: let the client's side of its connections see that.
        await new Promise((resolve) => setTimeout(resolve, 10));
        tcpAfterRun.push(tcpHandles());
      },
    });
    process.stderr.write(`fault soak:\n${describeSoak(summary)}\nopen TCP handles after each run: ${tcpAfterRun.join(' ')}\n`);
    // What was lost is said once per scope, on one line naming account, region, API, code and request id.
    expect(logged.length).toBeGreaterThan(0);
    for (const line of logged) expect(line).toMatch(/^warn: account \d+, region [a-z0-9-]+, Describe\w+, (denied|partial), code Forbidden\.RAM, request id [0-9A-F-]+[,:][^\n]*$/);

    expect(summary.problems).toEqual([]);
    expect(summary.lost).toBe(0);
    expect(summary.extra).toBe(0);
    // Every kind of fault was met, retried through, and some runs lost a region part-way.
    for (const kind of ['throttle', 'error5xx', 'reset', 'malformed', 'hang', 'forbidden'] as const) expect(summary.faults[kind] ?? 0).toBeGreaterThan(0);
    expect(summary.retries).toBeGreaterThan((summary.faults.throttle ?? 0) + (summary.faults.error5xx ?? 0));
    expect(summary.flipped).toBe(16);
    expect(summary.incompleteRuns).toBeGreaterThan(0);
    expect(summary.incompleteRuns).toBeLessThanOrEqual(summary.flipped);
    // Runs without a flip are whole.
    expect(summary.runs.filter((run) => !run.flip).every((run) => run.incomplete.length === 0)).toBe(true);
    // Nothing accumulates run after run: listeners on process, open sockets (each run's emulator is closed).
    expect(processListeners()).toEqual(listenersBefore);
    expect(Math.max(...tcpAfterRun)).toBeLessThanOrEqual(tcpAfterRun[0]! + 2);
  });

  it('a long collect under faults keeps one abort listener on the run signal, emits no MaxListenersExceededWarning and leaves no connection busy', async () => {
    // Large enough for hundreds of requests waiting at once (pacing, backoff, the run's request budget).
    const estate = generateEstate({ instances: 2500, groups: 500, rulesPerGroup: 4, enis: 3000, eips: 400, accounts: 1, regions: 3, prefixLists: 3, seed: 62 });
    const accountId = estate.accounts[0]!.accountId;
    const emulator = await startEmulator({ estate, seed: 9, faults: { throttleRate: 0.1, retryAfterMs: 20, retryAfterShare: 0.5, errorRate: 0.05, resetRate: 0.01 } });
    const listenersBefore = processListeners();
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
    process.on('warning', onWarning);
    const controller = new AbortController();
    const counts: number[] = [];
    const sampler = setInterval(() => counts.push(getEventListeners(controller.signal, 'abort').length), 2);
    try {
      const result = await collectSnapshot({
        ...FAST,
        accounts: [{ accountId }],
        regions: estate.accounts[0]!.regions.map((region) => region.regionId),
        // A run-wide budget makes requests queue for tokens as well as for the pacers and backoff.
        rateLimit: 1500,
        endpoint: emulator.url,
        credentials: DEMO_CREDENTIALS,
        signal: controller.signal,
        out: join(dir, 'long.jsonl.gz'),
      });
      clearInterval(sampler);
      expect(result.header.coverage.every((entry) => entry.status === 'complete')).toBe(true);
      expect(result.stats.retries).toBeGreaterThan(50);
      expect(counts.length).toBeGreaterThan(20);
      // Flat: at most the one fan-out listener while waits are pending, none once the collect is over.
      expect(Math.max(...counts)).toBeLessThanOrEqual(1);
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
      // Every request was answered or given up on: the connections left are idle keep-alive ones,
      // at most one per request that was in flight at once.
      expect(emulator.connections()).toBeLessThanOrEqual(64);
      process.stderr.write(
        `long collect: ${result.stats.requests} requests, ${result.stats.retries} retries, abort listeners on the run signal max ${Math.max(...counts)} over ${counts.length} samples, ${getEventListeners(controller.signal, 'abort').length} after; ${emulator.connections()} idle connections\n`,
      );
    } finally {
      clearInterval(sampler);
      process.off('warning', onWarning);
      await emulator.close();
    }
    // Warnings are emitted on the next tick; give them the chance.
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings.filter((warning) => /MaxListenersExceeded/.test(warning))).toEqual([]);
    expect(processListeners()).toEqual(listenersBefore);
  });

  it('an aborted collect reaches every pending wait through the one listener and leaves none behind', async () => {
    const estate = generateEstate({ instances: 600, groups: 150, rulesPerGroup: 3, enis: 700, eips: 50, accounts: 1, regions: 2, prefixLists: 3, seed: 63 });
    const emulator = await startEmulator({ estate, seed: 3, faults: { throttleRate: 0.3, retryAfterMs: 200 } });
    const controller = new AbortController();
    try {
      const run = collectSnapshot({
        ...FAST,
        accounts: [{ accountId: estate.accounts[0]!.accountId }],
        regions: estate.accounts[0]!.regions.map((region) => region.regionId),
        rateLimit: 200,
        endpoint: emulator.url,
        credentials: DEMO_CREDENTIALS,
        signal: controller.signal,
        out: join(dir, 'aborted.jsonl.gz'),
      });
      setTimeout(() => controller.abort(new Error('interrupted')), 300);
      await expect(run).rejects.toThrow(/aborted/);
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    } finally {
      await emulator.close();
    }
  });
});
