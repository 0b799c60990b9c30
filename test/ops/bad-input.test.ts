import { spawn } from 'node:child_process';
import { chmod, copyFile, link, mkdir, mkdtemp, open, readdir, rm } from 'node:fs/promises';
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleEstate } from '../../src/emulator/index.js';
import { writeSnapshot } from '../../src/model/snapshot-file.js';
import { REPO, runMain } from './helpers.js';

/**
 * The bad-input corpus (test/fixtures/bad/, described in its README) through the real CLI: for
 * every kind of file sgaudit reads, every file of the corpus, and the cases made on the fly (100 MB
 * of junk, a directory where a file belongs, a file without read permission), each command that
 * reads that kind exits 2 with one error line naming the file and the problem, prints nothing on
 * stdout, and writes nothing.
 */

const BAD = join(REPO, 'test/fixtures/bad');
// eslint-disable-next-line no-control-regex -- control characters are what must not get through
const RAW_UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

interface Workspace {
  dir: string;
  good: string;
  junk: string;
}

/** How a command reads one file kind; `out` is a path that must not exist afterwards. */
interface Reader {
  name: string;
  args: (file: string, w: Workspace, out: string) => string[];
  /** Prepares the file where the command looks for it (the approved baseline record of a store). */
  place?: (file: string, w: Workspace, out: string) => Promise<string>;
}

const snapshotReaders: Reader[] = [
  { name: 'analyze', args: (file, _w, out) => ['analyze', file, '-o', join(out, 'findings.jsonl.gz')] },
  { name: 'explain', args: (file) => ['explain', file, 'i-1'] },
  { name: 'diff (old)', args: (file, w, out) => ['diff', file, w.good, '-o', join(out, 'drift.md')] },
  { name: 'diff (new)', args: (file, w, out) => ['diff', w.good, file, '-o', join(out, 'drift.md')] },
  { name: 'baseline approve', args: (file, _w, out) => ['baseline', 'approve', file, '--store', out] },
  { name: 'snapshots export', args: (file, _w, out) => ['snapshots', 'export', file, '-o', join(out, 'nested.json')] },
  { name: 'analyze --against', args: (file, w, out) => ['analyze', w.good, '--against', file, '-o', join(out, 'findings.jsonl.gz')] },
];

const KINDS: Record<string, { readers: Reader[]; extension: string }> = {
  snapshot: { readers: snapshotReaders, extension: '.jsonl.gz' },
  'snapshot-json': { readers: snapshotReaders.filter((reader) => reader.name !== 'diff (old)'), extension: '.json' },
  findings: { readers: [{ name: 'report', args: (file, _w, out) => ['report', file, '--out', out, '--format', 'html,md,json,csv,sarif'] }], extension: '.jsonl.gz' },
  config: {
    readers: [
      { name: 'analyze --config', args: (file, w, out) => ['analyze', w.good, '--config', file, '-o', join(out, 'findings.jsonl.gz')] },
      { name: 'collect --config', args: (file, _w, out) => ['collect', '--config', file, '--store', out, '--endpoint', 'http://127.0.0.1:9'] },
      { name: 'report --config', args: (file, _w, out) => ['report', join(REPO, 'test/fixtures/report/findings.json'), '--config', file, '--out', out] },
    ],
    extension: '.yaml',
  },
  baseline: {
    readers: [
      {
        name: 'analyze --against approved',
        place: async (file, w, out) => {
          const store = join(w.dir, `store-${Math.random().toString(36).slice(2)}`);
          await mkdir(join(store, 'baselines'), { recursive: true });
          await copyFile(file, join(store, 'baselines', 'approved.json'));
          return join(store, 'baselines', 'approved.json') + `\0${store}\0${out}`;
        },
        args: (placed) => {
          const [, store, out] = placed.split('\0') as [string, string, string];
          return ['analyze', join(store, '..', 'good.jsonl.gz'), '--against', 'approved', '--store', store, '-o', join(out, 'findings.jsonl.gz')];
        },
      },
    ],
    extension: '.json',
  },
  tfstate: {
    readers: [
      { name: 'diff', args: (file, w, out) => ['diff', file, w.good, '-o', join(out, 'drift.md')] },
      { name: 'analyze --terraform-state', args: (file, w, out) => ['analyze', w.good, '--terraform-state', file, '-o', join(out, 'findings.jsonl.gz')] },
    ],
    extension: '.tfstate',
  },
  estate: { readers: [{ name: 'emulator --estate', args: (file) => ['emulator', '--estate', file, '--port', '0'] }], extension: '.json' },
};

