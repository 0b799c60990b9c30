import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli.js';
import { sampleEstate } from '../../src/emulator/index.js';
import { writeSnapshot } from '../../src/model/snapshot-file.js';
import type { Account, Snapshot } from '../../src/model/snapshot.js';
import { configureLog } from '../../src/util/log.js';
import { runMain } from './helpers.js';

/**
 * Terminal safety (issue 16): names, descriptions, tags and rule descriptions from the cloud, and
 * file contents and ids quoted in errors, never reach stdout or stderr with a control character a
 * terminal would act on; errors stay one line. Every command that prints data, and every error
 * path that quotes data, runs here against a snapshot whose every free-text field is hostile.
 */

/** Retitles the window, clears the screen, a C1 CSI, a carriage return and a fake line, a bidi override, DEL. */
const HOSTILE = 'x\u001b]0;pwned\u0007\u001b[2J\u009b31m\r\nfake line\u202e\u007f';
/** Raw controls a terminal acts on; a line feed, a tab and a CR LF pair (CSV's line end) are layout. */
// eslint-disable-next-line no-control-regex -- control characters are what must not get through
const RAW_UNSAFE = /\r(?!\n)|[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function hostileAccounts(): Account[] {
  const accounts = sampleEstate().accounts;
  for (const account of accounts) {
    account.alias = `prod${HOSTILE}`;
    for (const region of account.regions) {
      for (const group of region.securityGroups) {
        group.name = `${group.name}${HOSTILE}`;
        group.description = HOSTILE;
        group.tags = { ...group.tags, [`owner${HOSTILE}`]: HOSTILE };
        for (const rule of group.rules) rule.description = HOSTILE;
      }
      for (const instance of region.instances) {
        instance.name = `${instance.name}${HOSTILE}`;
        instance.tags = { ...instance.tags, note: HOSTILE };
      }
      for (const eni of region.networkInterfaces) eni.name = `${eni.name}${HOSTILE}`;
    }
  }
  return accounts;
}

function snapshotOf(id: string, accounts: Account[]): Snapshot {
  return { schema: 'sgaudit/snapshot@1', id, takenAt: '2026-11-25T00:00:00.000Z', tool: { name: 'sgaudit', version: 'test' }, provider: 'alicloud', coverage: [], accounts };
}

let dir: string;
type Key = 'clean' | 'hostile' | 'junkSnapshot' | 'junkGzipSnapshot' | 'junkNested' | 'hostileSchema' | 'junkFindings' | 'hostileFindingsSchema' | 'junkConfig' | 'junkEstate' | 'junkState' | 'store' | 'escapedName';
const p = {} as Record<Key, string>;
const savedConfig = process.env.SGAUDIT_CONFIG;

beforeAll(async () => {
  process.env.SGAUDIT_CONFIG = '';
  dir = await mkdtemp(join(tmpdir(), 'sgaudit-hostile-'));
  p.clean = join(dir, 'clean.jsonl.gz');
  p.hostile = join(dir, 'hostile.jsonl.gz');
  await writeSnapshot(p.clean, snapshotOf('clean', sampleEstate().accounts));
  await writeSnapshot(p.hostile, snapshotOf('hostile', hostileAccounts()));
  // Files whose contents are quoted by the errors about them.
  const junk = `${HOSTILE} {"not": json`;
  p.junkSnapshot = join(dir, 'junk.jsonl.gz');
  await writeFile(p.junkSnapshot, junk);
  p.junkGzipSnapshot = join(dir, 'junk-gz.jsonl.gz');
  await writeFile(p.junkGzipSnapshot, gzipSync(junk));
  p.junkNested = join(dir, 'junk.json');
  await writeFile(p.junkNested, `{"schema": "sgaudit/snapshot@1", "id": "x\u009b31m\u202e\u001b]0;t\u0007`);
  p.hostileSchema = join(dir, 'schema.jsonl.gz');
  await writeFile(p.hostileSchema, gzipSync(`${JSON.stringify({ schema: `sgaudit/snapshot@${HOSTILE}` })}\n`));
  p.junkFindings = join(dir, 'findings.json');
  await writeFile(p.junkFindings, `{"schema": "sgaudit/findings@1", \u001b]0;pwned\u0007 }`);
  p.hostileFindingsSchema = join(dir, 'other.json');
  await writeFile(p.hostileFindingsSchema, JSON.stringify({ schema: HOSTILE }));
  p.junkConfig = join(dir, 'config.yaml');
  await writeFile(p.junkConfig, `schedule:\n  cron: "${HOSTILE.replace(/[\r\n]/g, '')}"\nreports:\n  formats: ["\\u001b]0;pwned\\u0007"]\n`);
  p.junkEstate = join(dir, 'estate.json');
  await writeFile(p.junkEstate, `{"accounts": [\u001b[2J\u009b`);
  p.junkState = join(dir, 'state.tfstate');
  await writeFile(p.junkState, `{"terraform_version": "1.5.0", \u001b]0;x\u0007`);
  p.store = join(dir, 'store');
  await mkdir(p.store);
  await writeSnapshot(join(p.store, '20261125T000000Z-0badc0de.jsonl.gz'), {
    ...snapshotOf('stored', sampleEstate().accounts),
    coverage: [{ accountId: '1234567890123456', alias: HOSTILE, regionId: `cn-hangzhou${HOSTILE}`, api: 'DescribeSecurityGroups', status: 'failed', code: HOSTILE, message: HOSTILE }],
  });
  p.escapedName = join(dir, `name\u001b]0;x\u0007.jsonl.gz`);
});

afterAll(async () => {
  if (savedConfig === undefined) delete process.env.SGAUDIT_CONFIG;
  else process.env.SGAUDIT_CONFIG = savedConfig;
  await rm(dir, { recursive: true, force: true });
});

interface Case {
  name: string;
  args: () => string[];
  exit: number;
  /** What stdout must be, when it is JSON. */
  json?: boolean;
  /** What must show, escaped, on stdout or stderr. */
  shows?: RegExp;
}

const outputs: Case[] = [
  { name: 'explain (text)', args: () => ['explain', p.hostile, 'i-bp1web0000000000001'], exit: 0, shows: /\\u001b\]0;pwned\\u0007/ },
  { name: 'explain a packet (text), with the deciding rule', args: () => ['explain', p.hostile, 'i-bp1web0000000000001', '--packet', 'tcp/22', '--from', '203.0.113.9'], exit: 0, shows: /\\u001b/ },
  { name: 'explain (json)', args: () => ['explain', p.hostile, 'i-bp1web0000000000001', '--format', 'json'], exit: 0, json: true },
  { name: 'checks (text)', args: () => ['checks'], exit: 0 },
  { name: 'checks (json)', args: () => ['checks', '--format', 'json'], exit: 0, json: true },
  { name: 'diff (md)', args: () => ['diff', p.clean, p.hostile], exit: 0, shows: /\\u001b/ },
  { name: 'diff (csv)', args: () => ['diff', p.clean, p.hostile, '--format', 'csv'], exit: 0, shows: /\\u001b/ },
  { name: 'diff (html)', args: () => ['diff', p.clean, p.hostile, '--format', 'html'], exit: 0 },
  { name: 'diff (json)', args: () => ['diff', p.clean, p.hostile, '--format', 'json'], exit: 0, json: true },
  { name: 'diff (sarif)', args: () => ['diff', p.clean, p.hostile, '--format', 'sarif'], exit: 0, json: true },
  { name: 'analyze to stdout, with its console summary', args: () => ['analyze', p.hostile], exit: 0, json: true, shows: /top root causes/ },
  { name: 'analyze -o: the console summary', args: () => ['analyze', p.hostile, '-o', join(dir, 'f.jsonl.gz')], exit: 0, shows: /\\u001b\]0;pwned/ },
  { name: 'snapshots list (text), coverage from the cloud', args: () => ['snapshots', 'list', '--store', p.store], exit: 0, shows: /INCOMPLETE \(1234567890123456\/cn-hangzhoux\\u001b/ },
  { name: 'snapshots list (json)', args: () => ['snapshots', 'list', '--store', p.store, '--format', 'json'], exit: 0, json: true },
  { name: 'snapshots export to stdout', args: () => ['snapshots', 'export', p.hostile], exit: 0, json: true },
  { name: '--log-format json diagnostics', args: () => ['--log-format', 'json', 'analyze', p.hostile, '-o', join(dir, 'g.jsonl.gz')], exit: 0 },
];

