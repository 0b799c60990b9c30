import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished, pipeline } from 'node:stream/promises';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateEstate } from '../../src/emulator/index.js';
import { SgauditError } from '../../src/model/errors.js';
import type { Snapshot } from '../../src/model/snapshot.js';
import { readSnapshot, writeSnapshot } from '../../src/model/snapshot-file.js';
import { approveBaseline, readApprovedBaseline, resolveBaseline } from '../../src/store/baseline.js';
import { openStore } from '../../src/store/index.js';
import { ObjectStore, setBeforeManifestHook } from '../../src/store/object.js';
import { parseStoreLocation } from '../../src/store/location.js';
import { runMain } from '../ops/helpers.js';
import { s3Env, startS3 } from './s3-server.js';

const BUCKET = 'sgaudit-test';
let server: Awaited<ReturnType<typeof startS3>>;
let dir: string;
const saved: Record<string, string | undefined> = {};

function setEnv(values: Record<string, string>): void {
  for (const [name, value] of Object.entries(values)) {
    if (!(name in saved)) saved[name] = process.env[name];
    process.env[name] = value;
  }
}

beforeAll(async () => {
  server = await startS3([BUCKET]);
  setEnv(s3Env(server.endpoint));
  dir = await mkdtemp(join(tmpdir(), 'sgaudit-objstore-'));
});
afterAll(async () => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await server.stop();
  await rm(dir, { recursive: true, force: true });
});

function snapshotAt(takenAt: string, id: string): Snapshot {
  return {
    schema: 'sgaudit/snapshot@1',
    id,
    takenAt,
    tool: { name: 'sgaudit', version: '0.0.0' },
    provider: 'alicloud',
    coverage: [{ accountId: '100', regionId: 'cn-hangzhou', api: 'DescribeSecurityGroups', status: 'complete' }],
    accounts: [{ accountId: '100', regions: [] }],
  };
}

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

