import { parentPort, workerData } from 'node:worker_threads';
import { parseRecordLine, SnapshotAssembler, type SnapshotRecord } from '../../model/snapshot-file.js';
import { snapshotReferences } from '../../model/snapshot-references.js';
import type { Snapshot } from '../../model/snapshot.js';
import { computeDrift } from './index.js';
import type { FromDriftShard, ToDriftShard } from './shard-protocol.js';

/**
 * A drift shard: parses and validates the lines of its regions from both files (a NEW line
 * identical to an OLD one is parsed once and shared, as readSnapshotPair does), then runs
 * computeDrift on the two partial snapshots and posts the changes back.
 */
const port = parentPort;
if (!port) throw new Error('drift shard-worker must run in a worker thread');
const { paths } = workerData as { paths: [string, string] };
const assemblers = [new SnapshotAssembler(), new SnapshotAssembler()] as const;
const oldLines = new Map<string, SnapshotRecord>();
let failure: string | undefined;
let parseMs = 0;

function post(message: FromDriftShard): void {
  (port as NonNullable<typeof port>).postMessage(message);
}

function addLines(message: Extract<ToDriftShard, { type: 'lines' }>): void {
  const { side, regionId, lines, lineNumbers } = message;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    let record = side === 1 ? oldLines.get(line) : undefined;
    if (!record) {
      const parsed = parseRecordLine(paths[side], line, lineNumbers[i] as number, true);
      if (parsed.kind === 'end' || parsed.kind === 'account' || parsed.regionId !== regionId) {
        failure = `line ${lineNumbers[i]} of ${paths[side]} was routed to region ${regionId} but is a ${parsed.kind} record`;
        return;
      }
      record = parsed;
      if (side === 0 && 'item' in record) oldLines.set(line, record);
    }
    assemblers[side].add(record);
  }
}

function regionsOf(snapshot: Snapshot): [string, string][] {
  return snapshot.accounts.flatMap((account) => account.regions.map((region): [string, string] => [account.accountId, region.regionId]));
}

port.on('message', (message: ToDriftShard) => {
  if (message.type === 'lines') {
    if (failure) {
      post({ type: 'ack' });
      return;
    }
    const started = performance.now();
    try {
      addLines(message);
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
    } finally {
      parseMs += performance.now() - started;
      post({ type: 'ack' });
    }
    return;
  }
  if (failure) {
    post({ type: 'failed', reason: failure });
    return;
  }
  try {
    oldLines.clear();
    const baseline = assemblers[0].finish(message.headers[0]);
    const current = assemblers[1].finish(message.headers[1]);
    const started = performance.now();
    const drift = computeDrift(baseline, current, message.options);
    post({
      type: 'result',
      changes: drift.changes,
      regions: [regionsOf(baseline), regionsOf(current)],
      references: [snapshotReferences(baseline), snapshotReferences(current)],
      timings: { parse: parseMs, drift: performance.now() - started },
    });
  } catch (error) {
    post({ type: 'failed', reason: error instanceof Error ? error.message : String(error) });
  }
});
