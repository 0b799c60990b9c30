import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { FileFormatError, fileProblem, SgauditError } from '../model/errors.js';
import { explainWrongKind, notJsonAtStart } from '../model/file-kind.js';
import type { SnapshotHeader } from '../model/snapshot.js';
import { readSnapshotRecords } from '../model/snapshot-file.js';
import { writeFileAtomic, writeStreamAtomic } from '../util/atomic-write.js';
import { readSnapshotHeader, type StoredSnapshot } from './local.js';
import { parseStoreLocation } from './location.js';
import { ObjectStore } from './object.js';
import { openStore } from './open.js';

/**
 * Approved baselines live beside the snapshots: `<store>/baselines/<snapshot file>` plus
 * `<store>/baselines/approved.json` naming the one in force. Both are written atomically, so a
 * crash leaves the previous approval intact. The copy means pruning snapshots never deletes the
 * baseline. In an object store (docs/object-storage.md) the copy is uploaded under
 * `baselines/data/` first and `baselines/approved.json` written after it, the same publish order
 * as snapshots; `path` is then the key relative to the store's prefix.
 */
const BASELINE_DIR = 'baselines';
const APPROVED_FILE = 'approved.json';
const BASELINE_SCHEMA = 'sgaudit/baseline@1' as const;

export const ApprovedBaseline = z.strictObject({
  schema: z.literal(BASELINE_SCHEMA),
  snapshotId: z.string(),
  /** The copy, relative to the store directory (so the store can move). */
  path: z.string(),
  /** Where the approved snapshot came from, as given. */
  source: z.string(),
  takenAt: z.string(),
  approvedAt: z.string(),
  approvedBy: z.string(),
  note: z.string(),
});
export type ApprovedBaseline = z.infer<typeof ApprovedBaseline>;

export interface ApproveOptions {
  note?: string;
  /** Defaults to the OS user running sgaudit. */
  approvedBy?: string;
  now?: Date;
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    // userInfo throws in containers running as a uid without a passwd entry.
    return process.env.USER ?? process.env.USERNAME ?? `uid:${process.getuid?.() ?? 'unknown'}`;
  }
}

/** Read every record once so a truncated or corrupt snapshot is refused before it becomes the baseline. */
async function verifySnapshot(path: string): Promise<SnapshotHeader> {
  let header: SnapshotHeader | undefined;
  try {
    for await (const record of readSnapshotRecords(path)) if ('header' in record) header = record.header;
  } catch (error) {
    // A findings file or Terraform state given for a snapshot: say which command takes it.
    throw await explainWrongKind(error, path, 'snapshot');
  }
  if (!header) throw new FileFormatError('SNAPSHOT_INVALID', path, 'empty file');
  return header;
}

function baselineRecord(header: SnapshotHeader, path: string, source: string, options: ApproveOptions): ApprovedBaseline {
  return {
    schema: BASELINE_SCHEMA,
    snapshotId: header.id,
    path,
    source,
    takenAt: header.takenAt,
    approvedAt: (options.now ?? new Date()).toISOString(),
    approvedBy: options.approvedBy ?? osUser(),
    note: options.note ?? '',
  };
}

function parseApproved(value: unknown, file: string): ApprovedBaseline {
  const parsed = ApprovedBaseline.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new FileFormatError('SNAPSHOT_INVALID', file, `not an sgaudit baseline record (${issue ? `${issue.path.join('.') || '(record)'}: ${issue.message}` : 'invalid'})`);
  }
  return parsed.data;
}

