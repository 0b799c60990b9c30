import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { crossPartReference } from '../../model/snapshot-references.js';
import { routeSnapshotLines } from '../../model/snapshot-routing.js';
import type { Region, Snapshot, SnapshotHeader } from '../../model/snapshot.js';
import { startModuleWorker } from '../../util/worker.js';
import { driftNotCompared, type DriftComputation } from './index.js';
import type { FromDriftShard, ShardDriftOptions, Side, ToDriftShard } from './shard-protocol.js';

export interface ShardedDiffOptions extends ShardDriftOptions {
  /** Most worker threads to start (one per region up to this); default twice the cores. */
  workers?: number;
  /** Smaller (compressed) files are diffed in one thread: starting workers costs more than it saves. Default 512 KiB. */
  minParallelBytes?: number;
  onTiming?: (phase: string, ms: number) => void;
}

/** The drift of two snapshot files, and the two headers (with their regions) the document needs. */
export interface FileDrift {
  drift: DriftComputation;
  baseline: Snapshot;
  current: Snapshot;
}

const DEFAULT_MIN_PARALLEL_BYTES = 512 * 1024;
/** Lines per message: few messages, yet workers start parsing while the files are still being read. */
const BATCH_LINES = 2_000;

/** `lines` messages a worker may have queued: enough to keep it busy, few enough that queued copies of the files stay small. */
const MAX_IN_FLIGHT = 4;

interface Shard {
  worker: Worker;
  lines: number;
  inFlight: number;
  /** Crashed or exited: nothing more is sent to it. */
  dead?: boolean;
  /** Resolved by the next ack, when the router waits for this worker. */
  acked?: () => void;
  done: Promise<Exclude<FromDriftShard, { type: 'ack' }>>;
}

/**
 * Drift between two `.jsonl.gz` snapshots on every core. Regions are independent (nothing links
 * resources across regions), so this thread streams both files once, reads each record line's
 * region without parsing it and routes the line to the worker owning that region; each worker
 * parses and validates its lines (sharing records whose line is identical in both files) and
 * runs `computeDrift` on its two partial snapshots; the changes are concatenated and the
 * not-compared scopes computed here from both files' coverage and regions. The result equals
 * `computeDrift(await readSnapshot(old), await readSnapshot(new))` up to the order of changes,
 * which the findings document sorts. Returns `{ fallback }` (why) when the files are small, not
 * gzip JSON Lines, odd in any way, or link resources across regions: the caller then diffs in one
 * thread, which also reports a broken file exactly.
 */
export async function driftOfFiles(oldPath: string, newPath: string, options: ShardedDiffOptions = {}): Promise<FileDrift | { fallback: string }> {
  const maxWorkers = options.workers ?? availableParallelism() * 2;
  if (maxWorkers <= 0) return { fallback: 'no workers allowed' };
  const paths: [string, string] = [oldPath, newPath];
  if (paths.some((path) => path.endsWith('.json'))) return { fallback: 'nested JSON snapshots are read whole' };
  const minBytes = options.minParallelBytes ?? DEFAULT_MIN_PARALLEL_BYTES;
  const sizes = await Promise.all(paths.map((path) => stat(path).then((s) => s.size, () => -1)));
  if (sizes.some((size) => size < 0)) return { fallback: 'a file cannot be read' };
  if (sizes.every((size) => size < minBytes)) return { fallback: 'small files' };

  const started = performance.now();
  const shards: Shard[] = [];
  const shardOfRegion = new Map<string, Shard>();
  try {
    const headers: SnapshotHeader[] = [];
    for (const side of [0, 1] as const) {
      const routed = await routeFile(paths, side, shards, shardOfRegion, maxWorkers);
      if ('fallback' in routed) return routed;
      headers.push(routed.header);
    }
    options.onTiming?.('route', performance.now() - started);
    if (shards.length === 0) return { fallback: 'no regions' };
    const run: ToDriftShard = { type: 'run', headers: [headers[0] as SnapshotHeader, headers[1] as SnapshotHeader], options: shardOptions(options) };
    for (const shard of shards) shard.worker.postMessage(run);
    const results = await Promise.all(shards.map((shard) => shard.done));

    const done = results.filter((result) => result.type === 'result');
    const failed = results.find((result) => result.type === 'failed');
    if (failed) return { fallback: failed.reason };
    for (const side of [0, 1] as const) {
      const crossing = crossPartReference(done.map((result) => result.references[side]));
      if (crossing) return { fallback: `${crossing} is shared or referred to across regions of ${paths[side]}` };
    }
    const baseline = skeleton(headers[0] as SnapshotHeader, done.flatMap((result) => result.regions[0]));
    const current = skeleton(headers[1] as SnapshotHeader, done.flatMap((result) => result.regions[1]));
    if (options.onTiming) for (const result of done) for (const [phase, ms] of Object.entries(result.timings)) options.onTiming(phase, ms);
    return {
      baseline,
      current,
      drift: {
        baselineId: baseline.id,
        currentId: current.id,
        changes: done.flatMap((result) => result.changes),
        notCompared: driftNotCompared(baseline, current),
        exposureCompared: options.exposure !== false,
      },
    };
  } finally {
    await Promise.all(shards.map((shard) => shard.worker.terminate()));
  }
}

