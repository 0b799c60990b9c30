import { copyFile, mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateEstate } from '../../src/emulator/index.js';
import { writeSnapshot } from '../../src/model/snapshot-file.js';
import type { Snapshot } from '../../src/model/snapshot.js';
import { readApprovedBaseline } from '../../src/store/baseline.js';
import { snapshotFileName } from '../../src/store/index.js';
import { removeStaleTempFiles } from '../../src/store/stale-temp.js';
import { runMain, spawnCli } from '../ops/helpers.js';
import { expectConsistent, killDuring, namesIn, seeded, sha256, storeHashes, tempFilesIn } from './crash-helpers.js';

/**
 * Crash safety of `baseline approve` and `snapshots prune` (issue 16, item 7): the CLI in a child
 * process SIGKILLed at seeded random points of its run (the length measured by one unkilled run);
 * the store stays consistent, the approval in force is the old one or the new one, never neither,
 * and the next run succeeds and removes temp files whose writer is gone, in one log line.
 */
const KILLS_PER_COMMAND = 6;
const SNAPSHOTS = 5;

let dir: string;
let template: string;
const names: string[] = [];
const hashes = new Map<string, string>();
const env: NodeJS.ProcessEnv = { SGAUDIT_CONFIG: '' };
let deadPid = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sgaudit-crash-store-'));
  template = join(dir, 'template');
  // Big enough (~3,000 instances) that verifying and copying a snapshot takes a window worth aiming at.
  const estate = generateEstate({ instances: 3000, groups: 300, rulesPerGroup: 10, seed: 5 });
  for (let i = 0; i < SNAPSHOTS; i++) {
    const takenAt = new Date(Date.UTC(2026, 10, 20 + i, 2)).toISOString();
    const snapshot: Snapshot = { schema: 'sgaudit/snapshot@1', id: `snap${i}0000000`, takenAt, tool: { name: 'sgaudit', version: 'test' }, provider: 'alicloud', coverage: [], accounts: estate.accounts };
    const name = snapshotFileName(takenAt, snapshot.id);
    await writeSnapshot(join(template, name), snapshot);
    names.push(name);
    hashes.set(name, await sha256(join(template, name)));
  }
  // A pid that is certainly gone: a child that has exited.
  const exited = spawnCli(['--version']);
  deadPid = exited.child.pid ?? 0;
  await exited.done;
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function freshStore(name: string): Promise<string> {
  const store = join(dir, name);
  await rm(store, { recursive: true, force: true });
  await mkdir(store, { recursive: true });
  for (const file of names) await copyFile(join(template, file), join(store, file));
  return store;
}

async function timeRun(args: string[]): Promise<number> {
  const started = Date.now();
  const run = await spawnCli(args, { cwd: dir, env }).done;
  expect(run.code, run.stderr).toBe(0);
  return Date.now() - started;
}

describe('SIGKILL during baseline approve', () => {
  it(`keeps the old approval or the new one at ${KILLS_PER_COMMAND} random points; the next run cleans up`, async () => {
    const store = await freshStore('approve');
    const approveArgs = (i: number) => ['baseline', 'approve', join(store, names[i % names.length] as string), '--store', store, '--note', `kill ${i}`];
    expect((await runMain(['--quiet', ...approveArgs(0)])).code).toBe(0);
    const totalMs = await timeRun(approveArgs(1));
    const random = seeded(3);
    const tempDirs = async () => [store, join(store, 'baselines')];
    let kills = 0;
    let leftBehind = 0;
    let attempts = 0;
    for (; kills < KILLS_PER_COMMAND && attempts < 4 * KILLS_PER_COMMAND; attempts++) {
      const before = await readApprovedBaseline(store);
      const i = attempts + 2;
      // Past most of start-up (module loading) and short of the measured end, which a busy machine
      // can make come sooner than in the measuring run; a run that ends first is not counted.
      const outcome = await killDuring(approveArgs(i), { cwd: dir, env, delayMs: Math.floor(totalMs * (0.4 + 0.45 * random())), tempDirs });
      if (outcome.killed) kills++;
      leftBehind += outcome.leftBehind.length;
      await expectConsistent(store);
      const after = await readApprovedBaseline(store);
      expect([before?.snapshotId, `snap${(i % names.length).toString()}0000000`]).toContain(after?.snapshotId);
      expect(await storeHashes(store)).toEqual(hashes);

      const next = await runMain(approveArgs(i));
      expect(next.code, next.stderr).toBe(0);
      const lines = next.stderr.split('\n').filter((line) => line.includes('temporary file(s) left by interrupted runs'));
      expect(lines).toHaveLength(outcome.leftBehind.length > 0 ? 1 : 0);
      expect(await tempFilesIn(await tempDirs())).toEqual([]);
      expect((await readApprovedBaseline(store))?.note).toBe(`kill ${i}`);
      await expectConsistent(store);
    }
    console.log(`baseline approve: ${kills} runs killed mid-run of ${attempts} started (run ${totalMs} ms); ${leftBehind} temp file(s) left behind, all removed by the next run`);
    expect(kills).toBe(KILLS_PER_COMMAND);
  });
});