/** The problem each corpus file must be named with (after `<file>[:line]: `). */
const PROBLEMS: Record<string, RegExp> = {
  'snapshot/empty.jsonl.gz': /empty file/,
  'snapshot/empty-gzip.jsonl.gz': /empty file/,
  'snapshot/truncated.jsonl.gz': /truncated \(the compressed stream ends early\)/,
  'snapshot/truncated-at-a-line.jsonl.gz': /truncated \(no end record\)/,
  'snapshot/gzip-of-junk.jsonl.gz': /not an sgaudit snapshot \(first line is not JSON\)/,
  'snapshot/junk-with-gzip-magic.jsonl.gz': /corrupt gzip data/,
  'snapshot/invalid-json.jsonl.gz': /corrupt record \(not JSON\)/,
  'snapshot/wrong-schema-version.jsonl.gz': /unsupported snapshot schema sgaudit\/snapshot@9/,
  'snapshot/other-tool.jsonl.gz': /not an sgaudit snapshot/,
  'snapshot/findings-file.jsonl.gz': /not a snapshot: it is a findings document/,
  'snapshot/wrong-types-deep.jsonl.gz': /invalid securityGroup: rules\.0\.ports\.from: .*expected number/,
  'snapshot/unknown-keys.jsonl.gz': /invalid header: .*Unrecognized key: "sneaky"/,
  'snapshot/escape-sequences.jsonl.gz': /not an sgaudit snapshot/,
  'snapshot/escape-sequences-plain.jsonl.gz': /not an sgaudit snapshot/,
  'snapshot-json/empty.json': /not valid JSON/,
  'snapshot-json/truncated.json': /not valid JSON/,
  'snapshot-json/invalid-json.json': /not valid JSON/,
  'snapshot-json/wrong-schema-version.json': /unsupported snapshot schema sgaudit\/snapshot@9/,
  'snapshot-json/other-tool.json': /not an sgaudit snapshot \(schema missing\)/,
  'snapshot-json/wrong-types-deep.json': /invalid snapshot: accounts\.0\.regions\.0\.securityGroups\.0\.rules\.0\.priority: .*expected number/,
  'snapshot-json/unknown-keys.json': /Unrecognized key: "sneaky"/,
  'snapshot-json/escape-sequences.json': /not valid JSON/,
  'snapshot-json/array.json': /not an sgaudit snapshot \(schema missing\)/,
  'findings/empty.jsonl.gz': /empty file/,
  'findings/empty-gzip.jsonl.gz': /empty file/,
  'findings/truncated.jsonl.gz': /truncated \(the compressed stream ends early\)/,
  'findings/truncated-at-a-line.jsonl.gz': /truncated \(no end line\)/,
  'findings/gzip-of-junk.jsonl.gz': /not an sgaudit findings document \(the first line is not JSON\)/,
  'findings/invalid-json.jsonl.gz': /not JSON \(a corrupt or cut line\)/,
  'findings/wrong-schema-version.jsonl.gz': /schema "sgaudit\/findings@9", expected "sgaudit\/findings@2"/,
  'findings/snapshot-file.jsonl.gz': /not a findings document: it is a snapshot/,
  'findings/wrong-types-deep.jsonl.gz': /finding\.detail\.ports\.from: .*expected number/,
  'findings/unknown-keys.jsonl.gz': /Unrecognized key: "sneaky"/,
  'findings/escape-sequences.jsonl.gz': /not an sgaudit findings document/,
  'findings/empty.json': /empty file/,
  'findings/truncated.json': /not valid JSON .*truncated or not a findings file/,
  'findings/invalid-json.json': /not valid JSON/,
  'findings/wrong-schema-version.json': /schema "sgaudit\/findings@9", expected "sgaudit\/findings@1"/,
  'findings/other-tool.json': /not an sgaudit findings document \(no "schema" field/,
  'findings/wrong-types-deep.json': /findings\[0\]\.evidence\[0\]\.priority: .*expected number/,
  'findings/unknown-keys.json': /Unrecognized key: "sneaky"/,
  'findings/escape-sequences.json': /not valid JSON/,
  'config/empty-but-junk.yaml': /1 problem$/,
  'config/invalid-yaml.yaml': /2 problems$/,
  'config/wrong-types-deep.yaml': /\d problems$/,
  'config/unknown-keys.yaml': /2 problems$/,
  'config/other-tool.yaml': /4 problems$/,
  'config/other-tool-json.yaml': /3 problems$/,
  'config/escape-sequences.yaml': /1 problem$/,
  'config/truncated.yaml': /1 problem$/,
  'config/not-a-mapping.yaml': /1 problem$/,
  'baseline/empty.json': /not valid JSON/,
  'baseline/truncated.json': /not valid JSON/,
  'baseline/invalid-json.json': /not valid JSON/,
  'baseline/wrong-schema-version.json': /not an sgaudit baseline record \(schema:/,
  'baseline/other-tool.json': /not an sgaudit baseline record/,
  'baseline/wrong-types.json': /not an sgaudit baseline record \(note: .*expected string/,
  'baseline/unknown-keys.json': /Unrecognized key: "sneaky"/,
  'baseline/escape-sequences.json': /not valid JSON/,
  'tfstate/empty.tfstate': /not a Terraform state \(not JSON\)/,
  'tfstate/truncated.tfstate': /not a Terraform state \(not JSON\)/,
  'tfstate/invalid-json.tfstate': /not a Terraform state \(not JSON\)/,
  'tfstate/wrong-state-version.tfstate': /Terraform state version 3 is not supported/,
  'tfstate/other-tool.tfstate': /not a Terraform state/,
  'tfstate/wrong-types-deep.tfstate': /alicloud_security_group\.web: vpc_id: expected a string/,
  'tfstate/resources-not-a-list.tfstate': /"resources" is not a list/,
  'tfstate/escape-sequences.tfstate': /not a Terraform state \(not JSON\)/,
  'estate/empty.json': /not valid JSON/,
  'estate/truncated.json': /not valid JSON/,
  'estate/invalid-json.json': /not valid JSON/,
  'estate/other-tool.json': /not an sgaudit estate/,
  'estate/wrong-types-deep.json': /accounts\[0\]\.regions\[0\]\.securityGroups\[0\]\.rules\[0\]\.ports\.to: .*expected number/,
  'estate/unknown-keys.json': /Unrecognized key: "regions"/,
  'estate/snapshot-instead.json': /not an sgaudit estate/,
  'estate/escape-sequences.json': /not valid JSON/,
};

let w: Workspace;
const savedConfig = process.env.SGAUDIT_CONFIG;

beforeAll(async () => {
  process.env.SGAUDIT_CONFIG = '';
  const dir = await mkdtemp(join(tmpdir(), 'sgaudit-bad-'));
  const good = join(dir, 'good.jsonl.gz');
  await writeSnapshot(good, { schema: 'sgaudit/snapshot@1', id: 'good', takenAt: '2026-11-25T00:00:00.000Z', tool: { name: 'sgaudit', version: 'test' }, provider: 'alicloud', coverage: [], accounts: sampleEstate().accounts });
  // 100 MB of junk, made here rather than kept in the repository: bytes of every value, newlines and NULs among them.
  const junk = join(dir, 'junk.bin');
  const chunk = Buffer.alloc(1 << 20);
  for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 7919 + 13) % 251;
  const handle = await open(junk, 'w');
  for (let i = 0; i < 100; i++) await handle.write(chunk);
  await handle.close();
  w = { dir, good, junk };
});

afterAll(async () => {
  if (savedConfig === undefined) delete process.env.SGAUDIT_CONFIG;
  else process.env.SGAUDIT_CONFIG = savedConfig;
  await rm(w.dir, { recursive: true, force: true });
});

let outCount = 0;
/** A path under the workspace that no command has written to yet. */
function freshOut(): string {
  return join(w.dir, 'out', String(++outCount));
}

function expectOneLineError(run: { code: number; stdout: string; stderr: string }, file: string, problem: RegExp | undefined): void {
  expect(run.code, run.stderr).toBe(2);
  expect(run.stdout).toBe('');
  expect(run.stderr).not.toMatch(RAW_UNSAFE);
  const lines = run.stderr.split('\n').filter(Boolean);
  const errors = lines.filter((line) => line.startsWith('error: '));
  expect(errors, run.stderr).toHaveLength(1);
  const error = errors[0] as string;
  expect(error.length).toBeLessThanOrEqual(1100);
  // Config errors list their problems indented below; anything else is a hint.
  for (const line of lines) expect(line).toMatch(/^(error: |hint: | {2}\S|using )/);
  expect(error.startsWith(`error: ${file}`), `names ${file}: ${error}`).toBe(true);
  if (problem) expect(error.slice(`error: ${file}`.length)).toMatch(problem);
}

async function runCase(reader: Reader, file: string, problem: RegExp | undefined): Promise<void> {
  const out = freshOut();
  let target = file;
  let shown = file;
  if (reader.place) {
    target = await reader.place(file, w, out);
    shown = target.split('\0')[0] as string;
  }
  const run = await runMain(reader.args(target, w, out));
  expectOneLineError(run, shown, problem);
  expect(existsSync(out), `${out} was written`).toBe(false);
}

const corpus = Object.entries(KINDS).flatMap(([kind, { readers }]) => {
  const names = existsSync(join(BAD, kind)) ? readdirSyncSorted(join(BAD, kind)) : [];
  return names.flatMap((name) => readers.map((reader) => ({ label: `${kind}/${name} → ${reader.name}`, kind, name, reader })));
});

function readdirSyncSorted(dir: string): string[] {
  return readdirSync(dir).sort();
}

describe('the bad-input corpus: exit 2, one line naming the file and the problem, nothing written', () => {
  it('has an expected problem for every file, and a file for every expected problem', async () => {
    const files = (await Promise.all(Object.keys(KINDS).map(async (kind) => (await readdir(join(BAD, kind))).map((name) => `${kind}/${name}`)))).flat();
    expect(files.sort()).toEqual(Object.keys(PROBLEMS).sort());
  });

  it.each(corpus)('$label', async ({ kind, name, reader }) => {
    await runCase(reader, join(BAD, kind, name), PROBLEMS[`${kind}/${name}`]);
  });
});

describe('made on the fly', () => {
  const everyReader = Object.entries(KINDS).flatMap(([kind, { readers, extension }]) => readers.map((reader) => ({ label: `${kind} → ${reader.name}`, kind, reader, extension })));

  it.each(everyReader)('100 MB of junk: $label, refused from its first bytes', async ({ kind, reader, extension }) => {
    // Named like the kind, so the commands take it for one.
    const file = join(w.dir, `junk-${Math.random().toString(36).slice(2)}${extension}`);
    await link(w.junk, file);
    const started = performance.now();
    await runCase(reader, file, undefined);
    // Reading 100 MB whole and parsing it takes seconds; junk is recognised at its start. (The
    // Terraform state reader, src/analyze/drift/terraform-state.ts, still reads the whole file first.)
    if (kind !== 'tfstate') expect(performance.now() - started).toBeLessThan(1000);
    await rm(file);
  });

  it.each(everyReader.filter(({ kind }) => kind !== 'baseline'))('a directory where a file belongs: $label', async ({ reader, extension }) => {
    const directory = join(w.dir, `dir-${Math.random().toString(36).slice(2)}${extension}`);
    await mkdir(directory);
    // A directory given for a snapshot is a store (its newest snapshot); the readers that cannot say more name the code.
    await runCase(reader, directory, /is a directory|directory with no snapshots|no snapshot in this directory|\(EISDIR\)/);
  });

  it('a directory where the approved baseline record belongs', async () => {
    const store = join(w.dir, 'store-with-dir');
    await mkdir(join(store, 'baselines', 'approved.json'), { recursive: true });
    const out = freshOut();
    const run = await runMain(['analyze', w.good, '--against', 'approved', '--store', store, '-o', join(out, 'f.jsonl.gz')]);
    expectOneLineError(run, join(store, 'baselines', 'approved.json'), /is a directory/);
    expect(existsSync(out)).toBe(false);
  });
});

/**
 * Without read permission. Root reads any file, so as root the CLI runs as `nobody` in a child
 * process (the test files made readable to it, the one under test not); otherwise in-process.
 */
describe('no read permission', () => {
  const cases = Object.entries(KINDS)
    .filter(([kind]) => kind !== 'baseline')
    .map(([kind, { readers, extension }]) => ({ kind, reader: readers[0] as Reader, extension }));

  it.each(cases)('$kind → $reader.name', async ({ kind, reader, extension }) => {
    const file = join(w.dir, `locked-${kind}${extension}`);
    await copyFile(join(BAD, kind === 'snapshot-json' ? 'snapshot-json/array.json' : kind === 'findings' ? 'findings/empty.json' : kind === 'config' ? 'config/not-a-mapping.yaml' : kind === 'tfstate' ? 'tfstate/empty.tfstate' : kind === 'estate' ? 'estate/empty.json' : 'snapshot/empty.jsonl.gz'), file);
    await chmod(file, 0o000);
    const out = freshOut();
    const run = process.getuid?.() === 0 ? await runAsNobody(reader.args(file, w, out)) : await runMain(reader.args(file, w, out));
    expectOneLineError(run, file, /permission denied|\(EACCES\)/);
    expect(existsSync(out)).toBe(false);
  });
});

async function runAsNobody(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  await chmod(w.dir, 0o755);
  await chmod(w.good, 0o644);
  const loader = pathToFileURL(join(REPO, 'node_modules/tsx/dist/loader.mjs')).href;
  const child = spawn(process.execPath, ['--import', loader, join(REPO, 'src/cli.ts'), ...args], {
    cwd: w.dir,
    uid: 65534,
    gid: 65534,
    env: { ...process.env, HOME: w.dir, NO_COLOR: '1', CI: '1', SGAUDIT_CONFIG: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const code = await new Promise<number>((resolve) => child.on('close', (status) => resolve(status ?? -1)));
  return { code, stdout, stderr };
}
