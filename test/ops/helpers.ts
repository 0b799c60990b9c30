import { spawn } from 'node:child_process';
import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { vi } from 'vitest';
import { main } from '../../src/cli.js';
import { DEMO_CREDENTIALS, sampleEstate, startEmulator } from '../../src/emulator/index.js';
import { configureLog } from '../../src/util/log.js';

export const REPO = resolve(import.meta.dirname, '../..');
const CLI = join(REPO, 'src/cli.ts');
// Absolute, so the child can run in any working directory (tests use temp dirs as cwd).
const TSX = pathToFileURL(join(REPO, 'node_modules/tsx/dist/loader.mjs')).href;

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Run the real CLI in a child process (through tsx, so no build step is needed). */
export function spawnCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}) {
  const child = spawn(process.execPath, ['--import', TSX, CLI, ...args], {
    cwd: options.cwd ?? REPO,
    env: { ...process.env, NO_COLOR: '1', CI: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  const done = new Promise<CliRun>((resolvePromise) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
  });
  return { child, done, output: () => ({ stdout, stderr }) };
}

/** Every file below dir, relative paths. */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1));
}

export interface MainRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Run the real entry point in-process (much faster than a child), capturing what it writes.
 * `whileRunning` sees the output so far, e.g. to stop a long-running command once it has started.
 */
export async function runMain(args: string[], whileRunning?: (output: () => { stdout: string; stderr: string }) => Promise<void>): Promise<MainRun> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  process.exitCode = undefined;
  try {
    const running = main(['node', 'sgaudit', ...args]);
    await whileRunning?.(() => ({ stdout, stderr }));
    return { code: await running, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = undefined;
    configureLog({ level: 'normal', format: 'text' });
  }
}

/** runMain with some environment variables set for the run (restored afterwards). */
export async function runMainWithEnv(args: string[], env: Record<string, string>): Promise<MainRun> {
  const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  Object.assign(process.env, env);
  try {
    return await runMain(args);
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

export interface DemoWorkspace {
  /** A temp directory laid out like a user's: snapshots/ (the store), findings.jsonl.gz, state.json. */
  dir: string;
  endpoint: string;
  /** The stored snapshots, oldest first. */
  snapshots: string[];
  close(): Promise<void>;
}

/**
 * The emulator on the built-in sample estate, and a workspace with `snapshots` collected from it
 * through the real CLI, the newest analyzed into findings.jsonl.gz. Sets the demo credentials in the
 * environment (restored by close()).
 */
export async function createDemoWorkspace(snapshots = 2): Promise<DemoWorkspace> {
  const saved = { ...process.env };
  process.env.ALIBABA_CLOUD_ACCESS_KEY_ID = DEMO_CREDENTIALS.accessKeyId;
  process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET = DEMO_CREDENTIALS.accessKeySecret;
  process.env.SGAUDIT_CONFIG = '';
  const emulator = await startEmulator({ estate: sampleEstate() });
  const dir = await mkdtemp(join(tmpdir(), 'sgaudit-workspace-'));
  const store = join(dir, 'snapshots');
  const collected: string[] = [];
  for (let i = 0; i < snapshots; i++) {
    const run = await runMain(['--quiet', 'collect', '--endpoint', emulator.url, '--regions', 'cn-hangzhou,ap-southeast-1', '--store', store]);
    if (run.code !== 0) throw new Error(`collect failed: ${run.stderr}`);
    collected.push(run.stdout.trim());
  }
  const analyzed = await runMain(['--quiet', 'analyze', collected.at(-1) as string, '-o', join(dir, 'findings.jsonl.gz')]);
  if (analyzed.code !== 0) throw new Error(`analyze failed: ${analyzed.stderr}`);
  await copyFile(join(REPO, 'test/fixtures/drift/terraform/hand-added-rule.tfstate.json'), join(dir, 'state.json'));
  return {
    dir,
    endpoint: emulator.url,
    snapshots: collected,
    async close() {
      process.env = saved;
      await emulator.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
