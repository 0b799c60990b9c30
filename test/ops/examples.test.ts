import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli.js';
import { parseConfigText } from '../../src/config/load.js';
import { createDemoWorkspace, REPO, runMain, type DemoWorkspace } from './helpers.js';

/**
 * Every example a newcomer may copy runs: the `sgaudit …` lines of the code blocks in README.md
 * and docs/cli.md, and the Examples of every --help (parent commands and the program too), run
 * through the real entry point against the demo estate. Each must exit 0, or 1 (findings at
 * --fail-on), print no "unexpected error" and use no deprecated flag.
 *
 * The examples run in a workspace laid out like a user's (snapshots/ with two snapshots of the
 * emulator, findings.jsonl.gz, state.json, sgaudit.yaml); the few things only a real machine has are
 * stood in for: the emulator for the cloud (--endpoint added where an example would reach
 * Alibaba Cloud), the workspace's snapshots for named ones, the workspace's sgaudit.yaml and store
 * for /etc/… and /var/lib/…, tmp/ for /tmp. Long-running commands (emulator, schedule --cron) get
 * SIGTERM once they have started.
 */

interface Example {
  sources: string[];
  line: string;
  args: string[];
}

const program = buildProgram();
const COMMANDS = new Set(program.commands.map((command) => command.name()));
/** Shell syntax that ends the sgaudit part of a line: pipes, redirections, chains, comments. */
const STOP = new Set(['|', '||', '&&', ';', '>', '>>', '2>&1', '<']);

/** Words of one line of shell, with single and double quotes; a `#` word starts a comment. */
function shellWords(line: string): { word: string; quoted: boolean }[] {
  const words: { word: string; quoted: boolean }[] = [];
  let current: string | undefined;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i] as string;
    if (char === '"' || char === "'") {
      const end = line.indexOf(char, i + 1);
      current = (current ?? '') + line.slice(i + 1, end === -1 ? undefined : end);
      quoted = true;
      i = end === -1 ? line.length : end;
    } else if (/\s/.test(char)) {
      if (current !== undefined) words.push({ word: current, quoted });
      current = undefined;
      quoted = false;
    } else {
      current = (current ?? '') + char;
    }
  }
  if (current !== undefined) words.push({ word: current, quoted });
  return words;
}

/** The sgaudit invocations in a line: shell, a systemd ExecStart=, or a Kubernetes command array. */
function invocations(line: string): string[][] {
  const array = /\[\s*"sgaudit"[^\]]*\]/.exec(line);
  if (array) return [(JSON.parse(array[0]) as string[]).slice(1)];
  const words = shellWords(line.replace(/^\s*ExecStart=/, ''));
  const found: string[][] = [];
  for (let i = 0; i < words.length; i++) {
    const { word, quoted } = words[i] as { word: string; quoted: boolean };
    if (quoted || (word !== 'sgaudit' && !word.endsWith('/sgaudit')) || !COMMANDS.has(words[i + 1]?.word ?? '')) continue;
    const args: string[] = [];
    for (i++; i < words.length; i++) {
      const next = words[i] as { word: string; quoted: boolean };
      if (!next.quoted && (STOP.has(next.word) || next.word.startsWith('#'))) break;
      args.push(next.word);
    }
    found.push(args);
  }
  return found;
}

function markdownExamples(file: string): { source: string; line: string }[] {
  const text = readFileSync(join(REPO, file), 'utf8');
  const lines: { source: string; line: string }[] = [];
  for (const block of text.matchAll(/^```[^\n]*\n([\s\S]*?)^```/gm)) {
    for (const line of (block[1] as string).split('\n')) lines.push({ source: file, line });
  }
  return lines;
}

function helpText(command: Command): string {
  let text = '';
  command.configureOutput({ writeOut: (chunk) => (text += chunk), writeErr: (chunk) => (text += chunk) });
  command.outputHelp();
  return text;
}

function helpExamples(command: Command, path: string[] = []): { source: string; line: string }[] {
  const examples = /\nExamples:\n((?: {2}.*\n?)+)/.exec(helpText(command))?.[1] ?? '';
  const source = `sgaudit ${[...path, ''].join(' ')}--help`;
  const own = examples.split('\n').map((line) => ({ source, line }));
  const subs = command.commands.filter((sub) => sub.name() !== 'help');
  return [...own, ...subs.flatMap((sub) => helpExamples(sub, [...path, sub.name()]))];
}

function collectExamples(): Example[] {
  const byArgs = new Map<string, Example>();
  for (const { source, line } of [...markdownExamples('README.md'), ...markdownExamples('docs/cli.md'), ...helpExamples(program)]) {
    for (const args of invocations(line)) {
      const key = JSON.stringify(args);
      const known = byArgs.get(key);
      if (known) known.sources.push(source);
      else byArgs.set(key, { sources: [source], line: line.trim(), args });
    }
  }
  return [...byArgs.values()];
}

/** Paths of a production machine, and where the workspace has them. */
const STAND_INS: Record<string, string> = {
  '/etc/sgaudit.yaml': 'sgaudit.yaml',
  '/config/sgaudit.yaml': 'sgaudit.yaml',
  '/var/lib/sgaudit/snapshots': 'snapshots',
};

