/**
 * bench/findings-file — one snapshot's findings file: size, write time and read time of the
 * findings@2 file (gzip JSON Lines, what `analyze -o` and `scan` write) next to the findings@1
 * JSON document (what they wrote before, and `report --format json` still does).
 *
 *   npx tsx bench/analyze.ts --sizes 50000 --dir /tmp/estates     # keeps estate-50000.jsonl.gz
 *   npx tsx bench/findings-file.ts /tmp/estates/estate-50000.jsonl.gz
 *   npx tsx bench/findings-file.ts SNAPSHOT --levels 1,3,6         # also the size and time of other gzip levels
 *
 * Budget at 50k (DESIGN.md): the findings file ≤ 50 MB. The snapshot is analyzed once, untimed;
 * both reads are checked to give the same document.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { analyzeSnapshot } from '../src/analyze/engine.js';
import { readSnapshot } from '../src/model/snapshot-file.js';
import { renderJsonPieces } from '../src/report/json.js';
import { readFindingsDocument } from '../src/report/read-findings.js';
import { writeFindingsFile } from '../src/report/write-findings.js';
import { writeChunksAtomic } from '../src/util/atomic-write.js';

const BUDGET_BYTES = 50 * 1024 * 1024;
const [snapshotPath, ...flags] = process.argv.slice(2);
if (!snapshotPath) {
  console.error('usage: npx tsx bench/findings-file.ts SNAPSHOT [--levels 1,3,6]');
  process.exit(2);
}
const levelsAt = flags.indexOf('--levels');
const levels = levelsAt >= 0 ? (flags[levelsAt + 1] ?? '').split(',').map(Number) : [];

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; s: string }> {
  const started = performance.now();
  const value = await run();
  return { value, s: `${((performance.now() - started) / 1000).toFixed(2)} s` };
}
const mb = async (path: string) => `${((await stat(path)).size / 2 ** 20).toFixed(1)} MB`;

const document = analyzeSnapshot(await readSnapshot(snapshotPath));
const dir = await mkdtemp(join(tmpdir(), 'sgaudit-bench-findings-'));
try {
  const v2 = join(dir, 'findings.jsonl.gz');
  const v1 = join(dir, 'findings.json');
  const write2 = await timed(() => writeFindingsFile(v2, document));
  const read2 = await timed(() => readFindingsDocument(v2));
  const write1 = await timed(() => writeChunksAtomic(v1, renderJsonPieces(document)));
  const read1 = await timed(() => readFindingsDocument(v1));
  const bytes = (await stat(v2)).size;
  console.log(`${snapshotPath}: ${document.findings.length} findings`);
  console.log(`findings@2: ${await mb(v2)} (budget ${BUDGET_BYTES / 2 ** 20} MB), write ${write2.s}, read ${read2.s}`);
  console.log(`findings@1: ${await mb(v1)}, write ${write1.s}, read ${read1.s}`);
  console.log(`same document from both: ${isDeepStrictEqual(read2.value, read1.value) ? 'yes' : 'NO'}`);
  for (const level of levels) {
    const path = join(dir, `level-${level}.jsonl.gz`);
    const write = await timed(() => writeFindingsFile(path, document, level));
    console.log(`gzip level ${level}: ${await mb(path)}, write ${write.s}`);
  }
  console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  process.exitCode = bytes > BUDGET_BYTES ? 1 : 0;
} finally {
  await rm(dir, { recursive: true, force: true });
}
