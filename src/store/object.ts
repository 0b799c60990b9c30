import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { SgauditError } from '../model/errors.js';
import { SnapshotHeader } from '../model/snapshot.js';
import { SNAPSHOT_EXTENSION } from '../model/snapshot-file.js';
import { log } from '../util/log.js';
import type { ObjectLocation } from './location.js';
import { readSnapshotHeader, selectForPruning, snapshotFileName, type SnapshotStore, type StoredSnapshot } from './local.js';

/**
 * A snapshot store in object storage (docs/object-storage.md). Layout under the prefix:
 *
 *   data/<name-stem>.<random>.jsonl.gz   snapshot bodies, uploaded streaming (multipart)
 *   manifests/<name>.json                one per visible snapshot: its data key, size and header
 *   baselines/data/…, baselines/approved.json   the approved baseline, stored the same way
 *
 * A snapshot is published in two steps: the file is uploaded under a fresh data key no listing
 * shows, then the small manifest is written, which makes it visible. A crash in between leaves an
 * unreferenced data object, never a visible partial snapshot; prune removes such orphans once
 * they are a day old. Objects are never overwritten, so a reader never sees half of one.
 *
 * Reads are streamed into a private staging directory under $TMPDIR (removed at exit), because the
 * snapshot readers take a file; no snapshot is ever held in memory whole.
 */
const MANIFEST_SCHEMA = 'sgaudit/store-manifest@1' as const;
const Manifest = z.object({
  schema: z.literal(MANIFEST_SCHEMA),
  name: z.string(),
  key: z.string(),
  bytes: z.number(),
  header: SnapshotHeader,
});
type Manifest = z.infer<typeof Manifest>;

const ORPHAN_AFTER_MS = 24 * 60 * 60 * 1000;
/** Multipart part size: memory per upload is about PART_SIZE × QUEUE_SIZE. */
const PART_SIZE = 8 * 1024 * 1024;
const QUEUE_SIZE = 2;

/** Test hook: runs after the data upload and before the manifest, to simulate a crash there. */
let beforeManifestHook: ((dataKey: string) => void | Promise<void>) | undefined;
export function setBeforeManifestHook(hook: typeof beforeManifestHook): void {
  beforeManifestHook = hook;
}

let stagingDir: string | undefined;
/** A private directory for files on their way to or from object storage; removed when the process exits. */
function staging(): string {
  if (stagingDir === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'sgaudit-store-'));
    stagingDir = dir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return stagingDir;
}

/** Access key ids (AWS, Alibaba Cloud) that an error message might echo; secrets are never in SDK messages. */
function redact(text: string): string {
  return text.replace(/\b(AKIA|ASIA|LTAI|STS\.)[A-Za-z0-9.]{8,}/g, '$1…');
}

/** One line: the URL, the operation, the S3 error code, HTTP status and request id. Never credentials. */
function objectStoreError(url: string, operation: string, error: unknown): SgauditError {
  if (error instanceof SgauditError) return error;
  const e = (error ?? {}) as { name?: string; Code?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number; requestId?: string } };
  const code = e.Code ?? (e.name && e.name !== 'Error' ? e.name : undefined) ?? e.code ?? 'Error';
  const details = [code];
  if (e.$metadata?.httpStatusCode) details.push(`HTTP ${e.$metadata.httpStatusCode}`);
  if (e.$metadata?.requestId) details.push(`request id ${e.$metadata.requestId}`);
  const message = redact((e.message ?? '').split('\n')[0]!.trim()).slice(0, 200);
  const hint =
    code === 'CredentialsProviderError' || code === 'InvalidAccessKeyId' || code === 'SignatureDoesNotMatch' || code === 'AccessDenied'
      ? 'check the credentials of the store (docs/object-storage.md, "Credentials")'
      : code === 'NoSuchBucket'
        ? 'create the bucket, or fix the bucket name in the store URL'
        : code === 'ECONNREFUSED' || code === 'ENOTFOUND'
          ? 'check the endpoint (SGAUDIT_S3_ENDPOINT / SGAUDIT_OSS_ENDPOINT)'
          : undefined;
  return new SgauditError('RUNTIME', `${url}: ${operation} failed (${details.join(', ')})${message && message !== code ? `: ${message}` : ''}`, {
    cause: error,
    ...(hint ? { hint } : {}),
  });
}

