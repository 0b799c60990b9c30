import { constants } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { FINDINGS_SCHEMA, Finding, FindingsDocument } from '../model/findings.js';
import { FINDINGS_FILE_SCHEMA } from '../model/findings-file.js';
import { FileFormatError, fileProblem, SgauditError } from '../model/errors.js';
import { explainWrongKind, notJsonAtStart } from '../model/file-kind.js';
import { findingsInvalid } from './findings-invalid.js';
import { readFindingsLines } from './read-findings-lines.js';
import { schemaOrderedCopy } from './schema-order.js';

/**
 * Reads and validates a findings file, of either format, told apart by its first bytes: gzip (or
 * a first line `{"schema":"sgaudit/findings@2"`, the same file decompressed) is sgaudit/findings@2,
 * what `analyze -o` and `scan` write; anything else is read as one sgaudit/findings@1 JSON document
 * (older runs, `report --format json`). Both give the same document. Every failure is one line
 * naming the file: missing, not JSON, a foreign document, or the first problem with its path (and
 * line, in findings@2).
 */
export async function readFindingsDocument(path: string): Promise<FindingsDocument> {
  try {
    const head = await firstBytes(path);
    if (head[0] === 0x1f && head[1] === 0x8b) return await readFindingsLines(path, gunzipped(path));
    if (head.toString('utf8').startsWith(LINES_HEADER)) return await readFindingsLines(path, createReadStream(path, { highWaterMark: READ_CHUNK }));
    const notJson = await notJsonAtStart(path);
    if (notJson) throw new FileFormatError('FINDINGS_INVALID', path, notJson);
    return parseFindingsDocument(path, await readWhole(path));
  } catch (error) {
    throw await explainWrongKind(error, path, 'findings');
  }
}

const LINES_HEADER = `{"schema":${JSON.stringify(FINDINGS_FILE_SCHEMA)}`;
/** Large reads and inflate chunks, as for snapshots (src/model/snapshot-file.ts): fewer thread-pool round trips. */
const READ_CHUNK = 1 << 20;

async function firstBytes(path: string): Promise<Buffer> {
  try {
    const handle = await open(path, 'r');
    try {
      const head = Buffer.alloc(LINES_HEADER.length);
      const { bytesRead } = await handle.read(head, 0, head.length, 0);
      return head.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw cannotRead(path, error);
  }
}

function gunzipped(path: string): Readable {
  const raw = createReadStream(path, { highWaterMark: READ_CHUNK });
  const gunzip = createGunzip({ chunkSize: 1 << 18 });
  raw.on('error', (error) => gunzip.destroy(error));
  return raw.pipe(gunzip);
}

/** A findings@1 file's text: one JSON document is one string. */
async function readWhole(path: string): Promise<string> {
  try {
    // V8 caps strings at ~512 MB (a findings@1 file of ~250,000 instances is twice that): say so,
    // and what to do, rather than fail inside the read.
    const { size } = await stat(path);
    if (size > constants.MAX_STRING_LENGTH) {
      throw new SgauditError('USAGE', `${path}: findings file of ${(size / 2 ** 20).toFixed(0)} MB is larger than one JSON document sgaudit can read (${(constants.MAX_STRING_LENGTH / 2 ** 20).toFixed(0)} MB)`, {
        hint: 'analyze the snapshot again: `sgaudit analyze <snapshot> -o findings.jsonl.gz` writes the compact findings@2 file, which has no such limit',
      });
    }
    return await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof SgauditError) throw error;
    throw cannotRead(path, error);
  }
}

function cannotRead(path: string, error: unknown): SgauditError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new SgauditError('FILE_NOT_FOUND', `${path}: no such findings file`, { cause: error });
  if (code === 'EISDIR') return new SgauditError('USAGE', `${path}: is a directory, expected a findings file`, { cause: error });
  if (code === 'EACCES' || code === 'EPERM') return new SgauditError('USAGE', `${path}: ${fileProblem(code)}`, { cause: error });
  return new SgauditError('RUNTIME', `${path}: cannot read findings file (${code ?? String(error)})`, { cause: error });
}

export function parseFindingsDocument(path: string, text: string): FindingsDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    const problem = text.trim() === '' ? 'empty file, expected a findings file' : `not valid JSON (${(error as Error).message.replace(/\s+/g, ' ')}); truncated or not a findings file?`;
    throw new FileFormatError('FINDINGS_INVALID', path, problem, undefined, error);
  }
  const schema = raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>)['schema'] : undefined;
  if (schema !== FINDINGS_SCHEMA) {
    const found = typeof schema === 'string' ? `schema "${schema}"` : 'no "schema" field';
    throw new FileFormatError('FINDINGS_INVALID', path, `not an sgaudit findings document (${found}, expected "${FINDINGS_SCHEMA}")`);
  }
  // The header goes through zod; the findings are checked one by one by the schema-ordered copy,
  // which is what zod would return for them and much faster on large documents (zod only for the
  // shapes the copy does not know, with their path in the error).
  const document = raw as Record<string, unknown>;
  const findings = document['findings'];
  const parsed = FindingsDocument.safeParse(Array.isArray(findings) ? { ...document, findings: [] } : document);
  if (!parsed.success) throw findingsInvalid(path, parsed.error);
  const list = findings as unknown[];
  for (let i = 0; i < list.length; i++) {
    const copy = schemaOrderedCopy(list[i]);
    if (copy) {
      list[i] = copy;
      continue;
    }
    const one = Finding.safeParse(list[i]);
    if (!one.success) throw findingsInvalid(path, one.error, { prefix: ['findings', i] });
    list[i] = one.data;
  }
  parsed.data.findings = list as Finding[];
  return parsed.data;
}
