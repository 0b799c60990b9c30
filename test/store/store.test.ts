import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/model/snapshot.js';
import { writeSnapshot } from '../../src/model/snapshot-file.js';
import { openLocalStore, snapshotFileName } from '../../src/store/index.js';
import { formatSnapshotTable } from '../../src/store/describe.js';

function snapshotAt(takenAt: string, id: string, denied = false): Snapshot {
  return {
    schema: 'sgaudit/snapshot@1',
    id,
    takenAt,
    tool: { name: 'sgaudit', version: '0.0.0' },
    provider: 'alicloud',
    coverage: [
      { accountId: '100', regionId: 'cn-hangzhou', api: 'DescribeSecurityGroups', status: 'complete' },
      { accountId: '100', regionId: 'cn-beijing', api: 'DescribeSecurityGroups', status: denied ? 'denied' : 'complete', ...(denied ? { code: 'Forbidden.RAM' } : {}) },
    ],
    accounts: [{ accountId: '100', regions: [] }],
  };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sgaudit-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('local snapshot store', () => {
  it('names files so they sort by time', () => {
    expect(snapshotFileName('2026-11-25T02:00:00.123Z', 'abcdef1234567')).toBe('20261125T020000Z-abcdef12.jsonl.gz');
  });

  it('lists oldest first with scope and coverage, reports unreadable files, prunes by count and age', async () => {
    const store = openLocalStore(dir);
    const days = ['2026-09-01', '2026-11-20', '2026-11-24', '2026-11-25'];
    for (const [index, day] of days.entries()) {
      const s = snapshotAt(`${day}T02:00:00.000Z`, `id${index}xxxxxxxx`, index === 3);
      await writeSnapshot(store.pathFor(s.takenAt, s.id), s);
    }
    await writeFile(join(dir, '20990101T000000Z-broken00.jsonl.gz'), 'not gzip');
    const { snapshots, problems } = await store.list();
    expect(snapshots.map((s) => s.header.id)).toEqual(['id0xxxxxxxx', 'id1xxxxxxxx', 'id2xxxxxxxx', 'id3xxxxxxxx']);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toMatch(/broken00\.jsonl\.gz:1: not an sgaudit snapshot/);
    const table = formatSnapshotTable(snapshots);
    expect(table).toMatch(/1 account\(s\) \/ 2 region\(s\)/);
    expect(table).toMatch(/INCOMPLETE \(100\/cn-beijing\/DescribeSecurityGroups: denied\)/);
    expect((await store.latest())?.header.id).toBe('id3xxxxxxxx');

    const now = new Date('2026-11-25T12:00:00Z');
    const dry = await store.prune({ maxAgeDays: 30 }, { dryRun: true, now });
    expect(dry.map((s) => s.header.id)).toEqual(['id0xxxxxxxx']);
    expect((await store.list()).snapshots).toHaveLength(4);

    const removed = await store.prune({ keep: 2 }, { now, keepPaths: [snapshots[0]!.path] });
    expect(removed.map((s) => s.header.id)).toEqual(['id1xxxxxxxx']);
    expect((await readdir(dir)).filter((n) => !n.includes('broken')).sort()).toEqual([snapshots[0]!.name, snapshots[2]!.name, snapshots[3]!.name].sort());
  });

  it('a missing store directory lists as empty', async () => {
    expect(await openLocalStore(join(dir, 'nope')).list()).toEqual({ snapshots: [], problems: [] });
  });
});