function env(name: string): string | undefined {
  const value = process.env[name]?.trim();
  return value ? value : undefined;
}

/** True/false from SGAUDIT_STORE_PATH_STYLE, else the default of the scheme. */
function pathStyle(fallback: boolean): boolean {
  const value = env('SGAUDIT_STORE_PATH_STYLE');
  if (value === undefined) return fallback;
  return /^(1|true|yes)$/i.test(value);
}

/** The CommonJS class a default import hands over (Node's ESM loader wraps it in `.default`, vitest does not). */
function cjsClass<T>(imported: { default: T } | T): T {
  const inner = (imported as { default?: unknown }).default;
  return (typeof inner === 'function' ? inner : imported) as T;
}

async function createClient(location: ObjectLocation): Promise<S3Client> {
  // The SDK's multi-line notice about its future Node.js 22 requirement would break the one-line logs.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { S3Client } = await import('@aws-sdk/client-s3');
  // Many S3-compatible servers (and OSS) reject the SDK's default extra checksums.
  const common = { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED', maxAttempts: 5 } as const;
  if (location.scheme === 's3') {
    const endpoint = env('SGAUDIT_S3_ENDPOINT');
    return new S3Client({
      ...common,
      region: env('AWS_REGION') ?? env('AWS_DEFAULT_REGION') ?? 'us-east-1',
      ...(endpoint ? { endpoint } : {}),
      // S3-compatible servers (MinIO, Ceph, s3rver) answer path-style requests; AWS itself virtual-hosted ones.
      forcePathStyle: pathStyle(endpoint !== undefined),
    });
  }
  // OSS through its S3-compatible API, with the Alibaba Cloud default credential chain
  // (environment, ~/.alibabacloud profile, RRSA/OIDC on ACK, ECS RAM role).
  const region = env('SGAUDIT_OSS_REGION') ?? env('ALIBABA_CLOUD_REGION_ID');
  const endpoint = env('SGAUDIT_OSS_ENDPOINT') ?? (region ? `https://s3.oss-${region}.aliyuncs.com` : undefined);
  if (!endpoint) {
    throw new SgauditError('USAGE', `${location.url}: the OSS region is not known`, { hint: 'set SGAUDIT_OSS_REGION (e.g. cn-hangzhou) or SGAUDIT_OSS_ENDPOINT' });
  }
  const CredentialModule = await import('@alicloud/credentials');
  const Credential = cjsClass<typeof CredentialModule.default.default>(CredentialModule.default);
  const chain = new Credential();
  return new S3Client({
    ...common,
    region: region ?? 'cn-hangzhou',
    endpoint,
    forcePathStyle: pathStyle(false),
    credentials: async () => {
      const found = await chain.getCredential();
      return {
        accessKeyId: found.accessKeyId ?? '',
        secretAccessKey: found.accessKeySecret ?? '',
        ...(found.securityToken ? { sessionToken: found.securityToken } : {}),
      };
    },
  });
}

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NoSuchKey' || e.Code === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
}

export class ObjectStore implements SnapshotStore {
  readonly location: string;
  private client: Promise<S3Client> | undefined;
  /** Names of snapshots already in the staging directory (written by this process or downloaded). */
  private readonly staged = new Map<string, string>();

  constructor(readonly where: ObjectLocation) {
    this.location = where.url;
  }

  private s3(): Promise<S3Client> {
    this.client ??= createClient(this.where);
    return this.client;
  }

  /** The full key of `relative` under the prefix. */
  key(relative: string): string {
    return this.where.prefix ? `${this.where.prefix}/${relative}` : relative;
  }

  private async run<T>(operation: string, action: (client: S3Client) => Promise<T>): Promise<T> {
    try {
      return await action(await this.s3());
    } catch (error) {
      throw objectStoreError(this.location, operation, error);
    }
  }

  /** Stream a local file into `relative` (multipart; a few parts in memory at most). */
  async putFile(relative: string, path: string): Promise<void> {
    const { Upload } = await import('@aws-sdk/lib-storage');
    await this.run(`upload of ${relative}`, async (client) => {
      const upload = new Upload({
        client,
        params: { Bucket: this.where.bucket, Key: this.key(relative), Body: createReadStream(path), ContentType: 'application/gzip' },
        partSize: PART_SIZE,
        queueSize: QUEUE_SIZE,
        leavePartsOnError: false,
      });
      await upload.done();
    });
  }

