import type { SnapshotHeader } from './snapshot.js';
import { parseSnapshotHeader, snapshotLines } from './snapshot-file.js';

/** What the router makes of a file: its header, or why it must be read the ordinary way. */
export type RoutedFile = { header: SnapshotHeader; records: number } | { fallback: string };

/**
 * Streams a `.jsonl.gz` snapshot and hands every record line that names a region to `route`
 * unparsed, with its line number: the cheap half of a read split across threads by region. The
 * router checks only what it can without parsing records (header, blank lines, the end record
 * and its count); anything it cannot place (a region-less resource line, data after the end) is
 * a fallback reason, not an error: the caller then reads the file normally, which names the
 * problem exactly. Whoever parses a routed line must check it really belongs to that region.
 * When `route` returns a promise, reading pauses until it settles (backpressure).
 */
export async function routeSnapshotLines(path: string, route: (regionId: string, line: string, lineNumber: number) => void | Promise<void>): Promise<RoutedFile> {
  let header: SnapshotHeader | undefined;
  let lineNumber = 0;
  let records = 0;
  let ended = false;
  try {
    for await (const line of snapshotLines(path)) {
      lineNumber++;
      if (lineNumber === 1) {
        header = parseSnapshotHeader(path, line);
        continue;
      }
      if (line.length === 0) continue;
      if (ended) return { fallback: `data after the end record (line ${lineNumber})` };
      const regionId = regionIdOfLine(line);
      if (regionId !== undefined) {
        records++;
        // A promise means "wait": the receivers are behind, and unread input costs no memory.
        const wait = route(regionId, line, lineNumber);
        if (wait) await wait;
        continue;
      }
      // Account and end records carry no region; they are few and small.
      const record = JSON.parse(line) as { kind?: unknown; records?: unknown; accountId?: unknown };
      if (record.kind === 'end') {
        if (record.records !== records) return { fallback: 'the end record does not match the record count' };
        ended = true;
      } else if (record.kind === 'account' && typeof record.accountId === 'string') records++;
      else return { fallback: `line ${lineNumber} names no region` };
    }
  } catch (error) {
    return { fallback: error instanceof Error ? error.message : String(error) };
  }
  if (!header) return { fallback: 'empty file' };
  if (!ended) return { fallback: 'no end record' };
  return { header, records };
}

/** `"regionId":"…"` of the record envelope, which the writer puts first; undefined when not there. */
export function regionIdOfLine(line: string): string | undefined {
  const at = line.indexOf('"regionId":"');
  if (at < 0 || at > 200) return undefined;
  const start = at + 12;
  const end = line.indexOf('"', start);
  return end < 0 ? undefined : line.slice(start, end);
}
