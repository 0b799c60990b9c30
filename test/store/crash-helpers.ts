import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { createRandom } from '../../src/emulator/random.js';
import { readSnapshot } from '../../src/model/snapshot-file.js';
import { readFindingsDocument } from '../../src/report/read-findings.js';
import { readApprovedBaseline } from '../../src/store/baseline.js';
import { spawnCli, type CliRun } from '../ops/helpers.js';

/**
 * Crash safety (issue 16, item 7): the real CLI in a child process, SIGKILLed at seeded random
 * points, then the store checked as a reader would see it.
 */

/** The kill points are reproducible from the seed (the emulator's PRNG). */
export const seeded = (seed: number): (() => number) => createRandom(seed);

const TEMP = '.sgaudit-tmp-';

export async function namesIn(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch {
    return [];
  }
}

export async function tempFilesIn(dirs: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const dir of dirs) for (const name of await namesIn(dir)) if (name.startsWith(TEMP)) found.push(join(dir, name));
  return found;
}

export async function sha256(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex');
}

/** Hashes of the visible snapshots of a store. */
export async function storeHashes(store: string): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  for (const name of await namesIn(store)) if (name.endsWith('.jsonl.gz') && !name.startsWith('.')) hashes.set(name, await sha256(join(store, name)));
  return hashes;
}

/**
 * Everything a reader sees is whole: every visible snapshot (store and baselines) reads to its end
 * record, the approval record parses and names a readable copy, and every visible report file of
 * every run directory is complete.
 */
export async function expectConsistent(store: string, reportsDir?: string): Promise<void> {
  for (const dir of [store, join(store, 'baselines')]) {
    for (const name of await namesIn(dir)) {
      if (name.startsWith('.') || !name.endsWith('.jsonl.gz')) continue;
      await expect(readSnapshot(join(dir, name)), join(dir, name)).resolves.toBeDefined();
    }
  }
  const approved = await readApprovedBaseline(store);
  if (approved) await expect(readSnapshot(approved.absolutePath)).resolves.toBeDefined();
  if (!reportsDir) return;
  for (const run of await namesIn(reportsDir)) {
    if (!/^\d{8}T\d{6}Z$/.test(run)) continue;
    for (const name of await namesIn(join(reportsDir, run))) {
      if (name.startsWith('.')) continue;
      const path = join(reportsDir, run, name);
      if (name.endsWith('.jsonl.gz')) await expect(readFindingsDocument(path), path).resolves.toBeDefined();
      else if (name.endsWith('.html')) expect((await readFile(path, 'utf8')).trimEnd().endsWith('</html>'), path).toBe(true);
      else if (name.endsWith('.json') || name.endsWith('.sarif')) {
        const text = await readFile(path, 'utf8');
        expect(() => JSON.parse(text) as unknown, path).not.toThrow();
      }
    }
  }
}

export interface KillOutcome {
  killed: boolean;
  /** Temp files right after the kill (what a killed run leaves behind). */
  leftBehind: string[];
  run: CliRun;
}

/**
 * Start the CLI, wait until `started()` says it is at work, then SIGKILL it after `delayMs`
 * (a run that finishes first is not a kill point).
 */
export async function killDuring(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; delayMs: number; started?: () => boolean; tempDirs: () => Promise<string[]> }): Promise<KillOutcome> {
  const child = spawnCli(args, { cwd: options.cwd, env: options.env, timeoutMs: 30_000 });
  let exited = false;
  void child.done.then(() => (exited = true));
  if (options.started) {
    while (!options.started() && !exited) await new Promise((r) => setTimeout(r, 3));
  }
  await new Promise((r) => setTimeout(r, options.delayMs));
  const killed = !exited && child.child.kill('SIGKILL');
  const run = await child.done;
  return { killed: killed && run.signal === 'SIGKILL', leftBehind: await tempFilesIn(await options.tempDirs()), run };
}
