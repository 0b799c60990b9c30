import { open } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { FileFormatError } from './errors.js';

/**
 * What kind of sgaudit-related file this is, judged from its first bytes, so a reader that is
 * handed the wrong kind can say which command takes it instead of "not valid JSON". Snapshots and
 * findings@2 files are both gzip JSON Lines: the schema on their first line tells them apart
 * (findings@1 documents name theirs near the top too).
 */
export type FileKind = 'snapshot' | 'findings' | 'terraform-state' | 'unknown';

const PEEK_BYTES = 4096;

/** The first PEEK_BYTES of a file, or undefined when it cannot be read (the reader reports why). */
async function peek(path: string): Promise<Buffer | undefined> {
  try {
    const handle = await open(path, 'r');
    try {
      const buffer = Buffer.alloc(PEEK_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, PEEK_BYTES, 0);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch {
    return undefined;
  }
}

export async function sniffFileKind(path: string): Promise<FileKind> {
  const head = await peek(path);
  if (!head) return 'unknown';
  return kindOfText(head[0] === 0x1f && head[1] === 0x8b ? gunzipPrefix(head) : head.toString('utf8'));
}

/** The start of a gzip stream, decompressed as far as the bytes at hand allow. */
function gunzipPrefix(bytes: Buffer): string {
  try {
    return gunzipSync(bytes, { finishFlush: 2 /* Z_SYNC_FLUSH: a truncated stream is expected */ }).toString('utf8', 0, PEEK_BYTES);
  } catch {
    return '';
  }
}

function kindOfText(text: string): FileKind {
  const schema = /"schema"\s*:\s*"sgaudit\/(snapshot|findings)@/.exec(text);
  if (schema?.[1] === 'snapshot') return 'snapshot';
  if (schema?.[1] === 'findings') return 'findings';
  if (/"terraform_version"\s*:/.test(text) || /"lineage"\s*:/.test(text)) return 'terraform-state';
  return 'unknown';
}

/** What to do with a file of this kind, for a reader that expected another. */
function commandFor(kind: FileKind, path: string): string | undefined {
  if (kind === 'snapshot') return `it is a snapshot: run \`sgaudit analyze ${path}\` first (or \`sgaudit explain ${path} <id>\`)`;
  if (kind === 'findings') return `it is a findings document: render it with \`sgaudit report ${path}\``;
  if (kind === 'terraform-state') return `it is Terraform state: compare it with a snapshot, \`sgaudit diff ${path} <snapshot>\``;
  return undefined;
}

/**
 * A reader's format error, restated when the file is recognisably another sgaudit kind:
 * `snap.jsonl.gz: is a snapshot, not a findings document — run \`sgaudit analyze snap.jsonl.gz\` first`.
 * Other errors pass through unchanged.
 */
export async function explainWrongKind(error: unknown, path: string, expected: Exclude<FileKind, 'unknown'>): Promise<unknown> {
  if (!(error instanceof FileFormatError) || error.file !== path) return error;
  const kind = await sniffFileKind(path);
  const what = commandFor(kind, path);
  if (kind === expected || kind === 'unknown' || what === undefined) return error;
  const code = error.code === 'FINDINGS_INVALID' ? 'FINDINGS_INVALID' : 'SNAPSHOT_INVALID';
  return new FileFormatError(code, path, `not a ${NAMES[expected]}: ${what}`, undefined, error);
}

const NAMES: Record<Exclude<FileKind, 'unknown'>, string> = { snapshot: 'snapshot', findings: 'findings document', 'terraform-state': 'Terraform state file' };

/**
 * A file that must hold one JSON document, judged from its first bytes: binary data or text that
 * does not start like JSON is refused before the whole file is read (100 MB of junk would take
 * seconds to decode only to fail at its first character). Returns the problem, or undefined.
 */
export async function notJsonAtStart(path: string): Promise<string | undefined> {
  const head = await peek(path);
  if (!head) return undefined;
  if (head.includes(0)) return 'binary data, not JSON';
  const first = /\S/.exec(head.toString('latin1'))?.[0];
  if (first !== undefined && first !== '{' && first !== '[') return 'not valid JSON (it does not start with "{")';
  return undefined;
}
