import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS, sampleEstate, startEmulator } from '../../src/emulator/index.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { readSnapshot } from '../../src/model/snapshot-file.js';
import { runMain, spawnCli } from '../ops/helpers.js';
import { expectConsistent, killDuring, seeded, storeHashes, tempFilesIn } from './crash-helpers.js';

/**
 * Crash safety of `collect` and `scan` (issue 16, item 7): the CLI in a child process, SIGKILLed at
 * seeded random points after it has started talking to the cloud (the window measured by one
 * unkilled run). After each kill the store is consistent (no partial file visible, earlier
 * snapshots byte-identical), and the next run succeeds and removes the temp files the killed
 * writer left, saying so in one log line. One command per test file, so each file stays short.
 */
const KILLS_PER_COMMAND = 5;

export function describeKills(command: 'collect' | 'scan', seed: number): void {
  let dir: string;
  let store: string;
  let reports: string;
  let emulator: RunningEmulator;
  const env: NodeJS.ProcessEnv = { ALIBABA_CLOUD_ACCESS_KEY_ID: DEMO_CREDENTIALS.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: DEMO_CREDENTIALS.accessKeySecret, SGAUDIT_CONFIG: '' };
  const saved = { ...process.env };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sgaudit-crash-'));
    store = join(dir, 'snapshots');
    reports = join(dir, 'reports');
    // Latency spreads a small estate's collection over a window worth aiming at.
    emulator = await startEmulator({ estate: sampleEstate(), faults: { latencyMs: 25 } });
    await writeFile(join(dir, 'sgaudit.yaml'), `store: { dir: ${JSON.stringify(store)} }\nreports: { dir: ${JSON.stringify(reports)}, formats: [html, md, csv, sarif, json] }\n`);
    Object.assign(process.env, env);
  });

  afterAll(async () => {
    process.env = saved;
    await emulator.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Where a collect or scan writes: the store, its baselines, the reports directory and its runs. */
  const tempDirs = async () => {
    let runs: string[] = [];
    try {
      runs = (await readdir(reports)).map((name) => join(reports, name));
    } catch {
      // no reports yet
    }
    return [store, join(store, 'baselines'), reports, ...runs];
  };

  describe(`SIGKILL during ${command}`, () => {
    const args = () => [command, '--config', join(dir, 'sgaudit.yaml'), '--endpoint', emulator.url, '--regions', 'cn-hangzhou,ap-southeast-1'];

    it(`leaves the store consistent at ${KILLS_PER_COMMAND} random points, and the next run cleans up after it`, async () => {
      // A snapshot before the kills, and the length of the window: first request → exit.
      expect((await runMain(['--quiet', ...args()])).code).toBe(0);
      const calibration = spawnCli(args(), { cwd: dir, env });
      const before = emulator.requests().length;
      while (emulator.requests().length === before) await new Promise((r) => setTimeout(r, 3));
      const startedAt = Date.now();
      expect((await calibration.done).code).toBe(0);
      const windowMs = Date.now() - startedAt;

      const random = seeded(seed);
      let kills = 0;
      let leftBehind = 0;
      let attempts = 0;
      // A run that finishes before its kill point is not a kill point: draw another (bounded).
      for (; kills < KILLS_PER_COMMAND && attempts < 4 * KILLS_PER_COMMAND; attempts++) {
        const previous = await storeHashes(store);
        const seen = emulator.requests().length;
        const outcome = await killDuring(args(), { cwd: dir, env, delayMs: Math.floor(random() * windowMs * 0.9), started: () => emulator.requests().length > seen, tempDirs });
        if (outcome.killed) kills++;
        leftBehind += outcome.leftBehind.length;

        // What a reader sees: whole files only, earlier snapshots untouched.
        await expectConsistent(store, reports);
        const after = await storeHashes(store);
        for (const [name, hash] of previous) expect(after.get(name), name).toBe(hash);

        // The next run succeeds, and removes what the killed writer left, in one line.
        const next = await runMain(args());
        expect(next.code, next.stderr).toBe(0);
        const lines = next.stderr.split('\n').filter((line) => line.includes('temporary file(s) left by interrupted runs'));
        if (outcome.leftBehind.length > 0) {
          expect(lines).toHaveLength(1);
          expect(lines[0]).toContain(`removed ${outcome.leftBehind.length} temporary file(s) left by interrupted runs (writer gone)`);
        } else {
          expect(lines).toEqual([]);
        }
        expect(await tempFilesIn(await tempDirs())).toEqual([]);
        await expect(readSnapshot(next.stdout.split('\n')[0] ?? '')).resolves.toBeDefined();
        await expectConsistent(store, reports);
      }
      console.log(`${command}: ${kills} runs killed mid-run of ${attempts} started (window ${windowMs} ms after the first request); ${leftBehind} temp file(s) left behind, all removed by the next run`);
      expect(kills).toBe(KILLS_PER_COMMAND);
    });
  });
}
