import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS, sampleEstate, startEmulator } from '../../src/emulator/index.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { listFiles, spawnCli } from './helpers.js';

let emulator: RunningEmulator;
let dir: string;
beforeAll(async () => {
  // Latency makes one scan last longer than one tick of an every-second schedule.
  emulator = await startEmulator({ estate: sampleEstate(), faults: { latencyMs: 400 } });
  dir = await mkdtemp(join(tmpdir(), 'sgaudit-schedule-'));
});
afterAll(async () => {
  await emulator.close();
  await rm(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('sgaudit schedule', () => {
  it('runs scans every second without overlap, then stops cleanly on SIGTERM leaving no temp files', async () => {
    const env = { ALIBABA_CLOUD_ACCESS_KEY_ID: DEMO_CREDENTIALS.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: DEMO_CREDENTIALS.accessKeySecret };
    const run = spawnCli(['schedule', '--cron', '* * * * * *', '--endpoint', emulator.url, '--regions', 'cn-hangzhou', '--grace-seconds', '30'], { cwd: dir, env, timeoutMs: 120_000 });
    const runLog = join(dir, 'reports', 'runs.jsonl');
    const entries = async () =>
      (await readFile(runLog, 'utf8').catch(() => ''))
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { event: string; exitCode?: number; snapshotPath?: string });
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      const log = await entries();
      if (log.filter((e) => e.event === 'end').length >= 2 && log.some((e) => e.event === 'skip')) break;
      await sleep(200);
    }
    // Stop in the middle of a run: it must finish (grace period) rather than leave partial files.
    run.child.kill('SIGTERM');
    const result = await run.done;
    const log = await entries();
    const ends = log.filter((e) => e.event === 'end');
    expect(result.code, result.stderr).toBe(0);
    expect(ends.length).toBeGreaterThanOrEqual(2);
    expect(ends.every((e) => e.exitCode === 0)).toBe(true);
    expect(log.filter((e) => e.event === 'skip').length).toBeGreaterThanOrEqual(1);
    expect(log.filter((e) => e.event === 'start').length).toBe(ends.length);
    expect(result.stderr).toMatch(/skipping scheduled run: the previous run is still going/);
    expect(result.stderr).toMatch(/SIGTERM received/);
    const files = await listFiles(dir);
    expect(files.filter((f) => f.includes('.sgaudit-tmp'))).toEqual([]);
    // One snapshot and one findings file per finished run.
    expect(files.filter((f) => f.endsWith('.jsonl.gz') && !f.endsWith('findings.jsonl.gz')).length).toBe(ends.length);
    expect(files.filter((f) => f.endsWith('findings.jsonl.gz')).length).toBe(ends.length);
  }, 150_000);
});
