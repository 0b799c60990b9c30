import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command, Option } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli.js';
import { createDemoWorkspace, REPO, runMain, type DemoWorkspace } from './helpers.js';

/**
 * One vocabulary (docs/cli.md, "Vocabulary"): every flag of every command is in this table, spelled
 * exactly so (the value placeholder says what it names: `--out <dir>` is always a directory,
 * `--output <file>` always a file) and described as meaning what the table says; or it is a hidden
 * deprecated spelling that points at a flag of the same command.
 */
const VOCABULARY: Record<string, RegExp> = {
  '--config <file>': /sgaudit\.yaml/,
  '--store <dir>': /^snapshot store directory/,
  '--out <dir>': /director(y|ies)/,
  '-o, --output <file>': /to this file .*instead of stdout/,
  '--format <list>': /^report formats, comma-separated/,
  '--format <format>': /json/,
  '--name <base>': /file name/,
  '--against <baseline>': /^compare with: approved .*previous .*none.*snapshot file/,
  '--terraform-state <file>': /Terraform state/,
  '--fail-on <severity>': /^exit 1 when an unsuppressed finding is at or above/,
  '--fail-on-drift <what>': /^exit 1 on drift/,
  '--strict': /^exit 3 when any account\/region\/API was not collected completely/,
  '--endpoint <url>': /endpoint/,
  '--regions <list>': /region ids/,
  '--accounts <list>': /account ids/,
  '--role-name <name>': /RAM role/,
  '--discover': /Resource Directory/,
  '--concurrency <n>': /requests in flight/,
  '--max-attempts <n>': /attempts/,
  '--read-timeout <seconds>': /timeout/,
  '--shard <i/n>': /^collect only shard i of n/,
  '--shard-count <n>': /^the shard count .*JOB_COMPLETION_INDEX/,
  '--expect-shards <n>': /^the shard count the run was started with/,
  '--cron <expression>': /cron/,
  '--timezone <tz>': /time zone/,
  '--once': /one scan/,
  '--run-log <file>': /run log/,
  '--grace-seconds <s>': /SIGTERM/,
  '--max-markdown-chars <n>': /Markdown/,
  '--page-size <n>': /per page/,
  '--match-rules <by>': /rule/,
  '--terraform': /Terraform/,
  '--unmanaged-groups <severity>': /Terraform/,
  '--no-exposure': /exposure/,
  '--direction <direction>': /ingress \| egress/,
  '--packet <protocol/port>': /packet/,
  '--from <address>': /address/,
  '--port <protocol/port>': /^the traffic: tcp\/6379/,
  '--from <source>': /^internet, a CIDR or address/,
  '--change <file>': /change file .*Terraform plan/,
  '--note <text>': /approved/,
  '--keep <n>': /newest/,
  '--max-age-days <days>': /older/,
  '--dry-run': /would/,
  '--port <n>': /port/,
  '--host <address>': /address/,
  '--estate <file>': /estate/,
  '--generate <spec>': /generated estate/,
  '--sample': /sample estate/,
  '--seed <n>': /seed/,
  '--throttle-rate <share>': /Throttling/,
  '--error-rate <share>': /500/,
  '--reset-rate <share>': /reset/,
  '--malformed-rate <share>': /unparseable/,
  '--latency-ms <n>': /delay/,
  '--hang <n>': /never answer/,
  '--forbid-region <region>': /Forbidden/,
  '--rate-limit <n>': /requests per second/,
  '--retry-after-ms <n>': /retry-after/,
  '--show-secret': /secret/,
  '--deny-role <account>': /NoPermission/,
  '--member-status <account=status>': /Resource Directory status/,
  '--token-lifetime <seconds>': /STS sessions expire/,
  '--debug': /stack traces/,
  '--verbose': /detail/,
  '--quiet': /only errors/,
  '--log-format <format>': /text \| json/,
  '-V, --version': /version/,
};

function walk(command: Command, path: string[] = []): { path: string; command: Command }[] {
  return [{ path: ['sgaudit', ...path].join(' '), command }, ...command.commands.flatMap((sub) => walk(sub, [...path, sub.name()]))];
}

