import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';

/** Hidden temp name beside the target, so rename() stays on one filesystem and is atomic. */
function tempPathFor(target: string): string {
  return join(dirname(target), `.sgaudit-tmp-${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}`);
}

/** Test hook: called just before the rename, so tests can inject a failure at the worst moment. */
let beforeRenameHook: ((tempPath: string, target: string) => void | Promise<void>) | undefined;
export function setBeforeRenameHook(hook: typeof beforeRenameHook): void {
  beforeRenameHook = hook;
}

async function commit(temp: string, target: string): Promise<void> {
  try {
    // fsync so a crash after rename cannot leave a renamed-but-empty file.
    const handle = await open(temp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (beforeRenameHook) await beforeRenameHook(temp, target);
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** Write a whole file atomically: readers see the old file or the new one, never a partial one. */
export async function writeFileAtomic(target: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const temp = tempPathFor(target);
  try {
    const handle = await open(temp, 'wx', 0o644);
    try {
      await handle.writeFile(data);
    } finally {
      await handle.close();
    }
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await commit(temp, target);
}

/**
 * Stream into a temp file, then rename. `produce` writes into the given stream (and may pipe
 * through gzip); if it throws, the temp file is removed and the target is untouched.
 */
export async function writeStreamAtomic(target: string, produce: (out: Writable) => Promise<void>): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const temp = tempPathFor(target);
  const out = createWriteStream(temp, { flags: 'wx', mode: 0o644 });
  try {
    await produce(out);
    if (!out.writableEnded) out.end();
    await finished(out);
  } catch (error) {
    out.destroy();
    await rm(temp, { force: true });
    throw error;
  }
  await commit(temp, target);
}

/**
 * Writes text pieces in order into a stream, waiting whenever it asks to (a large report written
 * piece by piece never holds more than a few pieces in memory).
 */
export async function writeChunks(out: Writable, chunks: Iterable<string>): Promise<void> {
  for (const chunk of chunks) {
    if (!out.write(chunk)) await once(out, 'drain');
  }
}

/** writeFileAtomic for text produced in pieces. */
export async function writeChunksAtomic(target: string, chunks: Iterable<string>): Promise<void> {
  await writeStreamAtomic(target, (out) => writeChunks(out, chunks));
}
