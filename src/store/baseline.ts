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
import { openLocalStore, readSnapshotHeader } from './local.js';

/**
 * Approved baselines live beside the snapshots: `<store>/baselines/<snapshot file>` plus
 * `<store>/baselines/approved.json` naming the one in force. Both are written atomically, so a
 * crash leaves the previous approval intact. The copy means pruning snapshots never deletes the
 * baseline.
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

/** Copy a snapshot into `<store>/baselines/` and record it as the approved baseline. */
export async function approveBaseline(storeDir: string, snapshotPath: string, options: ApproveOptions = {}): Promise<ApprovedBaseline & { absolutePath: string }> {
  const header = await verifySnapshot(snapshotPath);
  const target = join(storeDir, BASELINE_DIR, basename(snapshotPath));
  if (resolve(target) !== resolve(snapshotPath)) {
    await writeStreamAtomic(target, async (out) => {
      await pipeline(createReadStream(snapshotPath), out, { end: false });
    });
  }
  const record: ApprovedBaseline = {
    schema: BASELINE_SCHEMA,
    snapshotId: header.id,
    path: relative(storeDir, target),
    source: snapshotPath,
    takenAt: header.takenAt,
    approvedAt: (options.now ?? new Date()).toISOString(),
    approvedBy: options.approvedBy ?? osUser(),
    note: options.note ?? '',
  };
  await writeFileAtomic(join(storeDir, BASELINE_DIR, APPROVED_FILE), `${JSON.stringify(record, null, 2)}\n`);
  return { ...record, absolutePath: target };
}

/** The approved baseline record, or undefined when none was approved in this store. */
export async function readApprovedBaseline(storeDir: string): Promise<(ApprovedBaseline & { absolutePath: string }) | undefined> {
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
  const parsed = ApprovedBaseline.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new FileFormatError('SNAPSHOT_INVALID', file, `not an sgaudit baseline record (${issue ? `${issue.path.join('.') || '(record)'}: ${issue.message}` : 'invalid'})`);
  }
  const absolutePath = isAbsolute(parsed.data.path) ? parsed.data.path : join(storeDir, parsed.data.path);
  return { ...parsed.data, absolutePath };
}

/**
 * The snapshot to compare with: the approved baseline, or the previous snapshot (the newest
 * stored one taken before `currentPath`, or before the newest when no current path is given).
 * Undefined when there is none.
 */
export async function resolveBaseline(storeDir: string, against: 'approved' | 'previous', currentPath?: string): Promise<string | undefined> {
  if (against === 'approved') return (await readApprovedBaseline(storeDir))?.absolutePath;
  const { snapshots } = await openLocalStore(storeDir).list();
  const others = currentPath === undefined ? snapshots.slice(0, -1) : snapshots.filter((snapshot) => resolve(snapshot.path) !== resolve(currentPath));
  if (currentPath === undefined) return others.at(-1)?.path;
  let currentTakenAt: string;
  try {
    currentTakenAt = (await readSnapshotHeader(currentPath)).takenAt;
  } catch (error) {
    if (error instanceof SgauditError && error.code === 'FILE_NOT_FOUND') return others.at(-1)?.path;
    throw error;
  }
  return others.filter((snapshot) => snapshot.header.takenAt < currentTakenAt).at(-1)?.path;
}