describe('SIGKILL during snapshots prune', () => {
  it(`deletes whole snapshots only at ${KILLS_PER_COMMAND} random points; the next run finishes and removes dead writers' temp files`, async () => {
    const pruneArgs = (store: string) => ['snapshots', 'prune', '--keep', '2', '--store', store];
    const totalMs = await timeRun(pruneArgs(await freshStore('prune')));
    const random = seeded(4);
    let kills = 0;
    let attempts = 0;
    for (; kills < KILLS_PER_COMMAND && attempts < 4 * KILLS_PER_COMMAND; attempts++) {
      const store = await freshStore('prune');
      // What a writer killed earlier left: the body of a snapshot, and a half-written baseline copy.
      const stale = [join(store, `.sgaudit-tmp-body-x.jsonl.gz.${deadPid}.0123abcd`), join(store, 'baselines', `.sgaudit-tmp-x.jsonl.gz.${deadPid}.4567cdef`)];
      await mkdir(join(store, 'baselines'), { recursive: true });
      for (const path of stale) await writeFile(path, 'partial');
      const outcome = await killDuring(pruneArgs(store), { cwd: dir, env, delayMs: Math.floor(totalMs * (0.4 + 0.45 * random())), tempDirs: async () => [store] });
      if (outcome.killed) kills++;
      await expectConsistent(store);
      // Every snapshot still there is whole and unchanged; the two newest are always kept.
      const left = await storeHashes(store);
      for (const [name, hash] of left) expect(hash).toBe(hashes.get(name));
      for (const name of names.slice(-2)) expect(left.has(name)).toBe(true);

      const next = await runMain(pruneArgs(store));
      expect(next.code, next.stderr).toBe(0);
      expect((await namesIn(store)).filter((name) => name.endsWith('.jsonl.gz'))).toEqual(names.slice(-2));
      expect(await tempFilesIn([store, join(store, 'baselines')])).toEqual([]);
      const remaining = (await Promise.all(stale.map(async (path) => (await namesIn(join(path, '..'))).some((name) => path.endsWith(name))))).filter(Boolean);
      expect(remaining).toEqual([]);
    }
    console.log(`snapshots prune: ${kills} runs killed mid-run of ${attempts} started (run ${totalMs} ms); the stale temp files were removed by the killed run or the next`);
    expect(kills).toBe(KILLS_PER_COMMAND);
  });
});

describe('removing temp files whose writer is gone', () => {
  it('removes a dead pid’s file and an old one, keeps a live writer’s, and says so in one line', async () => {
    const store = join(dir, 'sweep');
    await mkdir(store, { recursive: true });
    const dead = join(store, `.sgaudit-tmp-body-a.jsonl.gz.${deadPid}.0123abcd`);
    const live = join(store, `.sgaudit-tmp-b.jsonl.gz.${process.pid}.89abcdef`);
    const old = join(store, `.sgaudit-tmp-c.jsonl.gz.${process.pid}.fedcba98`);
    const unrelated = join(store, 'notes.txt');
    for (const path of [dead, live, old, unrelated]) await writeFile(path, 'x');
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    await utimes(old, twoDaysAgo, twoDaysAgo);
    const lines: string[] = [];
    const { configureLog } = await import('../../src/util/log.js');
    configureLog({ sink: (line) => lines.push(line) });
    try {
      expect(await removeStaleTempFiles([store], { dryRun: true })).toEqual([dead, old].sort());
      expect((await namesIn(store)).length).toBe(4);
      expect((await removeStaleTempFiles([store, join(store, 'missing')])).sort()).toEqual([dead, old].sort());
    } finally {
      configureLog({ sink: (line) => process.stderr.write(`${line}\n`) });
    }
    expect(await namesIn(store)).toEqual([`.sgaudit-tmp-b.jsonl.gz.${process.pid}.89abcdef`, 'notes.txt']);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^would remove 2 temporary file\(s\) left by interrupted runs \(writer gone, untouched for over 24 hours\): /);
    expect(lines[1]).toMatch(/^removed 2 temporary file\(s\)/);
  });
});