function rawClient(): S3Client {
  return new S3Client({ endpoint: server.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
}

async function keysUnder(prefix: string): Promise<string[]> {
  const page = await rawClient().send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return (page.Contents ?? []).map((item) => item.Key!).sort();
}

describe('store URLs', () => {
  it('parses directories, s3:// and oss:// URLs, and refuses other schemes', () => {
    expect(parseStoreLocation('snapshots')).toEqual({ kind: 'local', dir: 'snapshots' });
    expect(parseStoreLocation('s3://my-bucket/a//b/')).toMatchObject({ kind: 'object', scheme: 's3', bucket: 'my-bucket', prefix: 'a/b', url: 's3://my-bucket/a/b' });
    expect(parseStoreLocation('oss://my-bucket')).toMatchObject({ scheme: 'oss', prefix: '', url: 'oss://my-bucket' });
    expect(() => parseStoreLocation('gs://bucket/x')).toThrow(/unsupported store URL scheme "gs:\/\/"/);
    expect(() => parseStoreLocation('s3://B_ad/x')).toThrow(/not a valid bucket name/);
  });
});

describe('object store (s3rver)', () => {
  it('publishes, lists, reads back and prunes snapshots', async () => {
    const store = openStore(`s3://${BUCKET}/fleet/prod/`);
    expect(store.location).toBe(`s3://${BUCKET}/fleet/prod`);
    expect(await store.list()).toEqual({ snapshots: [], problems: [] });
    const days = ['2026-09-01', '2026-11-20', '2026-11-24', '2026-11-25'];
    const published: string[] = [];
    for (const [index, day] of days.entries()) {
      const s = snapshotAt(`${day}T02:00:00.000Z`, `id${index}xxxxxxxx`);
      const path = store.pathFor(s.takenAt, s.id);
      await writeSnapshot(path, s);
      published.push(await store.publish(path));
    }
    expect(published[0]).toBe(`s3://${BUCKET}/fleet/prod/20260901T020000Z-id0xxxxx.jsonl.gz`);
    const { snapshots, problems } = await store.list();
    expect(problems).toEqual([]);
    expect(snapshots.map((s) => s.header.id)).toEqual(['id0xxxxxxxx', 'id1xxxxxxxx', 'id2xxxxxxxx', 'id3xxxxxxxx']);
    expect(snapshots[0]!.path).toBe(published[0]);
    expect((await store.latest())?.header.id).toBe('id3xxxxxxxx');

    // Read back through a second store object (nothing staged): streamed into a local file.
    const fresh = openStore(`s3://${BUCKET}/fleet/prod`);
    const local = await fresh.localPath(snapshots[1]!);
    expect((await readSnapshot(local)).id).toBe('id1xxxxxxxx');
    expect((await stat(local)).size).toBe(snapshots[1]!.bytes);
    await expect(fresh.localPath('20990101T000000Z-nothere0.jsonl.gz')).rejects.toThrow(/no such snapshot in the store/);

    const now = new Date('2026-11-25T12:00:00Z');
    expect((await store.prune({ maxAgeDays: 30 }, { dryRun: true, now })).map((s) => s.header.id)).toEqual(['id0xxxxxxxx']);
    expect((await store.list()).snapshots).toHaveLength(4);
    const removed = await store.prune({ keep: 2 }, { now, keepPaths: [snapshots[0]!.path] });
    expect(removed.map((s) => s.header.id)).toEqual(['id1xxxxxxxx']);
    expect((await store.list()).snapshots.map((s) => s.header.id)).toEqual(['id0xxxxxxxx', 'id2xxxxxxxx', 'id3xxxxxxxx']);
    // The manifest and the data object are both gone.
    expect(await keysUnder('fleet/prod/manifests/')).toHaveLength(3);
    expect(await keysUnder('fleet/prod/data/')).toHaveLength(3);
  });

  it('publishes atomically: an upload without its manifest is never listed, and prune removes it a day later', async () => {
    const store = openStore(`s3://${BUCKET}/atomic`);
    const s = snapshotAt('2026-11-25T02:00:00.000Z', 'crashxxxxxxx');
    const path = store.pathFor(s.takenAt, s.id);
    await writeSnapshot(path, s);
    setBeforeManifestHook(() => {
      throw new Error('simulated crash between upload and manifest');
    });
    try {
      await expect(store.publish(path)).rejects.toThrow(/simulated crash/);
    } finally {
      setBeforeManifestHook(undefined);
    }
    expect(await keysUnder('atomic/data/')).toHaveLength(1);
    expect(await store.list()).toEqual({ snapshots: [], problems: [] });
    expect(await store.latest()).toBeUndefined();
    // Young orphans may be an upload in progress: kept. A day later: removed.
    await store.prune({ keep: 10 });
    expect(await keysUnder('atomic/data/')).toHaveLength(1);
    await store.prune({ keep: 10 }, { now: new Date(Date.now() + 2 * 86_400_000) });
    expect(await keysUnder('atomic/data/')).toEqual([]);
  });

  it('streams a generated snapshot of 3,000 instances up and down unchanged (peak RSS printed)', async () => {
    const estate = generateEstate({ instances: 3000, groups: 600, rulesPerGroup: 20, enis: 3600, eips: 600, seed: 7 });
    const file = join(dir, 'big.jsonl.gz');
    await writeSnapshot(file, { ...snapshotAt('2026-11-26T02:00:00.000Z', 'bigxxxxxxxxx'), accounts: estate.accounts });
    const size = (await stat(file)).size;
    const store = openStore(`s3://${BUCKET}/stream`);
    const staged = store.pathFor('2026-11-26T02:00:00.000Z', 'bigxxxxxxxxx');
    await pipeline(createReadStream(file), createWriteStream(staged));
    const rssBefore = process.memoryUsage().rss;
    await store.publish(staged);
    const local = await openStore(`s3://${BUCKET}/stream`).localPath((await store.latest())!);
    expect(await sha256(local)).toBe(await sha256(file));
    const snapshot = await readSnapshot(local);
    expect(snapshot.accounts.flatMap((a) => a.regions).flatMap((r) => r.instances ?? []).length).toBe(3000);
    const peak = process.resourceUsage().maxRSS * 1024;
    console.log(`object store round trip: ${(size / 1024 / 1024).toFixed(1)} MiB snapshot (3,000 instances); RSS before ${(rssBefore / 2 ** 20).toFixed(0)} MiB, after ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB, process peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB`);
  }, 30_000);

  it('uploads a file larger than a part in several parts and downloads it unchanged', async () => {
    const blob = join(dir, 'blob.bin');
    const out = createWriteStream(blob);
    for (let i = 0; i < 12; i++) out.write(randomBytes(1024 * 1024));
    out.end();
    await finished(out);
    const store = new ObjectStore({ kind: 'object', scheme: 's3', bucket: BUCKET, prefix: 'multipart', url: `s3://${BUCKET}/multipart` });
    await store.putFile('blob.bin', blob);
    expect(await sha256(await store.download('blob.bin', 'blob-copy.bin'))).toBe(await sha256(blob));
  });

  it('keeps the approved baseline in the store and resolves approved and previous baselines from it', async () => {
    const url = `s3://${BUCKET}/baselines-test`;
    const store = openStore(url);
    const paths: string[] = [];
    for (const [index, day] of ['2026-11-24', '2026-11-25'].entries()) {
      const s = snapshotAt(`${day}T02:00:00.000Z`, `base${index}xxxxxxx`);
      const path = store.pathFor(s.takenAt, s.id);
      await writeSnapshot(path, s);
      paths.push(path);
      await store.publish(path);
    }
    expect(await readApprovedBaseline(url)).toBeUndefined();
    const approved = await approveBaseline(url, paths[0]!, { note: 'CHG-1', approvedBy: 'tester' });
    expect(approved.absolutePath).toMatch(new RegExp(`^${url}/baselines/data/20261124T020000Z-base0xxx\\.[0-9a-f]{12}\\.jsonl\\.gz$`));
    expect(await readApprovedBaseline(url)).toMatchObject({ snapshotId: 'base0xxxxxxx', note: 'CHG-1', approvedBy: 'tester' });
    expect((await readSnapshot((await resolveBaseline(url, 'approved'))!)).id).toBe('base0xxxxxxx');
    expect((await readSnapshot((await resolveBaseline(url, 'previous', paths[1]))!)).id).toBe('base0xxxxxxx');
    // Pruning snapshots never touches the baseline copy.
    await store.prune({ keep: 0 });
    expect((await store.list()).snapshots).toEqual([]);
    expect((await readSnapshot((await resolveBaseline(url, 'approved'))!)).id).toBe('base0xxxxxxx');
  });

  it('the CLI takes store URLs: snapshots list, baseline approve/show, analyze', async () => {
    const url = `s3://${BUCKET}/cli`;
    const store = openStore(url);
    const s = snapshotAt('2026-11-25T02:00:00.000Z', 'clixxxxxxxxx');
    const path = store.pathFor(s.takenAt, s.id);
    await writeSnapshot(path, s);
    await store.publish(path);
    const list = await runMain(['snapshots', 'list', '--store', url, '--format', 'json']);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toMatchObject([{ path: `${url}/20261125T020000Z-clixxxxx.jsonl.gz`, id: 'clixxxxxxxxx' }]);
    const approve = await runMain(['baseline', 'approve', url, '--store', url, '--note', 'ok']);
    expect(approve.code).toBe(0);
    expect(approve.stderr).toMatch(/using the newest snapshot in s3:\/\/sgaudit-test\/cli\/: 20261125T020000Z-clixxxxx\.jsonl\.gz/);
    const show = await runMain(['baseline', 'show', '--store', url, '--format', 'json']);
    expect(JSON.parse(show.stdout)).toMatchObject({ snapshotId: 'clixxxxxxxxx' });
    const analyze = await runMain(['analyze', `${url}/20261125T020000Z-clixxxxx.jsonl.gz`, '--store', url, '--against', 'approved', '--format', 'json']);
    expect(analyze.code).toBe(0);
  });

  it('fails in one line naming the URL, the operation and the S3 error code and request id, without credentials', async () => {
    const store = openStore('s3://no-such-bucket/x');
    const error = await store.list().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SgauditError);
    const message = (error as SgauditError).message;
    expect(message).toMatch(/^s3:\/\/no-such-bucket\/x: listing of manifests\/ failed \(NoSuchBucket, HTTP 404(, request id [^)]+)?\)/);
    // (s3rver sends no request id; S3 and OSS do, and it is then part of the line.)
    expect(message).not.toContain('\n');
    expect(message).not.toContain('S3RVER');
  });

  it('oss:// goes through the S3-compatible API with the Alibaba Cloud credential chain', async () => {
    setEnv({ SGAUDIT_OSS_ENDPOINT: server.endpoint, SGAUDIT_STORE_PATH_STYLE: 'true', ALIBABA_CLOUD_ACCESS_KEY_ID: 'S3RVER', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'S3RVER' });
    const store = openStore(`oss://${BUCKET}/oss`);
    const s = snapshotAt('2026-11-25T02:00:00.000Z', 'ossxxxxxxxxx');
    const path = store.pathFor(s.takenAt, s.id);
    await writeSnapshot(path, s);
    expect(await store.publish(path)).toBe(`oss://${BUCKET}/oss/20261125T020000Z-ossxxxxx.jsonl.gz`);
    expect((await store.list()).snapshots.map((x) => x.header.id)).toEqual(['ossxxxxxxxxx']);
  });
});
