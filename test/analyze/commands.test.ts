import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CATALOG } from '../../src/analyze/checks/index.js';
import { DRIFT_META } from '../../src/analyze/drift/meta.js';
import { main } from '../../src/cli.js';
import { sampleEstate } from '../../src/emulator/index.js';
import { FindingsDocument } from '../../src/model/findings.js';
import { writeSnapshot } from '../../src/model/snapshot-file.js';
import { SNAPSHOT_SCHEMA, type Snapshot } from '../../src/model/snapshot.js';
import { readFindingsDocument } from '../../src/report/read-findings.js';
import { configureLog } from '../../src/util/log.js';

const dir = mkdtempSync(join(tmpdir(), 'sgaudit-analyze-'));
const snapshotPath = join(dir, 'sample.jsonl.gz');
const stderr: string[] = [];

function sampleSnapshot(): Snapshot {
  return {
    schema: SNAPSHOT_SCHEMA,
    id: 'sample-1',
    takenAt: '2025-06-01T00:00:00Z',
    tool: { name: 'sgaudit', version: 'test' },
    provider: 'alicloud',
    coverage: [],
    accounts: sampleEstate().accounts,
  };
}

async function run(...args: string[]): Promise<{ code: number; stdout: string }> {
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  try {
    const code = await main(['node', 'sgaudit', ...args]);
    return { code, stdout: chunks.join('') };
  } finally {
    spy.mockRestore();
    process.exitCode = undefined;
  }
}

beforeAll(async () => {
  await writeSnapshot(snapshotPath, sampleSnapshot());
});
afterEach(() => {
  stderr.length = 0;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
configureLog({ sink: (line) => stderr.push(line) });

describe('sgaudit analyze', () => {
  it('writes a valid findings file (findings@2) for the sample estate, exit 1 with --fail-on high', async () => {
    const out = join(dir, 'findings.jsonl.gz');
    const { code, stdout } = await run('analyze', snapshotPath, '-o', out, '--fail-on', 'high', '--config', join(dir, 'none.yaml'));
    expect(code).toBe(2); // the explicit config does not exist
    expect(stdout).toBe('');

    writeFileSync(join(dir, 'sgaudit.yaml'), 'checks:\n  too-many-groups: { enabled: false }\n');
    const result = await run('analyze', snapshotPath, '-o', out, '--fail-on', 'high', '--config', join(dir, 'sgaudit.yaml'));
    expect(result.code).toBe(1);
    expect(JSON.parse(gunzipSync(readFileSync(out)).toString('utf8').split('\n')[0]!)).toMatchObject({ schema: 'sgaudit/findings@2' });
    const document = await readFindingsDocument(out);
    expect(document.snapshotId).toBe('sample-1');
    const checks = new Set(document.findings.map((finding) => finding.check));
    for (const id of ['unused-group', 'broad-rule', 'public-ip-internal-tier', 'dangling-reference', 'unparseable-rule']) expect(checks, id).toContain(id);
    expect(checks).not.toContain('too-many-groups');
    expect(document.summary.total).toBe(document.findings.length);
    expect(stderr.join('\n')).toMatch(/\d+ findings \(.*\); findings written to/);
  });

  it('prints to stdout and exits 0 without --fail-on; same ids on a rerun', async () => {
    const first = await run('analyze', snapshotPath, '--config', join(dir, 'sgaudit.yaml'));
    const second = await run('analyze', snapshotPath, '--config', join(dir, 'sgaudit.yaml'));
    expect(first.code).toBe(0);
    const ids = (text: string) => FindingsDocument.parse(JSON.parse(text)).findings.map((finding) => finding.id);
    expect(ids(second.stdout)).toEqual(ids(first.stdout));
    // stdout is the indented findings@1-shaped document; -o the findings@2 file of the same findings.
    expect(first.stdout.split('\n')[1]).toBe('  "schema": "sgaudit/findings@1",');
    const written = await readFindingsDocument(join(dir, 'findings.jsonl.gz'));
    expect({ ...written, generatedAt: '' }).toEqual({ ...FindingsDocument.parse(JSON.parse(first.stdout)), generatedAt: '' });
  });

  it('--against adds drift: the same snapshot has no drift findings, a changed one does', async () => {
    const same = await run('analyze', snapshotPath, '--against', snapshotPath, '--config', join(dir, 'sgaudit.yaml'));
    const document = FindingsDocument.parse(JSON.parse(same.stdout));
    expect(document.baselineId).toBe('sample-1');
    expect(document.checks.map((check) => check.id)).toContain('drift');
    expect(document.findings.filter((finding) => finding.check === 'drift')).toEqual([]);

    const older = sampleSnapshot();
    const region = older.accounts[0]?.regions[0];
    region?.securityGroups.push({ id: 'sg-gone-since', name: 'gone', description: '', type: 'normal', innerAccessPolicy: 'accept', serviceManaged: false, tags: {}, rules: [] });
    const olderPath = join(dir, 'older.jsonl.gz');
    await writeSnapshot(olderPath, { ...older, id: 'older' });
    const changed = FindingsDocument.parse(JSON.parse((await run('analyze', snapshotPath, '--against', olderPath, '--config', join(dir, 'sgaudit.yaml'))).stdout));
    expect(changed.findings.some((finding) => finding.check === 'drift' && finding.resource.id === 'sg-gone-since')).toBe(true);
  });

  it('exit 0 when nothing reaches --fail-on', async () => {
    writeFileSync(join(dir, 'only-low.yaml'), `checks:\n${CATALOG.map((check) => `  ${check.meta.id}: { severity: low }`).join('\n')}\n`);
    const { code } = await run('analyze', snapshotPath, '--config', join(dir, 'only-low.yaml'), '--fail-on', 'medium');
    expect(code).toBe(0);
  });

  it.each([
    [['analyze', snapshotPath, '--fail-on', 'severe'], /--fail-on must be one of critical, high, medium, low, info/],
    [['analyze', snapshotPath, '--format', 'html'], /--format must be json/],
    [['analyze', join(dir, 'missing.jsonl.gz')], /missing.jsonl.gz/],
  ])('usage errors exit 2: %s', async (args, message) => {
    const { code } = await run(...(args as string[]), '--config', join(dir, 'sgaudit.yaml'));
    expect(code).toBe(2);
    expect(stderr.join('\n')).toMatch(message as RegExp);
  });
});

describe('sgaudit checks', () => {
  it('lists the catalog and drift as text and json', async () => {
    const metas = [...CATALOG.map((check) => check.meta), DRIFT_META];
    const text = await run('checks');
    expect(text.code).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(metas.length + 1);
    for (const meta of metas) {
      const line = lines.find((candidate) => candidate.startsWith(`${meta.id} `));
      expect(line?.split(/\s{2,}/), meta.id).toEqual([meta.id, meta.severity, meta.title]);
    }
    const json = await run('checks', '--format', 'json');
    expect((JSON.parse(json.stdout) as { id: string }[]).map((meta) => meta.id)).toEqual(metas.map((meta) => meta.id));
  });
});
