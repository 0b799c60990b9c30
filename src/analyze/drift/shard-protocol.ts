import type { SnapshotHeader } from '../../model/snapshot.js';
import type { AnalyzerSettings } from '../checks/types.js';
import type { DiffOptions, DriftChange } from './types.js';

/** 0 = the baseline (OLD) file, 1 = the current (NEW) file. */
export type Side = 0 | 1;

/** The options computeDrift gets in a shard: plain data only. */
export interface ShardDriftOptions extends DiffOptions {
  exposure?: boolean;
  settings?: AnalyzerSettings;
  pruneUnchanged?: boolean;
}

export type ToDriftShard =
  /** Record lines of one region of one file (the router read `regionId` off the line; the worker checks it). */
  | { type: 'lines'; side: Side; regionId: string; lines: string[]; lineNumbers: number[] }
  | { type: 'run'; headers: [SnapshotHeader, SnapshotHeader]; options: ShardDriftOptions };

export type FromDriftShard =
  /** One `lines` message processed: the coordinator keeps only a few in flight per worker. */
  | { type: 'ack' }
  | {
      type: 'result';
      changes: DriftChange[];
      /** Per side: the (account, region) pairs the shard holds, for the coverage scope. */
      regions: [[string, string][], [string, string][]];
      /** Per side: ids held and ids referred to outside the shard. */
      references: [{ present: string[]; unresolved: string[] }, { present: string[]; unresolved: string[] }];
      timings: Record<string, number>;
    }
  /** Anything odd (a bad line, a misrouted record, a crash): the coordinator diffs in one thread, which names the problem. */
  | { type: 'failed'; reason: string };
