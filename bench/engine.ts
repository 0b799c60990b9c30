/**
 * bench/engine — the analyze → report pipeline as a user runs it, end to end, through the built
 * CLI in fresh processes, next to the stream-read floor of the same snapshot:
 *
 *   npx tsx bench/engine.ts                                  # 1k, 10k, 50k instances
 *   npx tsx bench/engine.ts --sizes 50000 --dir /tmp/est     # reuse generated snapshots
 *   npx tsx bench/engine.ts --sizes 50000 --before 492f2d8,7be3226   # also the same rows for older commits
 *
 * Per size and build it prints one table row: the floor (gunzip + JSON.parse of every line),
 * `sgaudit analyze SNAPSHOT --out FILE` wall time, its ratio to the floor (budget ≤ 3× at 50k),
 * its peak RSS (budget ≤ 1 GB), the findings file size (budget ≤ 50 MB), then `sgaudit report
 * FILE --format html,md` wall time (budget ≤ 1× analyze), peak RSS (≤ 1 GB) and the HTML size
 * (≤ 25 MB). Wall time and peak RSS come from /usr/bin/time around `node dist/cli.js`, so they
 * include start-up and module loading, as a user sees them. `--before REF,…` builds each commit in
 * a temporary git worktree (sharing node_modules) and measures it the same way in the same run.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SELF = fileURLToPath(import.meta.url);
const ROOT = resolve(SELF, '..', '..');

interface Timed {
  seconds: number;
  peakMb: number;
}

/** Runs `node cli.js …args` under /usr/bin/time: wall seconds and peak RSS of the process. */
function timedCli(cli: string, args: readonly string[]): Timed {
  const result = spawnSync('/usr/bin/time', ['-f', 'SGAUDIT-BENCH %e %M', process.execPath, cli, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const line = result.stderr.split('\n').find((text) => text.startsWith('SGAUDIT-BENCH '));
  // analyze exits 1 when --fail-on trips; anything else is a failed measurement.
  if (!line || (result.status !== 0 && result.status !== 1)) throw new Error(`${args.join(' ')} failed (exit ${result.status}): ${result.stderr.slice(-2000)}`);
  const [, seconds, kilobytes] = line.split(' ');
  return { seconds: Number(seconds), peakMb: Number(kilobytes) / 1024 };
}

/** The floor, measured in a child so its memory does not mix with anything else. */
async function floorChild(file: string): Promise<void> {
  const { readSnapshotRecordBatches } = await import('../src/model/snapshot-file.js');
  const started = performance.now();
  let records = 0;
  for await (const batch of readSnapshotRecordBatches(file, { validate: false })) records += batch.length;
  process.stdout.write(JSON.stringify({ seconds: (performance.now() - started) / 1000, records }) + '\n');
}

function floorOf(file: string): number {
  const output = execFileSync(process.execPath, ['--import', 'tsx', SELF, '--floor', file], { cwd: ROOT, encoding: 'utf8' });
  return (JSON.parse(output.trim().split('\n').at(-1) as string) as { seconds: number }).seconds;
}

/** The generated estate of bench/analyze.ts (same spec, same file name), generated when missing. */
function snapshotFor(instances: number, dir: string): string {
  const file = join(dir, `estate-${instances}.jsonl.gz`);
  if (!existsSync(file)) execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'analyze.ts'), '--child', String(instances), file, 'write'], { cwd: ROOT, stdio: 'inherit' });
  return file;
}

/** Builds a commit into a temporary worktree and returns its CLI entry point (and a cleanup). */
function buildCommit(ref: string): { cli: string; cleanup: () => void } {
  const tree = mkdtempSync(join(tmpdir(), 'sgaudit-bench-'));
  execFileSync('git', ['worktree', 'add', '--detach', '--force', tree, ref], { cwd: ROOT, stdio: 'ignore' });
  symlinkSync(join(ROOT, 'node_modules'), join(tree, 'node_modules'));
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: tree, stdio: 'inherit' });
  return {
    cli: join(tree, 'dist', 'cli.js'),
    cleanup: () => {
      execFileSync('git', ['worktree', 'remove', '--force', tree], { cwd: ROOT, stdio: 'ignore' });
      rmSync(tree, { recursive: true, force: true });
    },
  };
}

function buildCurrent(): string {
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  return join(ROOT, 'dist', 'cli.js');
}

interface Row {
  build: string;
  instances: number;
  floor: number;
  analyze: Timed;
  findingsMb: number;
  report: Timed;
  htmlMb: number;
}

function measure(build: string, cli: string, instances: number, snapshot: string, floor: number, out: string): Row {
  const findings = join(out, `findings-${build}-${instances}.jsonl.gz`);
  const analyze = timedCli(cli, ['analyze', snapshot, '--out', findings]);
  const reports = join(out, `reports-${build}-${instances}`);
  mkdirSync(reports, { recursive: true });
  // --name: the default file name changed between versions.
  const report = timedCli(cli, ['report', findings, '--format', 'html,md', '--out', reports, '--name', 'bench']);
  return {
    build,
    instances,
    floor,
    analyze,
    findingsMb: statSync(findings).size / 2 ** 20,
    report,
    htmlMb: statSync(join(reports, 'bench.html')).size / 2 ** 20,
  };
}

function printRow(row: Row): void {
  const cells = [
    row.build.padEnd(10),
    row.instances.toLocaleString('en-US').padStart(7),
    `${row.floor.toFixed(2)} s`.padStart(7),
    `${row.analyze.seconds.toFixed(2)} s`.padStart(8),
    `${(row.analyze.seconds / row.floor).toFixed(1)}×`.padStart(6),
    `${row.analyze.peakMb.toFixed(0)} MB`.padStart(8),
    `${row.findingsMb.toFixed(1)} MB`.padStart(9),
    `${row.report.seconds.toFixed(2)} s`.padStart(8),
    `${(row.report.seconds / row.analyze.seconds).toFixed(2)}×`.padStart(6),
    `${row.report.peakMb.toFixed(0)} MB`.padStart(8),
    `${row.htmlMb.toFixed(1)} MB`.padStart(8),
  ];
  process.stdout.write(`| ${cells.join(' | ')} |\n`);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--floor') return floorChild(args[1] as string);
  const value = (flag: string) => {
    const at = args.indexOf(flag);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const sizes = (value('--sizes') ?? '1000,10000,50000').split(',').map(Number);
  const dir = value('--dir') ?? mkdtempSync(join(tmpdir(), 'sgaudit-engine-'));
  const before = value('--before');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, 'engine-out');
  mkdirSync(out, { recursive: true });

  const builds: { name: string; cli: string; cleanup?: () => void }[] = [];
  for (const ref of before ? before.split(',') : []) builds.push({ name: ref.slice(0, 7), ...buildCommit(ref) });
  builds.push({ name: 'now', cli: buildCurrent() });
  try {
    process.stdout.write('| build | instances | floor | analyze -o | × floor | analyze RSS | findings file | report html+md | × analyze | report RSS | HTML |\n');
    process.stdout.write('|---|---|---|---|---|---|---|---|---|---|---|\n');
    for (const instances of sizes) {
      const snapshot = snapshotFor(instances, dir);
      const floor = floorOf(snapshot);
      for (const build of builds) printRow(measure(build.name.replace(/\s+/g, '-'), build.cli, instances, snapshot, floor, out));
    }
  } finally {
    for (const build of builds) build.cleanup?.();
  }
}

await main();
