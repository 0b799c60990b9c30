import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/model/snapshot.js';
import { readSnapshot, writeSnapshot } from '../../src/model/snapshot-file.js';
import { approveBaseline, readApprovedBaseline, resolveBaseline } from '../../src/store/baseline.js';
import { snapshotPathFor } from '../../src/store/index.js';
import { fixtureSnapshot } from './helpers.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sgaudit-baseline-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function stored(takenAt: string, id: string): Promise<string> {
  const snapshot: Snapshot = { ...fixtureSnapshot('rule-port-changed', 'old'), id, takenAt };
  const path = snapshotPathFor(dir, takenAt, id);
  await writeSnapshot(path, snapshot);
  return path;
}

describe('baseline store', () => {
  it('approve copies the snapshot into baselines/ and records who, when and why', async () => {
    const path = await stored('2026-11-01T02:00:00Z', 'aaaaaaaa-1');
    const approved = await approveBaseline(dir, path, { note: 'CHG-1', approvedBy: 'alice', now: new Date('2026-11-02T00:00:00Z') });
    expect(approved.absolutePath).toBe(join(dir, 'baselines', '20261101T020000Z-aaaaaaaa.jsonl.gz'));
    expect((await readSnapshot(approved.absolutePath)).id).toBe('aaaaaaaa-1');
    const record = JSON.parse(await readFile(join(dir, 'baselines', 'approved.json'), 'utf8')) as Record<string, unknown>;
    expect(record).toMatchObject({ schema: 'sgaudit/baseline@1', snapshotId: 'aaaaaaaa-1', path: 'baselines/20261101T020000Z-aaaaaaaa.jsonl.gz', takenAt: '2026-11-01T02:00:00Z', approvedAt: '2026-11-02T00:00:00.000Z', approvedBy: 'alice', note: 'CHG-1' });
    expect(await resolveBaseline(dir, 'approved')).toBe(approved.absolutePath);
    // no temp files left behind
    expect((await readdir(join(dir, 'baselines'))).sort()).toEqual(['20261101T020000Z-aaaaaaaa.jsonl.gz', 'approved.json']);
  });

  it('defaults approvedBy to the OS user', async () => {
    const path = await stored('2026-11-01T02:00:00Z', 'aaaaaaaa-1');
    expect((await approveBaseline(dir, path)).approvedBy.length).toBeGreaterThan(0);
  });

  it('refuses a truncated snapshot and keeps the previous approval', async () => {
    const good = await stored('2026-11-01T02:00:00Z', 'aaaaaaaa-1');
    await approveBaseline(dir, good, { approvedBy: 'alice' });
    const bad = join(dir, 'bad.jsonl.gz');
    const bytes = await readFile(good);
    await (await import('node:fs/promises')).writeFile(bad, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expect(approveBaseline(dir, bad)).rejects.toThrow(/bad\.jsonl\.gz/);
    expect((await readApprovedBaseline(dir))?.snapshotId).toBe('aaaaaaaa-1');
  });

  it('approved is undefined when nothing was approved; a corrupt record names the file', async () => {
    expect(await resolveBaseline(dir, 'approved')).toBeUndefined();
    await (await import('node:fs/promises')).mkdir(join(dir, 'baselines'));
    await (await import('node:fs/promises')).writeFile(join(dir, 'baselines', 'approved.json'), '{"schema":"x"}');
    await expect(readApprovedBaseline(dir)).rejects.toThrow(/approved\.json: not an sgaudit baseline record/);
  });

  it('previous is the newest stored snapshot older than the current one', async () => {
    const first = await stored('2026-11-01T02:00:00Z', 'aaaaaaaa-1');
    const second = await stored('2026-11-02T02:00:00Z', 'bbbbbbbb-2');
    const third = await stored('2026-11-03T02:00:00Z', 'cccccccc-3');
    expect(await resolveBaseline(dir, 'previous', third)).toBe(second);
    expect(await resolveBaseline(dir, 'previous', second)).toBe(first);
    expect(await resolveBaseline(dir, 'previous', first)).toBeUndefined();
    expect(await resolveBaseline(dir, 'previous')).toBe(second);
  });
});