  async putJson(relative: string, value: unknown): Promise<void> {
    const { PutObjectCommand } = await import('@aws-sdk/client-s3');
    await this.run(`write of ${relative}`, (client) =>
      client.send(new PutObjectCommand({ Bucket: this.where.bucket, Key: this.key(relative), Body: `${JSON.stringify(value, null, 2)}\n`, ContentType: 'application/json' })),
    );
  }

  /** The parsed JSON at `relative`, or undefined when there is no such object. */
  async getJson(relative: string): Promise<unknown> {
    const { GetObjectCommand } = await import('@aws-sdk/client-s3');
    const text = await this.run(`read of ${relative}`, async (client) => {
      try {
        const response = await client.send(new GetObjectCommand({ Bucket: this.where.bucket, Key: this.key(relative) }));
        return await response.Body!.transformToString('utf8');
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    });
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new SgauditError('SNAPSHOT_INVALID', `${this.location}/${relative}: not valid JSON`);
    }
  }

  /** Stream `relative` into the staging directory as `name`; returns the local path. */
  async download(relative: string, name: string): Promise<string> {
    const known = this.staged.get(name);
    if (known) return known;
    const { GetObjectCommand } = await import('@aws-sdk/client-s3');
    const target = join(staging(), name);
    const partial = `${target}.${randomBytes(4).toString('hex')}.part`;
    await this.run(`download of ${relative}`, async (client) => {
      const response = await client.send(new GetObjectCommand({ Bucket: this.where.bucket, Key: this.key(relative) }));
      try {
        await pipeline(response.Body as Readable, createWriteStream(partial));
      } catch (error) {
        await rm(partial, { force: true });
        throw error;
      }
    });
    await rename(partial, target);
    this.staged.set(name, target);
    return target;
  }

