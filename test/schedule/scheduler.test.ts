import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startScheduler, validateCron } from '../../src/schedule/scheduler.js';
import { configureLog } from '../../src/util/log.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sgaudit-sched-'));
  configureLog({ level: 'quiet' });
});
afterEach(async () => {
  configureLog({ level: 'normal' });
  await rm(dir, { recursive: true, force: true });
});

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });

async function readLog(path: string): Promise<{ event: string; run?: number; exitCode?: number; error?: string }[]> {
  return (await readFile(path, 'utf8')).trim().split('\n').map((line) => JSON.parse(line));
}

describe('scheduler', () => {
  it('rejects a bad cron expression with the field at fault', () => {
    expect(() => validateCron('61 * * * *')).toThrow(/invalid cron expression "61 \* \* \* \*"/);
  });

  it('skips a tick while a run is still going, then stops cleanly letting the run finish', async () => {
    const runLogPath = join(dir, 'runs.jsonl');
    let active = 0;
    let maxActive = 0;
    const scheduler = startScheduler({
      cron: '* * * * * *',
      runLogPath,
      graceMs: 5000,
      run: async () => {
        active++;
        maxActive = Math.max(maxActive, active);
        await sleep(1500); // longer than one tick: the next tick must be skipped
        active--;
        return { exitCode: 0, counts: { findings: 3 } };
      },
    });
    while (scheduler.runs() < 2) await sleep(100);
    await scheduler.stop('test');
    expect(maxActive).toBe(1);
    expect(scheduler.skipped()).toBeGreaterThanOrEqual(1);
    const entries = await readLog(runLogPath);
    expect(entries.filter((e) => e.event === 'skip').length).toBe(scheduler.skipped());
    expect(entries.filter((e) => e.event === 'end').length).toBe(scheduler.runs());
    expect(entries.filter((e) => e.event === 'end').every((e) => e.exitCode === 0)).toBe(true);
  }, 20_000);

  it('aborts a run that outlives the grace period and logs it', async () => {
    const runLogPath = join(dir, 'runs.jsonl');
    const scheduler = startScheduler({
      cron: '* * * * * *',
      runLogPath,
      graceMs: 200,
      run: async (signal) => {
        await sleep(60_000, signal);
        return { exitCode: 0 };
      },
    });
    while (scheduler.runs() < 1) await sleep(50);
    const started = Date.now();
    await scheduler.stop('test');
    expect(Date.now() - started).toBeLessThan(3000);
    const end = (await readLog(runLogPath)).find((e) => e.event === 'end');
    expect(end).toMatchObject({ exitCode: 3, error: 'aborted at shutdown' });
  }, 20_000);
});
