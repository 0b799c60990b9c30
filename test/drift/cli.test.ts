import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli.js';
import { FindingsDocument } from '../../src/model/findings.js';
import { configureLog } from '../../src/util/log.js';
import { FIXTURES } from './helpers.js';

let dir: string;
let stdout: string;
let stderr: string[];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sgaudit-diff-cli-'));
  stdout = '';
  stderr = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  configureLog({ sink: (line) => stderr.push(line) });
  process.exitCode = undefined;
});
afterEach(async () => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
  await rm(dir, { recursive: true, force: true });
});

const run = (...args: string[]) => main(['node', 'sgaudit', ...args]);
const fixture = (name: string, file: string) => join(FIXTURES, name, file);

describe('sgaudit diff', () => {
  it('--verbose says how long reading and computing the drift took', async () => {
    const code = await run('--verbose', 'diff', fixture('new-exposure', 'old.json'), fixture('new-exposure', 'new.json'), '--format', 'json', '--out', join(dir, 'timed.json'));
    expect(code).toBe(0);
    expect(stderr.join('\n')).toMatch(/read both snapshots in \d+\.\d\d s\ncomputed the drift in \d+\.\d\d s/);
  });

  it('writes a JSON findings document and exits 1 with --fail-on-drift new-exposure', async () => {
    const out = join(dir, 'drift.json');
    const code = await run('diff', fixture('new-exposure', 'old.json'), fixture('new-exposure', 'new.json'), '--format', 'json', '--out', out, '--fail-on-drift', 'new-exposure');
    const document = FindingsDocument.parse(JSON.parse(await readFile(out, 'utf8')));
    expect(document.findings.map((f) => f.detail.extra?.kind).sort()).toEqual(['new-exposure', 'rule-added']);
    expect(code).toBe(1);
  });

  it('exits 0 when the only drift is no new exposure', async () => {
    const code = await run('diff', fixture('rule-port-changed', 'old.json'), fixture('rule-port-changed', 'new.json'), '--format', 'md', '--fail-on-drift', 'new-exposure');
    expect(code).toBe(0);
    expect(stdout).toContain('sgr-web-2');
    expect(stderr.join('\n')).toContain('1 rule-modified');
  });

  it('--match-rules content hides a re-created rule; --fail-on-drift any', async () => {
    const args = ['diff', fixture('rule-recreated', 'old.json'), fixture('rule-recreated', 'new.json'), '--format', 'json', '--fail-on-drift', 'any'];
    expect(await run(...args, '--match-rules', 'content')).toBe(0);
    expect(await run(...args)).toBe(1);
  });

  it('detects a Terraform state as OLD and renders csv', async () => {
    const code = await run('diff', fixture('terraform', 'hand-added-rule.tfstate.json'), fixture('terraform', 'live.json'), '--format', 'csv', '--unmanaged-groups', 'off');
    expect(code).toBe(0);
    expect(stdout).toContain('sgr-web-2');
    expect(stdout.trim().split('\n')).toHaveLength(2);
  });

  it('lists not-compared scopes on stderr', async () => {
    await run('diff', fixture('region-denied', 'old.json'), fixture('region-denied', 'new.json'), '--format', 'json');
    expect(stderr.some((line) => line.includes('not compared: 1111/cn-beijing'))).toBe(true);
    expect((JSON.parse(stdout) as { notCompared: unknown[] }).notCompared.length).toBeGreaterThanOrEqual(1);
  });

  it('usage errors exit 2 with one line', async () => {
    expect(await run('diff', 'a', 'b', '--format', 'pdf')).toBe(2);
    expect(await run('diff', 'a', 'b', '--fail-on-drift', 'sometimes')).toBe(2);
    expect(await run('diff', join(dir, 'missing.json'), fixture('rule-port-changed', 'new.json'))).toBe(2);
    expect(stderr.filter((line) => line.startsWith('error: '))).toHaveLength(3);
  });
});

describe('sgaudit baseline', () => {
  it('approve then show', async () => {
    const store = join(dir, 'store');
    expect(await run('baseline', 'approve', fixture('rule-port-changed', 'old.json'), '--note', 'reviewed', '--dir', store)).toBe(0);
    expect(stdout).toContain(join(store, 'baselines', 'old.json'));
    stdout = '';
    expect(await run('baseline', 'show', '--dir', store, '--format', 'json')).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ snapshotId: 'snap-old', note: 'reviewed' });
  });
});
