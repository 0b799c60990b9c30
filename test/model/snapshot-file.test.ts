import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileFormatError } from '../../src/model/errors.js';
import type { Snapshot } from '../../src/model/snapshot.js';
import { createSnapshotWriter, exportSnapshotJson, readSnapshot, readSnapshotPair, writeSnapshot } from '../../src/model/snapshot-file.js';
import { setBeforeRenameHook } from '../../src/util/atomic-write.js';

const snapshot: Snapshot = {
  schema: 'sgaudit/snapshot@1',
  id: 'snap-1',
  takenAt: '2026-11-25T00:00:00.000Z',
  tool: { name: 'sgaudit', version: '0.0.0' },
  provider: 'alicloud',
  coverage: [{ accountId: '100', regionId: 'cn-hangzhou', api: 'DescribeSecurityGroups', status: 'complete', requests: 1, items: 1 }],
  accounts: [
    {
      accountId: '100',
      alias: 'prod',
      regions: [
        {
          regionId: 'cn-hangzhou',
          securityGroups: [
            {
              id: 'sg-1',
              name: '<script>alert(1)</script>',
              description: 'web',
              type: 'normal',
              innerAccessPolicy: 'accept',
              serviceManaged: false,
              tags: { tier: 'web' },
              rules: [
                { id: 'sgr-1', direction: 'ingress', policy: 'accept', priority: 1, protocol: 'tcp', ports: { from: 22, to: 22 }, source: { cidr: '0.0.0.0/0' } },
              ],
            },
          ],
          instances: [],
          networkInterfaces: [],
          eips: [{ allocationId: 'eip-1', ip: '47.0.0.1', status: 'InUse', name: '', boundInstanceType: 'NetworkInterface', boundInstanceId: 'eni-1' }],
          prefixLists: [],
          addressGroups: [],
        },
        { regionId: 'cn-beijing', securityGroups: [], instances: [], networkInterfaces: [], eips: [], prefixLists: [], addressGroups: [] },
      ],
    },
  ],
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sgaudit-snap-'));
});
afterEach(async () => {
  setBeforeRenameHook(undefined);
  await rm(dir, { recursive: true, force: true });
});

