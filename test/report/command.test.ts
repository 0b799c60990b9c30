import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli.js';
import { configureLog } from '../../src/util/log.js';
import { writeFindingsFile } from '../../src/report/write-findings.js';
import { parseReportFormats } from '../../src/report/write-reports.js';
import { FIXTURE_PATH, loadFixture } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'sgaudit-report-cmd-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sgaudit report', () => {
  let stdout: string[];
  let stderr: string[];
  beforeEach(() => {
    stdout = [];
    stderr = [];
    process.exitCode = undefined;
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout.push(String(chunk));
      return true;
    });
    configureLog({ sink: (line) => stderr.push(line) });
  });
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });

  it('writes every requested format atomically and prints the paths', async () => {
    const out = join(dir, 'all');
    const code = await main(['node', 'sgaudit', 'report', FIXTURE_PATH, '--format', 'html,md,csv,sarif,json', '--out', out]);
    expect(code).toBe(0);
    const expected = ['findings.html', 'findings.md', 'findings.csv', 'findings.sarif', 'findings.json'].map((name) => join(out, name));
    expect(stdout.join('')).toBe(expected.map((path) => `${path}\n`).join(''));
    for (const path of expected) expect(readFileSync(path, 'utf8').length).toBeGreaterThan(100);
    expect(readFileSync(join(out, 'findings.html'), 'utf8')).toContain('Content-Security-Policy');
  });

  it('exits 2 with one line naming a corrupt findings file, writing nothing', async () => {
    const bad = join(dir, 'corrupt.json');
    writeFileSync(bad, '{"schema":"sgaudit/findings@1","findings":[');
    const out = join(dir, 'corrupt-out');
    const code = await main(['node', 'sgaudit', 'report', bad, '--format', 'html', '--out', out]);
    expect(code).toBe(2);
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toMatch(new RegExp(`^error: ${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: not valid JSON`));
    expect(existsSync(out)).toBe(false);
  });

  it('exits 2 on an unknown format', async () => {
    const code = await main(['node', 'sgaudit', 'report', FIXTURE_PATH, '--format', 'html,pdf', '--out', join(dir, 'x')]);
    expect(code).toBe(2);
    expect(stderr[0]).toBe('error: --format: unknown report format "pdf" (choose from html, md, json, csv, sarif)');
  });

  it('renders a findings@2 file as it renders the findings@1 JSON of the same findings', async () => {
    const input = join(dir, 'v2', 'findings.jsonl.gz');
    await writeFindingsFile(input, loadFixture());
    const code = await main(['node', 'sgaudit', 'report', input, '--format', 'md,json,csv']);
    expect(code).toBe(0);
    const fromJson = join(dir, 'v1');
    expect(await main(['node', 'sgaudit', 'report', FIXTURE_PATH, '--format', 'md,json,csv', '--out', fromJson])).toBe(0);
    for (const name of ['findings.md', 'findings.json', 'findings.csv']) expect(readFileSync(join(dir, 'v2', name), 'utf8'), name).toBe(readFileSync(join(fromJson, name), 'utf8'));
  });

  // A reports directory: its own findings file, else its newest run's; findings.json for runs from before findings@2.
  it.each([
    ['the newest run, in the new format', { '20261101T020000Z/findings.json': 'v1', '20261102T020000Z/findings.jsonl.gz': 'v2' }, '20261102T020000Z/findings.jsonl.gz'],
    ['the newest run, an old one', { '20261101T020000Z/findings.jsonl.gz': 'v2', '20261102T020000Z/findings.json': 'v1', '20261103T020000Z/findings.html': 'html' }, '20261102T020000Z/findings.json'],
    ['the new format where a run has both', { '20261102T020000Z/findings.json': 'v1', '20261102T020000Z/findings.jsonl.gz': 'v2' }, '20261102T020000Z/findings.jsonl.gz'],
    ['its own findings file first', { 'findings.jsonl.gz': 'v2', '20261102T020000Z/findings.jsonl.gz': 'v2' }, 'findings.jsonl.gz'],
  ])('a reports directory reads %s', async (name, files, expected) => {
    const reports = join(dir, `reports-${name.replace(/\W+/g, '-')}`);
    for (const [file, kind] of Object.entries(files)) {
      mkdirSync(dirname(join(reports, file)), { recursive: true });
      if (kind === 'v2') await writeFindingsFile(join(reports, file), loadFixture());
      else writeFileSync(join(reports, file), kind === 'v1' ? readFileSync(FIXTURE_PATH) : '<html>');
    }
    const code = await main(['node', 'sgaudit', 'report', reports, '--format', 'md', '--out', join(reports, 'out')]);
    expect(code, stderr.join('\n')).toBe(0);
    expect(stderr.join('\n')).toContain(expected);
    expect(readFileSync(join(reports, 'out', 'findings.md'), 'utf8')).toContain('Top risks');
  });

  it('refuses to overwrite the findings file it reads', async () => {
    const input = join(dir, 'findings.json');
    writeFileSync(input, readFileSync(FIXTURE_PATH));
    const code = await main(['node', 'sgaudit', 'report', input, '--format', 'json', '--out', dir]);
    expect(code).toBe(2);
    expect(stderr[0]).toContain('would overwrite the input file');
  });
});

describe('parseReportFormats', () => {
  it.each([
    ['html', ['html']],
    ['HTML, md ,csv', ['html', 'md', 'csv']],
    ['markdown,md,sarif', ['md', 'sarif']],
    ['json,json', ['json']],
  ])('%j → %j', (input, expected) => {
    expect(parseReportFormats(input)).toEqual(expected);
  });

  it.each([[''], [' , '], ['xml']])('rejects %j', (input) => {
    expect(() => parseReportFormats(input)).toThrow(/--format/);
  });
});
