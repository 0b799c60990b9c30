import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS, generateEstate, startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { readSnapshot } from '../../src/model/snapshot-file.js';
import { configureLog } from '../../src/util/log.js';
import { runMainWithEnv, type MainRun } from '../ops/helpers.js';
import { withTempDir } from './helpers.js';

const estate = generateEstate({ instances: 12, groups: 6, rulesPerGroup: 3, enis: 16, eips: 3, accounts: 1, regions: 2, prefixLists: 1, seed: 3 });
const [allowedRegion, forbiddenRegion] = estate.accounts[0]!.regions.map((region) => region.regionId) as [string, string];

/** Run the real CLI in-process with the given env (restored afterwards), capturing stdout/stderr. */
const runCli = (args: string[], env: Record<string, string>): Promise<MainRun> => runMainWithEnv(args, env);

async function snapshotText(dir: string): Promise<{ path: string; text: string }[]> {
  const files = (await readdir(dir)).filter((name) => name.endsWith('.jsonl.gz'));
  return Promise.all(files.map(async (name) => ({ path: join(dir, name), text: gunzipSync(await readFile(join(dir, name))).toString('utf8') })));
}

describe('sgaudit collect (command)', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startEmulator({ estate, faults: { forbidRegions: [forbiddenRegion] } });
  });
  afterAll(async () => {
    await emulator.close();
  });
  afterEach(() => configureLog({ level: 'normal', format: 'text' }));

  const env = { ALIBABA_CLOUD_ACCESS_KEY_ID: DEMO_CREDENTIALS.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: DEMO_CREDENTIALS.accessKeySecret };

  it('writes the snapshot into --out, prints its path, warns per incomplete scope, exits 0; --strict exits 3', async () => {
    await withTempDir(async (dir) => {
      const relaxed = await runCli(['collect', '--endpoint', emulator.url, '--regions', `${allowedRegion},${forbiddenRegion}`, '--out', dir], env);
      expect(relaxed.code).toBe(0);
      const path = relaxed.stdout.trim();
      expect(path.startsWith(dir)).toBe(true);
      const snapshot = await readSnapshot(path);
      expect(snapshot.coverage.filter((entry) => entry.regionId === forbiddenRegion).every((entry) => entry.status === 'denied')).toBe(true);
      const warnings = relaxed.stderr.split('\n').filter((line) => line.startsWith('warn:') && line.includes(forbiddenRegion));
      expect(warnings).toHaveLength(7);
      expect(warnings[0]).toMatch(/account \S+, region \S+, Describe\w+, denied, code Forbidden\.RAM, request id \S+/);

      const strict = await runCli(['collect', '--endpoint', emulator.url, '--regions', `${allowedRegion},${forbiddenRegion}`, '--out', dir, '--strict'], env);
      expect(strict.code).toBe(3);
      expect(strict.stdout.trim()).toMatch(/\.jsonl\.gz$/);
      expect(strict.stderr).toMatch(/collection incomplete \(--strict\)/);

      const complete = await runCli(['collect', '--endpoint', emulator.url, '--regions', allowedRegion, '--out', dir, '--strict'], env);
      expect(complete.code).toBe(0);

      // The secret appears in no snapshot, no stdout and no stderr.
      for (const run of [relaxed, strict, complete]) expect(run.stdout + run.stderr).not.toContain(DEMO_CREDENTIALS.accessKeySecret);
      const files = await snapshotText(dir);
      expect(files).toHaveLength(3);
      for (const file of files) expect(file.text).not.toContain(DEMO_CREDENTIALS.accessKeySecret);
    });
  });

  it('a wrong secret is denied everywhere and never echoed', async () => {
    const wrongSecret = 'wrong-secret-Zq7PvX3mN9';
    await withTempDir(async (dir) => {
      const run = await runCli(['collect', '--endpoint', emulator.url, '--regions', allowedRegion, '--out', dir, '--strict'], { ...env, ALIBABA_CLOUD_ACCESS_KEY_SECRET: wrongSecret });
      expect(run.code).toBe(3);
      const [file] = await snapshotText(dir);
      const snapshot = await readSnapshot(file!.path);
      expect(snapshot.coverage.every((entry) => entry.status === 'denied' && entry.code === 'SignatureDoesNotMatch')).toBe(true);
      for (const text of [run.stdout, run.stderr, file!.text, ...snapshot.coverage.map((entry) => entry.message ?? '')]) {
        expect(text).not.toContain(wrongSecret);
        expect(text).not.toContain(DEMO_CREDENTIALS.accessKeySecret);
      }
    });
  });

  it('usage errors exit 2 with one line', async () => {
    const run = await runCli(['collect', '--accounts', '1,2'], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--accounts needs --role-name/);
  });
});
