import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEMO_CREDENTIALS, sampleEstate, startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { writeSnapshot } from '../../src/model/snapshot-file.js';
import { configureLog } from '../../src/util/log.js';
import { REPO, runMain } from './helpers.js';

/**
 * The CLI contract, per command: good input, bad flag, missing file, bad config → exit code and
 * a one-line error (no stack trace). Runs the real entry point in-process for speed.
 */
interface Case {
  name: string;
  args: (paths: Paths) => string[];
  exit: 0 | 1 | 2 | 3;
  stderr?: RegExp;
  stdout?: RegExp;
  /** --debug cases print a stack on purpose. */
  debug?: boolean;
  /** Environment overrides for this case (undefined removes a variable). */
  env?: (paths: Paths) => Record<string, string | undefined>;
}
interface Paths {
  dir: string;
  endpoint: string;
  forbiddenEndpoint: string;
  snapshot: string;
  corrupt: string;
  badConfig: string;
  findings: string;
  collectConfig: string;
}

let emulator: RunningEmulator;
let forbidden: RunningEmulator;
let paths: Paths;
const savedEnv = { ...process.env };

beforeAll(async () => {
  const estate = sampleEstate();
  emulator = await startEmulator({ estate });
  forbidden = await startEmulator({ estate, faults: { forbidRegions: ['ap-southeast-1'] } });
  const dir = await mkdtemp(join(tmpdir(), 'sgaudit-cli-'));
  const snapshot = join(dir, 'snap.jsonl.gz');
  await writeSnapshot(snapshot, {
    schema: 'sgaudit/snapshot@1',
    id: 'cli-table',
    takenAt: '2026-11-25T00:00:00.000Z',
    tool: { name: 'sgaudit', version: 'test' },
    provider: 'alicloud',
    coverage: [],
    accounts: estate.accounts,
  });
  const corrupt = join(dir, 'corrupt.jsonl.gz');
  await writeFile(corrupt, 'this is not a snapshot');
  const badConfig = join(dir, 'bad.yaml');
  await writeFile(badConfig, 'thresholds:\n  maxGroupsPerEni: -1\nchecks:\n  public-exposure: { severity: urgent }\n');
  // Collection settings from the config file alone: endpoint, regions and the store directory.
  const collectConfig = join(dir, 'collect.yaml');
  await writeFile(collectConfig, `endpoint: ${emulator.url}\nregions: [cn-hangzhou]\nstore: { dir: ${join(dir, 'configured-store')} }\n`);
  paths = { dir, endpoint: emulator.url, forbiddenEndpoint: forbidden.url, snapshot, corrupt, badConfig, findings: join(REPO, 'test/fixtures/report/findings.json'), collectConfig };
  process.env.ALIBABA_CLOUD_ACCESS_KEY_ID = DEMO_CREDENTIALS.accessKeyId;
  process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET = DEMO_CREDENTIALS.accessKeySecret;
  process.env.SGAUDIT_CONFIG = '';
});

afterAll(async () => {
  process.env = savedEnv;
  await emulator.close();
  await forbidden.close();
  await rm(paths.dir, { recursive: true, force: true });
});

afterEach(() => {
  process.exitCode = undefined;
  configureLog({ level: 'normal', format: 'text' });
  vi.restoreAllMocks();
});

