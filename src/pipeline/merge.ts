import { createHash } from 'node:crypto';
import { ownsUnit, shardOf, unitKey, type ShardSpec } from '../collect/shard.js';
import { sortCoverage } from '../model/coverage.js';
import { SgauditError } from '../model/errors.js';
import { createSnapshotWriter, readSnapshotRecordBatches } from '../model/snapshot-file.js';
import { REGIONAL_COVERAGE_APIS, type Coverage, type CoverageApi, type MergeInfo, type SnapshotHeader } from '../model/snapshot.js';
import { TOOL } from '../version.js';

/**
 * `sgaudit merge` (docs/fleet.md): shard snapshots of one run → one snapshot. Records are streamed
 * from one shard file at a time into the writer, so memory holds the headers, never the shards.
 * A shard that is missing is "not collected" for every unit it owned — failed coverage entries,
 * code ShardMissing — never "removed": analysis, drift and --strict see the scope as incomplete.
 */

/** A shard snapshot to merge: its header (read cheaply, or from a store listing) and how to get the file. */
export interface ShardInput {
  /** The file or store URL, for messages. */
  label: string;
  header: SnapshotHeader;
  /** A local file with the snapshot (an object store downloads it when asked). */
  localPath(): Promise<string>;
}

export interface MergeOptions {
  shards: readonly ShardInput[];
  /** The shard count the run was meant to have (--expect-shards); default: the count the shards record. */
  expectShards?: number;
  /** The merged file, or a function of its takenAt and id (a store's pathFor). */
  out: string | ((takenAt: string, id: string) => string);
}

export interface MergeResult {
  path: string;
  header: SnapshotHeader;
  /** Shard indexes with no snapshot: their units are recorded as not collected. */
  missing: number[];
  /** Older snapshots of a shard index that was given more than once: not merged. */
  superseded: ShardInput[];
  /** Units with no coverage of their own in any merged shard, now recorded as failed. */
  notCollected: number;
  records: number;
}

/** Account-wide entries (not of one region): every shard that entered the account has one. */
const ACCOUNT_WIDE = new Set<CoverageApi>(['ListAccounts', 'AssumeRole', 'DescribeRegions']);
const SEVERITY: Record<Coverage['status'], number> = { complete: 0, partial: 1, denied: 2, failed: 3 };

function shardLabel(spec: ShardSpec): string {
  return `${spec.index}/${spec.count}`;
}

/** The shard header of each input, and the one count they must all agree on. */
function shardCount(shards: readonly ShardInput[], expectShards: number | undefined): number {
  if (shards.length === 0) throw new SgauditError('USAGE', 'no shard snapshots to merge', { hint: 'give the shard snapshots, or the store or directory the shards were collected into' });
  for (const input of shards) {
    if (!input.header.shard) throw new SgauditError('USAGE', `${input.label}: not a shard snapshot (it was collected without --shard or JOB_COMPLETION_INDEX)`);
  }
  const counts = [...new Set(shards.map((input) => input.header.shard?.count))];
  if (counts.length > 1) {
    const listed = shards.map((input) => `${input.label} (${shardLabel(input.header.shard as ShardSpec)})`).slice(0, 6);
    throw new SgauditError('USAGE', `the shards disagree on the shard count (${counts.join(' vs ')}): ${listed.join(', ')}${shards.length > 6 ? ', …' : ''}`, {
      hint: 'merge the shards of one run only: give each run its own store prefix or directory',
    });
  }
  const count = counts[0] as number;
  if (expectShards !== undefined && expectShards !== count) {
    throw new SgauditError('USAGE', `--expect-shards ${expectShards}, but the shard snapshots were collected as ${count} shards`, { hint: 'the count must be the Indexed Job\'s completions (SGAUDIT_SHARD_COUNT)' });
  }
  return count;
}

/** One input per shard index; a shard index given twice (a retried pod) keeps its newest snapshot. */
function pickPerIndex(shards: readonly ShardInput[]): { chosen: Map<number, ShardInput>; superseded: ShardInput[] } {
  const chosen = new Map<number, ShardInput>();
  const superseded: ShardInput[] = [];
  const newer = (a: ShardInput, b: ShardInput) => a.header.takenAt.localeCompare(b.header.takenAt) > 0 || (a.header.takenAt === b.header.takenAt && a.header.id.localeCompare(b.header.id) > 0);
  for (const input of shards) {
    const index = (input.header.shard as ShardSpec).index;
    const known = chosen.get(index);
    if (!known) chosen.set(index, input);
    else if (newer(input, known)) {
      superseded.push(known);
      chosen.set(index, input);
    } else superseded.push(input);
  }
  return { chosen, superseded };
}

/** Account-wide entries of several shards as one: the worst status (the lowest shard first on a tie), requests added up. */
function combineAccountWide(entries: readonly Coverage[]): Coverage {
  let worst = entries[0] as Coverage;
  for (const entry of entries) if (SEVERITY[entry.status] > SEVERITY[worst.status]) worst = entry;
  const sum = (pick: (entry: Coverage) => number | undefined) => entries.reduce((total, entry) => total + (pick(entry) ?? 0), 0);
  return {
    ...worst,
    requests: sum((entry) => entry.requests),
    // AssumeRole counts sessions: each shard had its own. The other listings read the same items in every shard.
    ...(worst.api === 'AssumeRole' ? { items: sum((entry) => entry.items) } : {}),
  };
}