function substitute(args: string[], workspace: DemoWorkspace): string[] {
  // Findings files share the extension; the workspace has the one examples name.
  const isSnapshot = (arg: string) => arg.endsWith('.jsonl.gz') && !basename(arg).startsWith('findings');
  const snapshotWords = args.filter(isSnapshot);
  const [older, newest] = workspace.snapshots.slice(-2) as [string, string];
  const result = args.map((arg, index) => {
    const flag = args[index - 1];
    if (flag === '--endpoint') return workspace.endpoint;
    // The emulator's listening port; exposure's --port is traffic (tcp/22) and stays.
    if (flag === '--port' && args[0] !== 'exposure') return '0';
    // Two snapshots named in one example are old and new (diff); one is the newest.
    if (isSnapshot(arg)) return snapshotWords.length > 1 && snapshotWords.indexOf(arg) === 0 ? older : newest;
    const standIn = STAND_INS[arg];
    if (standIn) return standIn;
    if (arg.startsWith('/tmp/')) return arg.slice(1);
    if (arg.startsWith('/') || /<[a-z]+>/.test(arg)) throw new Error(`the test has no stand-in for "${arg}": add one to STAND_INS`);
    return arg;
  });
  const cloud = result[0] === 'collect' || result[0] === 'scan' || result[0] === 'schedule';
  if (cloud && !result.includes('--endpoint')) result.push('--endpoint', workspace.endpoint);
  return result;
}

/** Commands that run until stopped, and what they print once they are up. */
function readyMarker(args: string[]): ((output: { stdout: string; stderr: string }) => boolean) | undefined {
  if (args[0] === 'emulator') return (output) => output.stdout.includes('listening on');
  if (args[0] === 'schedule' && !args.includes('--once')) return (output) => output.stderr.includes('scheduled:');
  return undefined;
}

async function stopOnceReady(ready: (output: { stdout: string; stderr: string }) => boolean, output: () => { stdout: string; stderr: string }): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!ready(output()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  // What a service manager sends; both commands stop on it.
  process.emit('SIGTERM', 'SIGTERM');
}

/** `terraform show -json` of a plan that opens RDP on the demo's web group (Terraform's plan format). */
const DEMO_PLAN = {
  format_version: '1.2',
  terraform_version: '1.9.0',
  resource_changes: [
    {
      address: 'alicloud_security_group_rule.rdp',
      mode: 'managed',
      type: 'alicloud_security_group_rule',
      name: 'rdp',
      provider_name: 'registry.terraform.io/aliyun/alicloud',
      change: {
        actions: ['create'],
        before: null,
        after: { type: 'ingress', ip_protocol: 'tcp', port_range: '3389/3389', cidr_ip: '0.0.0.0/0', policy: 'accept', priority: 1, nic_type: 'intranet', security_group_id: 'sg-bp1web00000000000001' },
        after_unknown: { id: true },
      },
    },
  ],
};

const examples = collectExamples();
let workspace: DemoWorkspace;
const previousCwd = process.cwd();

beforeAll(async () => {
  workspace = await createDemoWorkspace();
  // Every collecting example reads ./sgaudit.yaml: the demo's regions keep each collection short.
  await writeFile(join(workspace.dir, 'sgaudit.yaml'), 'regions: [cn-hangzhou, ap-southeast-1]\n');
  // What whatif examples read: a change file and a Terraform plan against the demo estate.
  await writeFile(join(workspace.dir, 'changes.yaml'), 'changes:\n  - add-rule: { group: sg-bp1web00000000000001, protocol: tcp, ports: 3389, source: 0.0.0.0/0 }\n');
  await writeFile(join(workspace.dir, 'plan.json'), JSON.stringify(DEMO_PLAN));
  process.chdir(workspace.dir);
});

afterAll(async () => {
  process.chdir(previousCwd);
  await workspace.close();
});

describe('examples', () => {
  it('finds the examples of the README, docs/cli.md and every --help', () => {
    const sources = new Set(examples.flatMap((example) => example.sources));
    for (const source of ['README.md', 'docs/cli.md', 'sgaudit --help', 'sgaudit baseline --help', 'sgaudit snapshots --help', 'sgaudit scan --help']) expect(sources).toContain(source);
    expect(examples.length).toBeGreaterThan(30);
  });

  it.each(examples.map((example) => [example.line, example] as const))('%s', async (_line, example) => {
    const args = substitute(example.args, workspace);
    const ready = readyMarker(args);
    const run = await runMain(args, ready ? (output) => stopOnceReady(ready, output) : undefined);
    const context = `${example.sources.join(', ')}: sgaudit ${args.join(' ')}\n${run.stderr}`;
    expect([0, 1], context).toContain(run.code);
    expect(run.stderr, context).not.toMatch(/unexpected error|is deprecated/);
  });

  it("the README's sgaudit.yaml is a valid config", () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const yaml = /```yaml\n(# yaml-language-server[\s\S]*?)```/.exec(readme)?.[1];
    expect(yaml).toBeDefined();
    expect(() => parseConfigText(yaml as string, 'README.md')).not.toThrow();
  });
});
