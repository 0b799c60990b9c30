import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectSnapshot } from '../../src/collect/index.js';
import { DEMO_CREDENTIALS, generateEstate, startEmulator } from '../../src/emulator/index.js';
import type { Progress } from '../../src/util/progress.js';
import { withTempDir } from './helpers.js';

/** A Progress that records what the collector tells it, and what a reader would have seen. */
function recordingProgress() {
  const state = { total: 0, done: 0, open: 0, retries: 0, finalTotals: new Set<number>(), finalSeen: false, reopenedAfterFinal: false, doneAboveTotalWhileFinal: false };
  const check = () => {
    if (state.open === 0) {
      state.finalSeen = true;
      state.finalTotals.add(state.total);
      if (state.done > state.total) state.doneAboveTotalWhileFinal = true;
    }
  };
  const progress: Progress = {
    grow(amount) {
      state.total += amount;
      check();
    },
    tick(amount = 1) {
      state.done += amount;
      check();
    },
    retry() {
      state.retries++;
    },
    discovering() {
      if (state.finalSeen) state.reopenedAfterFinal = true;
      state.open++;
      let closed = false;
      return () => {
        if (closed) return;
        closed = true;
        state.open--;
        check();
      };
    },
    done() {},
  };
  return { progress, state };
}

describe('collect progress: pages done of pages known', () => {
  it('marks the total growing until every listing has paged to its end, then it is exact and never moves again', async () => {
    // Several pages per listing (instances 100 a page, ENIs 500), rules per group, regions from DescribeRegions.
    const estate = generateEstate({ instances: 450, groups: 130, rulesPerGroup: 3, enis: 1100, eips: 120, accounts: 1, regions: 2, prefixLists: 3, seed: 71 });
    const accountId = estate.accounts[0]!.accountId;
    const emulator = await startEmulator({ estate, seed: 4, faults: { throttleRate: 0.05, errorRate: 0.05, retryAfterMs: 10 } });
    try {
      await withTempDir(async (dir) => {
        const { progress, state } = recordingProgress();
        const result = await collectSnapshot({
          accounts: [{ accountId }],
          endpoint: emulator.url,
          credentials: DEMO_CREDENTIALS,
          retry: { maxAttempts: 12, baseDelayMs: 5, maxDelayMs: 50 },
          progress,
          out: join(dir, 'progress.jsonl.gz'),
        });
        expect(result.header.coverage.every((entry) => entry.status === 'complete')).toBe(true);
        expect(result.stats.retries).toBeGreaterThan(0);
        // Every source closed; one page per call, retries not counted as pages.
        expect(state.open).toBe(0);
        expect(state.done).toBe(state.total);
        expect(state.total).toBe(result.stats.requests - result.stats.retries);
        expect(state.retries).toBe(result.stats.retries);
        // Final only once everything was known: one exact total, never reopened, never exceeded.
        expect([...state.finalTotals]).toEqual([state.total]);
        expect(state.reopenedAfterFinal).toBe(false);
        expect(state.doneAboveTotalWhileFinal).toBe(false);
      });
    } finally {
      await emulator.close();
    }
  });
});