describe('snapshot file', () => {
  it('round-trips through gzip JSON Lines, keeping empty regions', async () => {
    const path = join(dir, 's.jsonl.gz');
    const result = await writeSnapshot(path, snapshot);
    expect(result.records).toBe(5); // account, 2 regions, group, eip
    expect(await readSnapshot(path)).toEqual(snapshot);
    const lines = gunzipSync(await readFile(path)).toString('utf8').trim().split('\n');
    expect(JSON.parse(lines[0]!)).toMatchObject({ schema: 'sgaudit/snapshot@1', id: 'snap-1' });
    expect(JSON.parse(lines.at(-1)!)).toEqual({ kind: 'end', records: 5 });
    expect(JSON.parse(lines[3]!)).toMatchObject({ kind: 'securityGroup', accountId: '100', regionId: 'cn-hangzhou', id: 'sg-1' });
  });

  it('round-trips the nested .json export', async () => {
    const path = join(dir, 's.json');
    await exportSnapshotJson(path, snapshot);
    expect(await readSnapshot(path)).toEqual(snapshot);
  });

  it('reads records a newer sgaudit wrote with fields this version does not know, dropping only those fields', async () => {
    const good = join(dir, 'good.jsonl.gz');
    await writeSnapshot(good, snapshot);
    const newer = join(dir, 'newer.jsonl.gz');
    const text = gunzipSync(await readFile(good)).toString().replace('"priority":1,', '"priority":1,"hitCount":42,').replace('"name":"<script>', '"owner":"team-a","name":"<script>');
    expect(text).toContain('hitCount');
    await writeFile(newer, gzipSync(text));
    expect(await readSnapshot(newer)).toEqual(snapshot);
  });

  const corruptions: [string, (gz: Buffer) => Buffer, RegExp][] = [
    ['truncated mid-stream', (gz) => gz.subarray(0, Math.floor(gz.length * 0.6)), /truncated|corrupt/],
    ['cut at a line boundary', (gz) => gzipSync(gunzipSync(gz).toString().split('\n').slice(0, 3).join('\n') + '\n'), /truncated \(no end record\)/],
    ['a corrupt line', (gz) => gzipSync(gunzipSync(gz).toString().replace('"kind":"eip"', '"kind":"eip"}{')), /:\d+: corrupt record/],
    ['a foreign JSON file', () => gzipSync('{"hello":"world"}\n'), /not an sgaudit snapshot/],
    ['a wrong schema version', (gz) => gzipSync(gunzipSync(gz).toString().replace('sgaudit/snapshot@1', 'sgaudit/snapshot@9')), /unsupported snapshot schema sgaudit\/snapshot@9/],
    ['plain text', () => Buffer.from('hello world\n'), /not an sgaudit snapshot/],
    ['an empty file', () => Buffer.alloc(0), /empty file/],
    ['an invalid record', (gz) => gzipSync(gunzipSync(gz).toString().replace('"priority":1', '"priority":"high"')), /invalid securityGroup: rules\.0\.priority/],
    ['a wrong end count', (gz) => gzipSync(gunzipSync(gz).toString().replace('"records":5', '"records":7')), /end record counts 7/],
  ];
  it.each(corruptions)('rejects %s with one clear line naming the file', async (_name, corrupt, message) => {
    const good = join(dir, 'good.jsonl.gz');
    await writeSnapshot(good, snapshot);
    const bad = join(dir, 'bad.jsonl.gz');
    await writeFile(bad, corrupt(await readFile(good)));
    const error = await readSnapshot(bad).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(FileFormatError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message.startsWith(bad)).toBe(true);
    expect((error as Error).message).not.toContain('\n');
  });

  describe('reading two snapshots of one estate', () => {
    const changed: Snapshot = structuredClone(snapshot);
    changed.id = 'snap-2';
    changed.accounts[0]!.regions[0]!.eips[0]!.status = 'Available';

    /** Both written, then read as a pair: each side equals a read of its own file. */
    async function readBoth(one: Snapshot, two: Snapshot): Promise<[Snapshot, Snapshot]> {
      const first = join(dir, 'a.jsonl.gz');
      const second = join(dir, 'b.jsonl.gz');
      await writeSnapshot(first, one);
      await writeSnapshot(second, two);
      const [a, b] = await readSnapshotPair(first, second);
      expect(a).toEqual(await readSnapshot(first));
      expect(b).toEqual(await readSnapshot(second));
      return [a, b];
    }

    it('shares the records whose lines are identical and equals two separate reads', async () => {
      const [a, b] = await readBoth(snapshot, changed);
      const [groupA, groupB] = [a.accounts[0]!.regions[0]!.securityGroups[0], b.accounts[0]!.regions[0]!.securityGroups[0]];
      expect(groupB).toBe(groupA);
      expect(b.accounts[0]!.regions[0]!.eips[0]).not.toBe(a.accounts[0]!.regions[0]!.eips[0]);
      expect(b.accounts[0]!.regions[0]!.eips[0]!.status).toBe('Available');
    });

    it('keeps sharing across long runs of added, removed, changed and reordered records', async () => {
      const group = (n: number) => ({ ...structuredClone(snapshot.accounts[0]!.regions[0]!.securityGroups[0]!), id: `sg-${n}`, name: `g${n}` });
      const many: Snapshot = structuredClone(snapshot);
      many.accounts[0]!.regions[0]!.securityGroups = Array.from({ length: 60 }, (_, n) => group(n));
      const edited: Snapshot = structuredClone(many);
      const groups = edited.accounts[0]!.regions[0]!.securityGroups;
      groups.splice(5, 20); // a run of removals longer than the look-ahead
      groups.splice(10, 0, ...Array.from({ length: 15 }, (_, n) => group(100 + n))); // a run of additions
      groups[30]!.description = 'changed';
      groups.push(groups.splice(2, 1)[0]!); // one record moved to the end
      const [a, b] = await readBoth(many, edited);
      const before = new Map(a.accounts[0]!.regions[0]!.securityGroups.map((g) => [g.id, g]));
      for (const after of b.accounts[0]!.regions[0]!.securityGroups) {
        const old = before.get(after.id);
        // Identical records are the same object wherever they moved; changed and new ones are not.
        if (old && JSON.stringify(old) === JSON.stringify(after)) expect(after, after.id).toBe(old);
        else expect(after, after.id).not.toBe(old);
      }
    });

    it("reports the second file's own errors with its own line numbers", async () => {
      const first = join(dir, 'a.jsonl.gz');
      const second = join(dir, 'b.jsonl.gz');
      await writeSnapshot(first, snapshot);
      await writeSnapshot(second, changed);
      const text = gunzipSync(await readFile(second)).toString().replace('"status":"Available"', '"status":7');
      await writeFile(second, gzipSync(text));
      await expect(readSnapshotPair(first, second)).rejects.toThrow(`${second}:5: invalid eip: status`);
    });
  });

  it('names a missing file', async () => {
    await expect(readSnapshot(join(dir, 'nope.jsonl.gz'))).rejects.toThrow(/nope\.jsonl\.gz: no such snapshot file/);
  });

  it('a failure just before the rename leaves the previous snapshot intact and no partial file', async () => {
    const path = join(dir, 's.jsonl.gz');
    await writeSnapshot(path, snapshot);
    const before = await readFile(path);
    setBeforeRenameHook(() => {
      throw new Error('disk full (injected)');
    });
    await expect(writeSnapshot(path, { ...snapshot, id: 'snap-2' })).rejects.toThrow(/injected/);
    expect(await readFile(path)).toEqual(before);
    expect(await readdir(dir)).toEqual(['s.jsonl.gz']);
  });

  it('abort leaves nothing behind', async () => {
    const path = join(dir, 'x.jsonl.gz');
    const writer = await createSnapshotWriter(path);
    await writer.addRegion({ accountId: '100' }, snapshot.accounts[0]!.regions[0]!);
    await writer.abort();
    expect(await readdir(dir)).toEqual([]);
  });
});