/** Copy a snapshot into `<store>/baselines/` and record it as the approved baseline. */
export async function approveBaseline(storeDir: string, snapshotPath: string, options: ApproveOptions = {}): Promise<ApprovedBaseline & { absolutePath: string }> {
  const header = await verifySnapshot(snapshotPath);
  const where = parseStoreLocation(storeDir);
  if (where.kind === 'object') {
    const store = new ObjectStore(where);
    const key = await store.putUnique(BASELINE_DIR + '/data', snapshotPath);
    const record = baselineRecord(header, key, snapshotPath, options);
    await store.putJson(`${BASELINE_DIR}/${APPROVED_FILE}`, record);
    return { ...record, absolutePath: `${store.location}/${key}` };
  }
  const target = join(storeDir, BASELINE_DIR, basename(snapshotPath));
  if (resolve(target) !== resolve(snapshotPath)) {
    await writeStreamAtomic(target, async (out) => {
      await pipeline(createReadStream(snapshotPath), out, { end: false });
    });
  }
  const record = baselineRecord(header, relative(storeDir, target), snapshotPath, options);
  await writeFileAtomic(join(storeDir, BASELINE_DIR, APPROVED_FILE), `${JSON.stringify(record, null, 2)}\n`);
  return { ...record, absolutePath: target };
}

/** The approved baseline record, or undefined when none was approved in this store. */
export async function readApprovedBaseline(storeDir: string): Promise<(ApprovedBaseline & { absolutePath: string }) | undefined> {
  const where = parseStoreLocation(storeDir);
  if (where.kind === 'object') {
    const store = new ObjectStore(where);
    const value = await store.getJson(`${BASELINE_DIR}/${APPROVED_FILE}`);
    if (value === undefined) return undefined;
    const record = parseApproved(value, `${store.location}/${BASELINE_DIR}/${APPROVED_FILE}`);
    return { ...record, absolutePath: `${store.location}/${record.path}` };
  }
  const file = join(storeDir, BASELINE_DIR, APPROVED_FILE);
  let text: string;
  try {
    const notJson = await notJsonAtStart(file);
    if (notJson) throw new FileFormatError('SNAPSHOT_INVALID', file, notJson);
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof SgauditError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    const problem = fileProblem(code);
    // A directory or a permission is the user's to fix (exit 2); anything else is a runtime failure.
    if (problem) throw new SgauditError('USAGE', `${file}: ${problem}`, { cause: error });
    throw new SgauditError('RUNTIME', `${file}: cannot read (${code ?? String(error)})`, { cause: error });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new FileFormatError('SNAPSHOT_INVALID', file, 'not valid JSON');
  }
  const record = parseApproved(value, file);
  const absolutePath = isAbsolute(record.path) ? record.path : join(storeDir, record.path);
  return { ...record, absolutePath };
}

/**
 * The snapshot to compare with: the approved baseline, or the previous snapshot (the newest
 * stored one taken before `currentPath`, or before the newest when no current path is given).
 * Undefined when there is none.
 */
export async function resolveBaseline(storeDir: string, against: 'approved' | 'previous', currentPath?: string): Promise<string | undefined> {
  const where = parseStoreLocation(storeDir);
  if (against === 'approved') {
    const approved = await readApprovedBaseline(storeDir);
    if (!approved || where.kind === 'local') return approved?.absolutePath;
    // Streamed into the staging directory: the readers take a file.
    return new ObjectStore(where).download(approved.path, `baseline-${basename(approved.path)}`);
  }
  const store = openStore(storeDir);
  const { snapshots } = await store.list();
  // In an object store the current snapshot is a staged copy: its name identifies it.
  const isCurrent = (snapshot: StoredSnapshot) => currentPath !== undefined && (resolve(snapshot.path) === resolve(currentPath) || (where.kind === 'object' && snapshot.name === basename(currentPath)));
  const others = currentPath === undefined ? snapshots.slice(0, -1) : snapshots.filter((snapshot) => !isCurrent(snapshot));
  const found = await previousOf(others, currentPath);
  return found === undefined ? undefined : store.localPath(found);
}

async function previousOf(others: StoredSnapshot[], currentPath: string | undefined): Promise<StoredSnapshot | undefined> {
  if (currentPath === undefined) return others.at(-1);
  let currentTakenAt: string;
  try {
    currentTakenAt = (await readSnapshotHeader(currentPath)).takenAt;
  } catch (error) {
    if (error instanceof SgauditError && error.code === 'FILE_NOT_FOUND') return others.at(-1);
    throw error;
  }
  return others.filter((snapshot) => snapshot.header.takenAt < currentTakenAt).at(-1);
}