const errors: Case[] = [
  { name: 'a snapshot of junk with escape sequences', args: () => ['analyze', p.junkSnapshot], exit: 2 },
  { name: 'gzip of junk with escape sequences', args: () => ['analyze', p.junkGzipSnapshot], exit: 2 },
  { name: 'a nested JSON snapshot whose JSON error quotes the file', args: () => ['analyze', p.junkNested], exit: 2, shows: /junk\.json: not valid JSON/ },
  { name: 'a snapshot schema holding escape sequences', args: () => ['analyze', p.hostileSchema], exit: 2, shows: /unsupported snapshot schema sgaudit\/snapshot@x\\u001b\]0;pwned\\u0007.*\(this sgaudit reads/ },
  { name: 'a findings file whose JSON error quotes it', args: () => ['report', p.junkFindings, '--out', join(dir, 'r1')], exit: 2, shows: /findings\.json: not valid JSON/ },
  { name: 'a foreign document whose schema holds escape sequences', args: () => ['report', p.hostileFindingsSchema, '--out', join(dir, 'r2')], exit: 2, shows: /schema "x\\u001b\]0;pwned/ },
  { name: 'a config quoting hostile values in its problems', args: () => ['analyze', p.clean, '--config', p.junkConfig], exit: 2, shows: /config\.yaml: 2 problems/ },
  { name: 'an estate file of junk', args: () => ['emulator', '--estate', p.junkEstate], exit: 2, shows: /estate\.json: not valid JSON/ },
  { name: 'Terraform state of junk', args: () => ['diff', p.junkState, p.clean], exit: 2, shows: /state\.tfstate/ },
  { name: 'an explain target with escape sequences', args: () => ['explain', p.clean, `i-\u001b]0;pwned\u0007\nx`], exit: 2, shows: /no network interface or instance "i-\\u001b\]0;pwned\\u0007\\u000ax"/ },
  { name: 'a file name with escape sequences', args: () => ['analyze', p.escapedName], exit: 2, shows: /name\\u001b\]0;x\\u0007\.jsonl\.gz: no such snapshot file/ },
  { name: 'an unknown command with escape sequences', args: () => [`scan\u001b[2J\u009b`], exit: 2, shows: /unknown command 'scan\\u001b\[2J\\u009b'/ },
  { name: 'an unknown option with escape sequences', args: () => ['checks', `--x\u001b]0;t\u0007`], exit: 2, shows: /unknown option '--x\\u001b\]0;t\\u0007'/ },
  { name: 'a flag value with escape sequences', args: () => ['analyze', p.clean, '--fail-on', `hi\u001b[2J\ngh`], exit: 2, shows: /--fail-on must be one of .*got "hi\\u001b\[2J\\u000agh"/ },
  { name: '--log-format json: an error with C1 controls', args: () => ['--log-format', 'json', 'analyze', p.hostileSchema], exit: 2, json: false },
];

