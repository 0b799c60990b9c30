import { mkdir } from 'node:fs/promises';
import { basename } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli.js';
import { configureLog } from '../../src/util/log.js';
import { createDemoWorkspace, runMain, spawnCli, type DemoWorkspace } from './helpers.js';

/**
 * The mistakes of a first hour with sgaudit, and exactly what each one prints and exits with.
 * Paths are relative to a demo workspace (snapshots/ with one snapshot, findings.jsonl.gz, an empty
 * directory empty/ and a directory out/), as a user would type them.
 */
interface Mistake {
  name: string;
  args: string[];
  exit: number;
  /** The whole of stderr; `newest` stands for the name of the workspace's snapshot. */
  stderr: (newest: string) => string | RegExp;
}

const usingNewest = (newest: string) => `using the newest snapshot in snapshots/: ${newest}\n`;

const mistakes: Mistake[] = [
  { name: 'a snapshot path that does not exist', args: ['analyze', 'snapshots/nope.jsonl.gz'], exit: 2, stderr: () => 'error: snapshots/nope.jsonl.gz: no such snapshot file\n' },
  { name: 'a findings path that does not exist', args: ['report', 'nope.json'], exit: 2, stderr: () => 'error: nope.json: no such findings file\n' },
  {
    name: 'the store directory for a snapshot: its newest snapshot, said on stderr',
    args: ['analyze', 'snapshots', '-o', 'findings-newest.jsonl.gz'],
    exit: 0,
    // Then the top root causes, one line each.
    stderr: (newest) => new RegExp(`^${escape(usingNewest(newest))}\\d+ findings \\(.*\\); findings written to findings-newest\\.jsonl\\.gz\\ntop root causes, 5 of \\d+:\\n(  (critical|high|medium|low|info) .*\\n){5}$`),
  },
  {
    name: 'a directory with no snapshot in it',
    args: ['analyze', 'empty'],
    exit: 2,
    stderr: () => 'error: empty: is a directory with no snapshots in it\nhint: give a snapshot file (.jsonl.gz), or the store directory `sgaudit collect` wrote to\n',
  },
  { name: 'the snapshot store for findings', args: ['report', 'snapshots'], exit: 2, stderr: () => 'error: snapshots: not a findings document: it is a snapshot store: run `sgaudit analyze snapshots` first\n' },
  { name: 'a directory for -o', args: ['analyze', 'snapshots', '-o', 'out'], exit: 2, stderr: (newest) => `${usingNewest(newest)}error: out: is a directory, expected a file\n` },
  {
    name: 'a flag typo',
    args: ['analyze', 'snapshots', '--fial-on', 'high'],
    exit: 2,
    stderr: () => "error: unknown option '--fial-on' (did you mean --fail-on?)\nhint: `sgaudit analyze --help` lists the options and examples\n",
  },
  { name: 'a command typo', args: ['analyse', 'snapshots'], exit: 2, stderr: () => "error: unknown command 'analyse' (did you mean analyze?)\nhint: `sgaudit --help` lists the commands\n" },
  {
    name: 'a time zone typo',
    args: ['schedule', '--once', '--timezone', 'Asia/Shangai'],
    exit: 2,
    stderr: () => 'error: --timezone: unknown time zone "Asia/Shangai" (did you mean Asia/Shanghai?)\n',
  },
  {
    name: 'a snapshot given to report',
    args: ['report', 'snapshots/NEWEST'],
    exit: 2,
    stderr: (newest) => `error: snapshots/${newest}: not a findings document: it is a snapshot: run \`sgaudit analyze snapshots/${newest}\` first (or \`sgaudit explain snapshots/${newest} <id>\`)\n`,
  },
  {
    name: 'findings given to analyze',
    args: ['analyze', 'findings.jsonl.gz'],
    exit: 2,
    stderr: () => 'error: findings.jsonl.gz: not a snapshot: it is a findings document: render it with `sgaudit report findings.jsonl.gz`\n',
  },
  {
    name: 'an instance id that is not in the snapshot',
    args: ['explain', 'snapshots', 'i-bp1web01'],
    exit: 2,
    stderr: (newest) =>
      `${usingNewest(newest)}error: snapshots/${newest}: no network interface or instance "i-bp1web01" in the snapshot (did you mean i-bp1web0000000000001 or i-bp1web0000000000002?)\n`,
  },
  {
    name: 'an id like nothing in the snapshot',
    args: ['explain', 'snapshots', 'web-01'],
    exit: 2,
    stderr: (newest) =>
      `${usingNewest(newest)}error: snapshots/${newest}: no network interface or instance "web-01" in the snapshot\nhint: give an ENI id (eni-…) or an instance id (i-…) of this snapshot; findings name them as their resource\n`,
  },
];

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

let workspace: DemoWorkspace;
let newest: string;
const previousCwd = process.cwd();

beforeAll(async () => {
  workspace = await createDemoWorkspace(1);
  newest = basename(workspace.snapshots[0] as string);
  process.chdir(workspace.dir);
  await mkdir('empty');
  await mkdir('out');
});

afterAll(async () => {
  process.chdir(previousCwd);
  await workspace.close();
});

describe('newcomer mistakes: one line, the right exit code', () => {
  it.each(mistakes.map((mistake) => [mistake.name, mistake] as const))('%s', async (_name, mistake) => {
    const run = await runMain(mistake.args.map((arg) => arg.replace('NEWEST', newest)));
    const expected = mistake.stderr(newest);
    if (typeof expected === 'string') expect(run.stderr).toBe(expected);
    else expect(run.stderr).toMatch(expected);
    expect(run.code).toBe(mistake.exit);
  });
});

describe('errors sgaudit did not expect', () => {
  /** `checks` whose first write to stdout fails with an error no code path knows. */
  async function checksFailing(args: string[]): Promise<{ code: number; stderr: string }> {
    let stderr = '';
    vi.spyOn(process.stdout, 'write').mockImplementation(() => {
      throw new Error('disk on fire\nsecond line');
    });
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr += String(chunk);
      return true;
    });
    try {
      return { code: await main(['node', 'sgaudit', ...args, 'checks']), stderr };
    } finally {
      vi.restoreAllMocks();
      configureLog({ level: 'normal', format: 'text' });
    }
  }

  it('print one line and how to see more', async () => {
    const run = await checksFailing([]);
    expect(run.code).toBe(3);
    expect(run.stderr).toBe('sgaudit: unexpected error: disk on fire second line\nhint: run with --debug for details\n');
  });

  it('--debug adds the stack instead of the hint', async () => {
    const run = await checksFailing(['--debug']);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^sgaudit: unexpected error: disk on fire second line\nError: disk on fire\nsecond line\n\s+at /);
  });
});

describe('a reader that goes away', () => {
  it('`sgaudit analyze … | head` ends quietly with exit 0', async () => {
    const child = spawnCli(['analyze', workspace.snapshots[0] as string]);
    // Close the read end before the first byte arrives, as `head -c0` would.
    child.child.stdout.destroy();
    const result = await child.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(/EPIPE|unexpected|^\s+at /m);
  });
});