async function routeFile(paths: [string, string], side: Side, shards: Shard[], shardOfRegion: Map<string, Shard>, maxWorkers: number) {
  const pending = new Map<string, { lines: string[]; lineNumbers: number[] }>();
  const flush = (regionId: string): Promise<void> | undefined => {
    const batch = pending.get(regionId);
    if (!batch) return undefined;
    pending.delete(regionId);
    const message: ToDriftShard = { type: 'lines', side, regionId, lines: batch.lines, lineNumbers: batch.lineNumbers };
    const shard = shardOfRegion.get(regionId) as Shard;
    if (shard.dead) return undefined;
    shard.worker.postMessage(message);
    shard.inFlight++;
    return shard.inFlight >= MAX_IN_FLIGHT ? new Promise((resolve) => (shard.acked = resolve)) : undefined;
  };
  const routed = await routeSnapshotLines(paths[side], (regionId, line, lineNumber) => {
    let shard = shardOfRegion.get(regionId);
    if (!shard) shardOfRegion.set(regionId, (shard = shards.length < maxWorkers ? startShard(paths, shards) : leastLoaded(shards)));
    shard.lines++;
    let batch = pending.get(regionId);
    if (!batch) pending.set(regionId, (batch = { lines: [], lineNumbers: [] }));
    batch.lines.push(line);
    batch.lineNumbers.push(lineNumber);
    return batch.lines.length >= BATCH_LINES ? flush(regionId) : undefined;
  });
  for (const regionId of [...pending.keys()]) flush(regionId);
  return routed;
}

function shardOptions(options: ShardedDiffOptions): ShardDriftOptions {
  const { matchRulesBy, exposure, settings, pruneUnchanged } = options;
  return {
    ...(matchRulesBy !== undefined ? { matchRulesBy } : {}),
    ...(exposure !== undefined ? { exposure } : {}),
    ...(settings !== undefined ? { settings } : {}),
    ...(pruneUnchanged !== undefined ? { pruneUnchanged } : {}),
  };
}

/** The header and the (account, region) pairs of one side, without resources: all coverage scoping needs. */
function skeleton(header: SnapshotHeader, regions: [string, string][]): Snapshot {
  const accounts = new Map<string, Region[]>();
  for (const [accountId, regionId] of regions) {
    let list = accounts.get(accountId);
    if (!list) accounts.set(accountId, (list = []));
    list.push({ regionId, securityGroups: [], instances: [], networkInterfaces: [], eips: [], prefixLists: [] });
  }
  return { ...header, accounts: [...accounts].map(([accountId, list]) => ({ accountId, regions: list })) };
}

function leastLoaded(shards: Shard[]): Shard {
  return shards.reduce((best, shard) => (shard.lines < best.lines ? shard : best));
}

function startShard(paths: [string, string], shards: Shard[]): Shard {
  const worker = startModuleWorker(import.meta.url, './shard-worker.js', { paths });
  const shard: Shard = { worker, lines: 0, inFlight: 0, done: Promise.resolve({ type: 'failed', reason: 'not started' }) };
  const release = () => {
    const acked = shard.acked;
    shard.acked = undefined;
    acked?.();
  };
  shard.done = new Promise((resolve) => {
    worker.on('message', (message: FromDriftShard) => {
      if (message.type !== 'ack') return resolve(message);
      shard.inFlight--;
      release();
    });
    // A dead worker acks nothing: let the router go on (its result says it failed).
    const fail = (reason: string) => {
      resolve({ type: 'failed', reason });
      shard.dead = true;
      shard.inFlight = 0;
      release();
    };
    worker.once('error', (error) => fail(`worker failed: ${error.message}`));
    worker.once('exit', (code) => fail(`worker exited with code ${code}`));
  });
  shards.push(shard);
  return shard;
}