  private async listKeys(relativeDir: string): Promise<{ key: string; lastModified: Date | undefined }[]> {
    const { ListObjectsV2Command } = await import('@aws-sdk/client-s3');
    const keys: { key: string; lastModified: Date | undefined }[] = [];
    await this.run(`listing of ${relativeDir}/`, async (client) => {
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: this.where.bucket, Prefix: `${this.key(relativeDir)}/`, ...(token ? { ContinuationToken: token } : {}) }));
        for (const item of page.Contents ?? []) if (item.Key) keys.push({ key: item.Key, lastModified: item.LastModified });
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    });
    return keys;
  }

  private async deleteKey(fullKey: string): Promise<void> {
    const { DeleteObjectCommand } = await import('@aws-sdk/client-s3');
    await this.run(`delete of ${fullKey}`, (client) => client.send(new DeleteObjectCommand({ Bucket: this.where.bucket, Key: fullKey })));
  }

  private relative(fullKey: string): string {
    return this.where.prefix ? fullKey.slice(this.where.prefix.length + 1) : fullKey;
  }

  pathFor(takenAt: string, id: string): string {
    return join(staging(), snapshotFileName(takenAt, id));
  }

  /** Upload the staged file, then write its manifest: only then does the snapshot appear. */
  async publish(path: string): Promise<string> {
    const header = await readSnapshotHeader(path);
    const name = basename(path);
    const dataKey = `data/${name.slice(0, -SNAPSHOT_EXTENSION.length)}.${randomBytes(6).toString('hex')}${SNAPSHOT_EXTENSION}`;
    const { size } = await stat(path);
    await this.putFile(dataKey, path);
    if (beforeManifestHook) await beforeManifestHook(this.key(dataKey));
    const manifest: Manifest = { schema: MANIFEST_SCHEMA, name, key: dataKey, bytes: size, header };
    await this.putJson(`manifests/${name}.json`, manifest);
    this.staged.set(name, path);
    log.verbose(`published ${name} to ${this.location} (${size} bytes)`);
    return `${this.location}/${name}`;
  }

  /** Upload a local file as a new object under `relativeDir`, named after it; returns its relative key. */
  async putUnique(relativeDir: string, path: string): Promise<string> {
    const name = basename(path);
    const stem = name.endsWith(SNAPSHOT_EXTENSION) ? name.slice(0, -SNAPSHOT_EXTENSION.length) : name;
    const relative = `${relativeDir}/${stem}.${randomBytes(6).toString('hex')}${SNAPSHOT_EXTENSION}`;
    await this.putFile(relative, path);
    return relative;
  }

  private async manifests(): Promise<{ manifests: Manifest[]; problems: { path: string; message: string }[] }> {
    const keys = (await this.listKeys('manifests')).filter((entry) => entry.key.endsWith(`${SNAPSHOT_EXTENSION}.json`));
    const manifests: Manifest[] = [];
    const problems: { path: string; message: string }[] = [];
    // A few reads at a time: a store of a year of nightly snapshots is ~365 small objects.
    for (let index = 0; index < keys.length; index += 16) {
      await Promise.all(
        keys.slice(index, index + 16).map(async ({ key }) => {
          const relative = this.relative(key);
          try {
            const parsed = Manifest.safeParse(await this.getJson(relative));
            if (parsed.success) manifests.push(parsed.data);
            else problems.push({ path: `${this.location}/${relative}`, message: `${this.location}/${relative}: not an sgaudit store manifest` });
          } catch (error) {
            problems.push({ path: `${this.location}/${relative}`, message: error instanceof Error ? error.message : String(error) });
          }
        }),
      );
    }
    return { manifests, problems };
  }

  private stored(manifest: Manifest): StoredSnapshot {
    return { path: `${this.location}/${manifest.name}`, name: manifest.name, bytes: manifest.bytes, header: manifest.header };
  }

  async list(): Promise<{ snapshots: StoredSnapshot[]; problems: { path: string; message: string }[] }> {
    const { manifests, problems } = await this.manifests();
    const snapshots = manifests.map((manifest) => this.stored(manifest));
    snapshots.sort((a, b) => a.header.takenAt.localeCompare(b.header.takenAt) || a.name.localeCompare(b.name));
    return { snapshots, problems };
  }

  async latest(): Promise<StoredSnapshot | undefined> {
    return (await this.list()).snapshots.at(-1);
  }

  /** A local file with the snapshot's content (streamed into the staging directory). */
  async localPath(snapshot: StoredSnapshot | string): Promise<string> {
    const name = typeof snapshot === 'string' ? basename(snapshot) : snapshot.name;
    const known = this.staged.get(name);
    if (known) return known;
    const manifest = Manifest.safeParse(await this.getJson(`manifests/${name}.json`));
    if (!manifest.success) {
      throw new SgauditError('FILE_NOT_FOUND', `${this.location}/${name}: no such snapshot in the store`, { hint: `list them with: sgaudit snapshots list --store ${this.location}` });
    }
    return this.download(manifest.data.key, name);
  }

  async prune(policy: Parameters<SnapshotStore['prune']>[0], options: Parameters<SnapshotStore['prune']>[1] = {}): Promise<StoredSnapshot[]> {
    const { manifests } = await this.manifests();
    const byName = new Map(manifests.map((manifest) => [manifest.name, manifest]));
    const snapshots = manifests.map((manifest) => this.stored(manifest)).sort((a, b) => a.header.takenAt.localeCompare(b.header.takenAt) || a.name.localeCompare(b.name));
    // Paths to keep may be URLs or the local staged copies: a snapshot's name identifies it.
    const keepNames = (options.keepPaths ?? []).map((path) => basename(path));
    const doomed = selectForPruning(snapshots, policy, { ...options, keepPaths: snapshots.filter((s) => keepNames.includes(s.name)).map((s) => s.path) });
    const now = (options.now ?? new Date()).getTime();
    if (!options.dryRun) {
      for (const snapshot of doomed) {
        // Manifest first: the snapshot disappears at once; a crash here only leaves an orphan.
        await this.deleteKey(this.key(`manifests/${snapshot.name}.json`));
        await this.deleteKey(this.key(byName.get(snapshot.name)!.key));
      }
    }
    // Data objects no manifest names (uploads interrupted before their manifest), once a day old.
    const referenced = new Set(manifests.map((manifest) => this.key(manifest.key)));
    const orphans = (await this.listKeys('data')).filter((entry) => !referenced.has(entry.key) && entry.lastModified !== undefined && now - entry.lastModified.getTime() > ORPHAN_AFTER_MS);
    if (orphans.length > 0) {
      if (!options.dryRun) for (const orphan of orphans) await this.deleteKey(orphan.key);
      log.info(`${options.dryRun ? 'would remove' : 'removed'} ${orphans.length} unpublished upload(s) left by interrupted runs in ${this.location}`);
    }
    return doomed;
  }
}
