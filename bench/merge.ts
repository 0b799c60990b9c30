/**
 * Merging shard snapshots: a generated estate of N instances (default 50,000, over 10 accounts × 3
 * regions) is written as the 4 shard snapshots a sharded collection would produce, then merged in a
 * child process that only merges, so its peak RSS is the merge's, not that of generating the estate.
 * Prints the merge's wall time, its peak RSS, and the same with one shard missing.
 *
 *   npx tsx bench/merge.ts [instances] [shards]
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { specFor } from './estate-spec.js';

const SELF = fileURLToPath(import.meta.url);

async function generate(instances: number, count: number, dir: string): Promise<void> {
  const { generateEstate } = await import('../src/emulator/index.js');
  const { createSnapshotWriter } = await import('../src/model/snapshot-file.js');
  const { ownsUnit } = await import('../src/collect/shard.js');
  const estate = generateEstate({ ...specFor(instances), accounts: 10, regions: 3 });
  const units = Object.fromEntries(estate.accounts.map((account) => [account.accountId, account.regions.map((region) => region.regionId).sort()]));
  for (let index = 0; index < count; index++) {
    const writer = await createSnapshotWriter(join(dir, `shard-${index}.jsonl.gz`));
    for (const account of estate.accounts) {
      for (const region of account.regions) if (ownsUnit({ index, count }, account.accountId, region.regionId)) await writer.addRegion(account, region);
    }
    await writer.finish({ id: `bench-shard-${index}`, takenAt: new Date().toISOString(), tool: { name: 'sgaudit', version: 'bench' }, coverage: [], shard: { index, count, units } });
  }
}

async function merge(out: string, files: string[]): Promise<void> {
  const { mergeShards } = await import('../src/pipeline/merge.js');
  const { resolveShardInputs } = await import('../src/pipeline/merge-inputs.js');
  const started = performance.now();
  const result = await mergeShards({ shards: await resolveShardInputs(files), out });
  const ms = performance.now() - started;
  process.stdout.write(JSON.stringify({ ms: Math.round(ms), records: result.records, missing: result.missing, bytes: (await stat(out)).size, peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) }));
}

async function main(): Promise<void> {
  const [mode, ...rest] = process.argv.slice(2);
  if (mode === '--generate') return generate(Number(rest[0]), Number(rest[1]), rest[2]!);
  if (mode === '--merge') return merge(rest[0]!, rest.slice(1));
  const instances = Number(mode ?? 50_000);
  const count = Number(rest[0] ?? 4);
  const dir = await mkdtemp(join(tmpdir(), 'sgaudit-bench-merge-'));
  try {
    await mkdir(join(dir, 'shards'));
    execFileSync(process.execPath, ['--import', 'tsx', SELF, '--generate', String(instances), String(count), join(dir, 'shards')], { stdio: 'inherit' });
    const shards = Array.from({ length: count }, (_, index) => join(dir, 'shards', `shard-${index}.jsonl.gz`));
    for (const [label, files] of [['all shards', shards], ['last shard missing', shards.slice(0, -1)]] as const) {
      const output = execFileSync(process.execPath, ['--import', 'tsx', SELF, '--merge', join(dir, `${label.replace(/ /g, '-')}.jsonl.gz`), ...files], { encoding: 'utf8' });
      const result = JSON.parse(output) as { ms: number; records: number; missing: number[]; bytes: number; peakRssMiB: number };
      console.log(
        `merge of ${files.length} of ${count} shards (${label}), ${instances.toLocaleString('en')} instances: ${result.records.toLocaleString('en')} records, ${(result.bytes / 2 ** 20).toFixed(1)} MiB, ${result.ms} ms, peak RSS ${result.peakRssMiB} MiB${result.missing.length ? `, missing ${result.missing.join(', ')}` : ''}`,
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