const region = ['--regions', 'cn-hangzhou'];
const cases: Case[] = [
  { name: 'no arguments prints help', args: () => ['--help'], exit: 0, stdout: /Usage: sgaudit/ },
  { name: 'unknown command', args: () => ['frobnicate'], exit: 2, stderr: /unknown command 'frobnicate'/ },
  { name: 'checks: lists the catalog', args: () => ['checks'], exit: 0, stdout: /public-exposure/ },
  { name: 'checks: bad flag', args: () => ['checks', '--bogus'], exit: 2, stderr: /unknown option '--bogus'/ },
  { name: 'analyze: good snapshot', args: (p) => ['analyze', p.snapshot, '-o', join(p.dir, 'f.jsonl.gz')], exit: 0, stderr: /findings written to/ },
  { name: 'analyze --verbose: read and analysis times with the slowest phases', args: (p) => ['--verbose', 'analyze', p.snapshot, '-o', join(p.dir, 'f3.jsonl.gz')], exit: 0, stderr: /read .* in \d+\.\d\d s[\s\S]*analyzed in \d+\.\d\d s: [a-z-]+ \d/ },
  { name: 'analyze: findings at --fail-on', args: (p) => ['analyze', p.snapshot, '-o', join(p.dir, 'f2.jsonl.gz'), '--fail-on', 'high'], exit: 1 },
  { name: 'analyze: bad flag value', args: (p) => ['analyze', p.snapshot, '--fail-on', 'urgent'], exit: 2, stderr: /--fail-on must be one of critical, high, medium, low, info/ },
  { name: 'analyze: missing file', args: (p) => ['analyze', join(p.dir, 'nope.jsonl.gz')], exit: 2, stderr: /nope\.jsonl\.gz: no such snapshot file/ },
  { name: 'analyze: corrupt file', args: (p) => ['analyze', p.corrupt], exit: 2, stderr: /corrupt\.jsonl\.gz:1: not an sgaudit snapshot/ },
  { name: 'analyze: bad config', args: (p) => ['analyze', p.snapshot, '--config', p.badConfig], exit: 2, stderr: /bad\.yaml: 2 problems/ },
  { name: 'analyze: missing config', args: (p) => ['analyze', p.snapshot, '--config', join(p.dir, 'none.yaml')], exit: 2, stderr: /none\.yaml: config file not found/ },
  { name: 'report: good findings', args: (p) => ['report', p.findings, '--format', 'html,md', '--out', join(p.dir, 'rep')], exit: 0, stdout: /findings\.html/ },
  { name: 'report: bad format', args: (p) => ['report', p.findings, '--format', 'pdf', '--out', join(p.dir, 'rep')], exit: 2, stderr: /unknown report format "pdf"/ },
  { name: 'report: missing file', args: (p) => ['report', join(p.dir, 'none.json'), '--out', join(p.dir, 'rep')], exit: 2, stderr: /none\.json/ },
  { name: 'report: a snapshot is not a findings file', args: (p) => ['report', p.corrupt, '--out', join(p.dir, 'rep')], exit: 2, stderr: /corrupt\.jsonl\.gz/ },
  { name: 'collect: good', args: (p) => ['collect', '--endpoint', p.endpoint, ...region, '--store', join(p.dir, 'snaps')], exit: 0, stdout: /\.jsonl\.gz/ },
  { name: 'collect: endpoint, regions and store from the config', args: (p) => ['collect', '--config', p.collectConfig], exit: 0, stdout: /configured-store\/\d{8}T\d{6}Z-[0-9a-f]{8}\.jsonl\.gz/ },
  { name: 'collect: bad config', args: (p) => ['collect', '--config', p.badConfig], exit: 2, stderr: /bad\.yaml: 2 problems/ },
  {
    name: 'collect: no credentials anywhere in the chain',
    args: (p) => ['collect', '--endpoint', p.endpoint, ...region, '--store', join(p.dir, 'snaps')],
    // Every provider of the chain must come up empty without leaving the machine: no keys, an empty
    // HOME, no instance metadata, and a credentials URI on a closed loopback port (unset, the SDK
    // would try to resolve the host "undefined").
    env: (p) => ({
      ALIBABA_CLOUD_ACCESS_KEY_ID: undefined,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: undefined,
      HOME: join(p.dir, 'empty-home'),
      ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true',
      ALIBABA_CLOUD_CREDENTIALS_URI: 'http://127.0.0.1:9/credentials',
    }),
    exit: 2,
    stderr: /^error: no Alibaba Cloud credentials found .*\nhint: export ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET/m,
  },
  { name: 'collect: bad flag value', args: (p) => ['collect', '--endpoint', p.endpoint, '--concurrency', '0'], exit: 2, stderr: /--concurrency must be a whole number/ },
  { name: 'collect: denied region is recorded, exit 0', args: (p) => ['collect', '--endpoint', p.forbiddenEndpoint, '--regions', 'cn-hangzhou,ap-southeast-1', '--store', join(p.dir, 'snaps')], exit: 0, stderr: /ap-southeast-1.*denied|denied.*ap-southeast-1/ },
  { name: 'collect: denied region with --strict', args: (p) => ['collect', '--endpoint', p.forbiddenEndpoint, '--regions', 'cn-hangzhou,ap-southeast-1', '--store', join(p.dir, 'snaps'), '--strict'], exit: 3, stderr: /collection incomplete/ },
  { name: 'scan: good', args: (p) => ['scan', '--endpoint', p.endpoint, ...region, '--store', join(p.dir, 's1'), '--out', join(p.dir, 'r1')], exit: 0, stdout: /findings\.html/ },
  { name: 'scan: --fail-on low', args: (p) => ['scan', '--endpoint', p.endpoint, ...region, '--store', join(p.dir, 's1'), '--out', join(p.dir, 'r2'), '--fail-on', 'low'], exit: 1 },
  { name: 'scan: bad config', args: (p) => ['scan', '--endpoint', p.endpoint, '--config', p.badConfig], exit: 2, stderr: /bad\.yaml: 2 problems/ },
  { name: 'scan: bad format', args: (p) => ['scan', '--endpoint', p.endpoint, '--format', 'docx'], exit: 2, stderr: /unknown report format "docx"/ },
  { name: 'scan: baseline file missing', args: (p) => ['scan', '--endpoint', p.endpoint, ...region, '--store', join(p.dir, 's1'), '--out', join(p.dir, 'r3'), '--against', join(p.dir, 'old.jsonl.gz')], exit: 2, stderr: /old\.jsonl\.gz: no such snapshot file/ },
  { name: 'snapshots list', args: (p) => ['snapshots', 'list', '--store', join(p.dir, 's1')], exit: 0, stdout: /TAKEN AT/ },
  { name: 'snapshots export: nested JSON that reads back', args: (p) => ['snapshots', 'export', p.snapshot, '-o', join(p.dir, 'nested.json')], exit: 0, stderr: /exported/ },
  { name: 'snapshots export: read back the nested JSON', args: (p) => ['analyze', join(p.dir, 'nested.json'), '-o', join(p.dir, 'f5.jsonl.gz')], exit: 0 },
  { name: 'snapshots export: missing file', args: (p) => ['snapshots', 'export', join(p.dir, 'none.jsonl.gz')], exit: 2, stderr: /none\.jsonl\.gz: no such snapshot file/ },
  { name: 'snapshots prune without a policy', args: (p) => ['snapshots', 'prune', '--store', join(p.dir, 's1')], exit: 2, stderr: /needs --keep/ },
  { name: 'snapshots prune bad number', args: () => ['snapshots', 'prune', '--keep', 'many'], exit: 2, stderr: /--keep must be a whole number/ },
  { name: 'schedule: no cron', args: () => ['schedule'], exit: 2, stderr: /schedule needs --cron/ },
  { name: 'schedule: bad cron', args: () => ['schedule', '--cron', '99 * * * *'], exit: 2, stderr: /invalid cron expression/ },
  { name: 'schedule: bad config', args: (p) => ['schedule', '--once', '--config', p.badConfig], exit: 2, stderr: /bad\.yaml: 2 problems/ },
  { name: 'schedule --once: runs one scan', args: (p) => ['schedule', '--once', '--endpoint', p.endpoint, ...region, '--store', join(p.dir, 's2')], exit: 0 },
  { name: 'scan: bad --fail-on-drift', args: (p) => ['scan', '--endpoint', p.endpoint, '--fail-on-drift', 'some'], exit: 2, stderr: /--fail-on-drift must be new-exposure or any/ },
  { name: 'demo: full scan of the sample estate', args: (p) => ['demo', '--out', join(p.dir, 'demo')], exit: 0, stdout: /findings\.html\n$/, stderr: /coverage: complete/ },
  { name: 'demo: missing config', args: (p) => ['demo', '--config', join(p.dir, 'none.yaml')], exit: 2, stderr: /none\.yaml: config file not found/ },
  { name: '--log-format json: diagnostics as JSON lines', args: (p) => ['--log-format', 'json', 'analyze', p.snapshot, '-o', join(p.dir, 'f3.jsonl.gz')], exit: 0, stderr: /^\{"time":"[^"]+","level":"info","message":"\d+ findings/m },
  { name: '--quiet: nothing on stderr', args: (p) => ['--quiet', 'analyze', p.snapshot, '-o', join(p.dir, 'f4.jsonl.gz')], exit: 0, stderr: /^$/ },
  { name: '--debug: errors keep their stack', args: (p) => ['--debug', 'analyze', join(p.dir, 'nope.jsonl.gz')], exit: 2, stderr: /no such snapshot file[\s\S]*\n\s+at /, debug: true },
  { name: 'emulator: missing estate file', args: (p) => ['emulator', '--estate', join(p.dir, 'none.json')], exit: 2, stderr: /none\.json/ },
];

describe('CLI exit codes and one-line errors', () => {
  it.each(cases)('$name', async (testCase) => {
    const previousCwd = process.cwd();
    process.chdir(paths.dir); // keep default outputs (reports/, snapshots/) inside the temp dir
    const overrides = testCase.env?.(paths) ?? {};
    const previousEnv = Object.fromEntries(Object.keys(overrides).map((key) => [key, process.env[key]]));
    const apply = (values: Record<string, string | undefined>) => {
      for (const [key, value] of Object.entries(values)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    };
    apply(overrides);
    try {
      const result = await runMain(testCase.args(paths));
      expect(result.code, `stderr:\n${result.stderr}`).toBe(testCase.exit);
      if (testCase.stderr) expect(result.stderr).toMatch(testCase.stderr);
      if (testCase.stdout) expect(result.stdout).toMatch(testCase.stdout);
      // Errors are one line (config errors add one line per problem); never a stack trace.
      if (!testCase.debug) expect(result.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
      if (testCase.exit === 2) {
        const errorLines = result.stderr.split('\n').filter((line) => /^error:/.test(line));
        expect(errorLines).toHaveLength(1);
      }
    } finally {
      apply(previousEnv);
      process.chdir(previousCwd);
    }
  });
});
