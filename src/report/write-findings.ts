import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { FindingsDocument } from '../model/findings.js';
import { writeStreamAtomic } from '../util/atomic-write.js';
import { findingsFileLines } from './findings-lines.js';

/** What `sgaudit scan` names the findings file of a run. */
export const FINDINGS_FILE_NAME = 'findings.jsonl.gz';

/**
 * On these lines levels 1 to 3 take the same time, a small part of encoding them, and 3 is a little
 * smaller; higher levels take several times as long for a few MB less on the largest estates
 * (bench/findings-file.ts --levels).
 */
const GZIP_LEVEL = 3;
/** Lines are handed to gzip in pieces of about this many characters: one write per line costs more than the compression. */
const PIECE_CHARS = 1 << 16;

/** Writes a findings@2 file atomically, streamed: line by line through gzip into a temp file, then renamed. */
export async function writeFindingsFile(path: string, doc: FindingsDocument, gzipLevel = GZIP_LEVEL): Promise<void> {
  await writeStreamAtomic(path, (out) => pipeline(Readable.from(joinedInPieces(findingsFileLines(doc))), createGzip({ level: gzipLevel }), out));
}

function* joinedInPieces(lines: Iterable<string>): Generator<string, void, undefined> {
  let piece = '';
  for (const line of lines) {
    piece += line;
    if (piece.length >= PIECE_CHARS) {
      yield piece;
      piece = '';
    }
  }
  if (piece) yield piece;
}