/**
 * The merged coverage: each shard's regional entries as they are, account-wide entries combined,
 * and for every known unit that no merged shard recorded — its shard missing, or a shard that could
 * not enter the account — a failed entry per regional API.
 */
function mergeCoverage(chosen: Map<number, ShardInput>, count: number, missing: ReadonlySet<number>): { coverage: Coverage[]; notCollected: number } {
  const regional: Coverage[] = [];
  const accountWide = new Map<string, Coverage[]>();
  const covered = new Set<string>();
  const aliases = new Map<string, string>();
  const units = new Map<string, Set<string>>();
  for (const index of [...chosen.keys()].sort((a, b) => a - b)) {
    const header = (chosen.get(index) as ShardInput).header;
    for (const [accountId, regions] of Object.entries(header.shard?.units ?? {})) {
      const known = units.get(accountId) ?? new Set<string>();
      for (const regionId of regions) known.add(regionId);
      units.set(accountId, known);
    }
    for (const entry of header.coverage) {
      if (entry.alias && !aliases.has(entry.accountId)) aliases.set(entry.accountId, entry.alias);
      if (ACCOUNT_WIDE.has(entry.api)) {
        const key = `${entry.accountId}\u0000${entry.regionId}\u0000${entry.api}`;
        accountWide.set(key, [...(accountWide.get(key) ?? []), entry]);
      } else {
        regional.push(entry);
        covered.add(unitKey(entry.accountId, entry.regionId));
      }
    }
  }
  const notCollected: Coverage[] = [];
  let uncovered = 0;
  for (const [accountId, regions] of units) {
    for (const regionId of regions) {
      const key = unitKey(accountId, regionId);
      if (covered.has(key)) continue;
      uncovered++;
      const owner = shardOf(key, count);
      const alias = aliases.get(accountId);
      const [code, message] = missing.has(owner)
        ? ['ShardMissing', `not collected: shard ${owner}/${count}, which owns this region, is missing from the merge (it did not run, failed before writing its snapshot, or was not given)`]
        : ['NotCollectedByShard', `not collected: shard ${owner}/${count} owns this region but recorded nothing for it (see its account-wide coverage entries)`];
      for (const api of REGIONAL_COVERAGE_APIS) {
        notCollected.push({ accountId, ...(alias ? { alias } : {}), regionId, api, status: 'failed', code, message, requests: 0, items: 0 });
      }
    }
  }
  return { coverage: sortCoverage([...regional, ...[...accountWide.values()].map(combineAccountWide), ...notCollected]), notCollected: uncovered };
}

/** The same shards give the same id: merging twice names the same snapshot. */
function mergedId(chosen: Map<number, ShardInput>, count: number): string {
  const hex = createHash('sha256')
    .update(`${count}\u0000${[...chosen].sort(([a], [b]) => a - b).map(([index, input]) => `${index}=${input.header.id}`).join('\u0000')}`)
    .digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export async function mergeShards(options: MergeOptions): Promise<MergeResult> {
  const count = shardCount(options.shards, options.expectShards);
  const { chosen, superseded } = pickPerIndex(options.shards);
  const missing = Array.from({ length: count }, (_, index) => index).filter((index) => !chosen.has(index));
  const ordered = [...chosen].sort(([a], [b]) => a - b);
  const takenAt = ordered.map(([, input]) => input.header.takenAt).sort()[0] as string;
  const id = mergedId(chosen, count);
  const { coverage, notCollected } = mergeCoverage(chosen, count, new Set(missing));
  const merged: MergeInfo = { count, shards: ordered.map(([index, input]) => ({ index, id: input.header.id, takenAt: input.header.takenAt })), missing };

  const writer = await createSnapshotWriter(typeof options.out === 'function' ? options.out(takenAt, id) : options.out);
  try {
    for (const [index, input] of ordered) {
      const spec = { index, count };
      for await (const batch of readSnapshotRecordBatches(await input.localPath())) {
        for (const record of batch) {
          if ('header' in record) continue;
          // Each unit has one owner, so a unit in the wrong shard is the only way it could come twice.
          if (record.kind === 'region' && !ownsUnit(spec, record.accountId, record.regionId)) {
            const unit = unitKey(record.accountId, record.regionId);
            throw new SgauditError('SNAPSHOT_INVALID', `${input.label}: shard ${shardLabel(spec)} holds ${unit}, which belongs to shard ${shardOf(unit, count)}/${count}`);
          }
          await writer.addRecord(record);
        }
      }
    }
    const first = (ordered[0] as [number, ShardInput])[1].header;
    const result = await writer.finish({ id, takenAt, tool: { name: TOOL.name, version: TOOL.version }, provider: first.provider, coverage, merged });
    const header: SnapshotHeader = { schema: first.schema, id, takenAt, tool: { name: TOOL.name, version: TOOL.version }, provider: first.provider, coverage, merged };
    return { path: result.path, header, missing, superseded, notCollected, records: result.records };
  } catch (error) {
    await writer.abort();
    throw error;
  }
}