const commands = walk(buildProgram());
const flagsOf = (command: Command): Option[] => command.options as Option[];

describe('flag vocabulary', () => {
  it.each(commands.map(({ path, command }) => [path, command] as const))('%s', (_path, command) => {
    for (const option of flagsOf(command)) {
      if (option.hidden) {
        const canonical = /^deprecated: use (--[a-z-]+)$/.exec(option.description)?.[1];
        expect(canonical, `${option.flags}: a hidden flag is a deprecated spelling, "deprecated: use --…"`).toBeDefined();
        const target = flagsOf(command).find((candidate) => candidate.long === canonical && !candidate.hidden);
        expect(target, `${option.flags} points at ${canonical}, which ${command.name()} does not have`).toBeDefined();
        continue;
      }
      const meaning = VOCABULARY[option.flags];
      expect(meaning, `${command.name()}: ${option.flags} is not in the vocabulary (docs/cli.md)`).toBeDefined();
      expect(option.description, `${command.name()}: ${option.flags}`).toMatch(meaning as RegExp);
    }
  });

  it('docs/cli.md names every flag of the vocabulary', () => {
    const doc = readFileSync(join(REPO, 'docs/cli.md'), 'utf8');
    for (const flags of Object.keys(VOCABULARY)) expect(doc, flags).toContain(flags.replace(/^-V, /, '').replace(/^-o, /, ''));
  });
});

describe('deprecated spellings still work, with a notice', () => {
  let workspace: DemoWorkspace;
  beforeAll(async () => {
    workspace = await createDemoWorkspace(1);
  });
  afterAll(async () => {
    await workspace.close();
  });

  const snapshot = () => workspace.snapshots[0] as string;
  const cases: { name: string; args: () => string[]; notice: string; stdout?: RegExp }[] = [
    { name: 'snapshots list --dir', args: () => ['snapshots', 'list', '--dir', join(workspace.dir, 'snapshots')], notice: '--dir is deprecated; use --store', stdout: /TAKEN AT/ },
    { name: 'baseline approve --dir', args: () => ['baseline', 'approve', snapshot(), '--dir', join(workspace.dir, 'snapshots')], notice: '--dir is deprecated; use --store', stdout: /baselines/ },
    { name: 'collect --out', args: () => ['collect', '--endpoint', workspace.endpoint, '--regions', 'cn-hangzhou', '--out', join(workspace.dir, 'old-store')], notice: '--out is deprecated; use --store', stdout: /old-store\/.*\.jsonl\.gz/ },
    { name: 'analyze --out', args: () => ['analyze', snapshot(), '--out', join(workspace.dir, 'old.json')], notice: '--out is deprecated; use --output' },
    { name: 'analyze --baseline', args: () => ['analyze', snapshot(), '--baseline', snapshot(), '-o', join(workspace.dir, 'drift.json')], notice: '--baseline is deprecated; use --against' },
    { name: 'diff --out', args: () => ['diff', snapshot(), snapshot(), '--out', join(workspace.dir, 'diff.md')], notice: '--out is deprecated; use --output' },
    { name: 'snapshots export --out', args: () => ['snapshots', 'export', snapshot(), '--out', join(workspace.dir, 'nested.json')], notice: '--out is deprecated; use --output' },
  ];

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, testCase) => {
    const run = await runMain(testCase.args());
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr.split('\n')[0]).toBe(`sgaudit: ${testCase.notice}`);
    if (testCase.stdout) expect(run.stdout).toMatch(testCase.stdout);
  });

  it('giving both spellings is a usage error', async () => {
    const run = await runMain(['snapshots', 'list', '--dir', 'a', '--store', 'b']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('error: --dir is the deprecated spelling of --store; give --store only\n');
  });

  it('--quiet silences the notice', async () => {
    const run = await runMain(['--quiet', 'snapshots', 'list', '--dir', join(workspace.dir, 'snapshots')]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
  });
});