/** The first raw unsafe character and what is around it, or undefined. */
function firstUnsafe(text: string): string | undefined {
  const match = RAW_UNSAFE.exec(text);
  return match ? JSON.stringify(text.slice(Math.max(0, match.index - 40), match.index + 10)) : undefined;
}

function expectSafe(run: { stdout: string; stderr: string }): void {
  expect(firstUnsafe(run.stdout)).toBeUndefined();
  expect(firstUnsafe(run.stderr)).toBeUndefined();
  // Diagnostics are lines sgaudit wrote: a line break inside a name never starts one of its own.
  expect(run.stderr).not.toMatch(/^fake line/m);
  expect(run.stderr).not.toContain('\r');
}

describe('terminal safety: what commands print from hostile data', () => {
  it.each(outputs)('$name', async (testCase) => {
    const run = await runMain(testCase.args());
    expect(run.code, run.stderr).toBe(testCase.exit);
    expectSafe(run);
    if (testCase.json) expect(() => JSON.parse(run.stdout) as unknown).not.toThrow();
    if (testCase.shows) expect(`${run.stdout}\n${run.stderr}`).toMatch(testCase.shows);
  });

  it('the console summary names the hostile group, escaped, on one line per root cause', async () => {
    const run = await runMain(['analyze', p.hostile, '-o', join(dir, 'h.jsonl.gz')]);
    const causes = run.stderr.split('\n').filter((line) => /^ {2}(critical|high|medium|low|info) /.test(line));
    expect(causes.length).toBeGreaterThan(0);
    expect(run.stderr).not.toMatch(/^fake line/m);
  });
});

describe('terminal safety: errors quoting data are one safe line', () => {
  it.each(errors)('$name', async (testCase) => {
    const run = await runMain(testCase.args());
    expect(run.code, run.stderr).toBe(testCase.exit);
    expectSafe(run);
    if (testCase.shows) expect(run.stderr).toMatch(testCase.shows);
    const lines = run.stderr.split('\n').filter(Boolean);
    const errorLines = lines.filter((line) => /^error:|"level":"error"/.test(line));
    expect(errorLines, run.stderr).toHaveLength(1);
    // Nothing but the error, the details of a config error, and a hint.
    for (const line of lines) expect(line).toMatch(/^(error: |hint: | {2}\S|\{"time")/);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(1200);
  });

  it('an unexpected error quoting an SDK message is one safe, bounded line', async () => {
    let stderr = '';
    vi.spyOn(process.stdout, 'write').mockImplementation(() => {
      throw new Error(`SDK: ${'\u001b]0;pwned\u0007\r\n'.repeat(2000)}`);
    });
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr += String(chunk);
      return true;
    });
    try {
      expect(await main(['node', 'sgaudit', 'checks'])).toBe(3);
    } finally {
      vi.restoreAllMocks();
      configureLog({ level: 'normal', format: 'text' });
    }
    expect(stderr).not.toMatch(RAW_UNSAFE);
    const [first, second, ...rest] = stderr.split('\n');
    expect(first).toMatch(/^sgaudit: unexpected error: SDK: \\u001b\]0;pwned\\u0007.*… \(\d+ more characters\)$/);
    expect(first?.length).toBeLessThan(1100);
    expect(second).toBe('hint: run with --debug for details');
    expect(rest).toEqual(['']);
  });
});
