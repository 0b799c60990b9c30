import type { Readable } from 'node:stream';

/**
 * Lines of a text stream, a batch per decoded chunk. Faster than node:readline for hundreds of
 * thousands of long lines: one decoder, one search per chunk, a carry-over only for the line
 * that spans chunks, and one async step per chunk instead of one per line (two layers of
 * per-line async generators cost ~0.1 s per 130,000-line file).
 */
export async function* splitLines(input: Readable): AsyncGenerator<string[], void, undefined> {
  input.setEncoding('utf8');
  let carry = '';
  for await (const chunk of input as AsyncIterable<string>) {
    let newline = chunk.indexOf('\n');
    if (newline === -1) {
      carry += chunk;
      continue;
    }
    const lines = [carry + chunk.slice(0, newline)];
    let start = newline + 1;
    while ((newline = chunk.indexOf('\n', start)) !== -1) {
      lines.push(chunk.slice(start, newline));
      start = newline + 1;
    }
    carry = chunk.slice(start);
    yield lines;
  }
  if (carry.length > 0) yield [carry];
}
