/**
 * bench/whatif — the questions asked before a change ships, on a loaded snapshot (issue 20):
 *
 *   npx tsx bench/whatif.ts                               # 50,000 instances (generated, seed 42)
 *   npx tsx bench/whatif.ts --sizes 10000,50000 --dir /tmp/est   # reuse snapshots written by bench/analyze.ts
 *
 * Per size, in a fresh process: the stream-read floor, the validated load (and the view the exposure
 * command builds with it), then `exposure --port tcp/22 --from internet` and a 10-rule `whatif` (10 groups that carry public interfaces each get
 * an accept from 0.0.0.0/0 on tcp 3389), each timed as the commands run them after load. Budget:
 * each answer ≤ 1× the load.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { specFor } from './estate-spec.js';

const SELF = fileURLToPath(import.meta.url);

async function child(instances: number, file: string, phase: 'write' | 'measure'): Promise<void> {
  const { writeSnapshot, readSnapshot, readSnapshotRecordBatches } = await import('../src/model/snapshot-file.js');
  if (phase === 'write') {
    const { generateEstate } = await import('../src/emulator/index.js');
    const estate = generateEstate(specFor(instances));
    await writeSnapshot(file, { schema: 'sgaudit/snapshot@1', id: `bench-${instances}`, takenAt: new Date().toISOString(), tool: { name: 'sgaudit', version: 'bench' }, provider: 'alicloud', coverage: [], accounts: estate.accounts });
    return;
  }
  const { SnapshotView } = await import('../src/analyze/view.js');
  const { PolicyEvaluator } = await import('../src/analyze/net/evaluator.js');
  const { queryExposure } = await import('../src/analyze/exposure-query.js');
  const { defaultAnalyzerSettings } = await import('../src/config/defaults.js');
  const { loadConfig } = await import('../src/config/load.js');
  const { runWhatIf } = await import('../src/pipeline/whatif.js');

  let started = performance.now();
  for await (const batch of readSnapshotRecordBatches(file, { validate: false })) void batch;
  const floorMs = performance.now() - started;
  started = performance.now();
  const snapshot = await readSnapshot(file);
  const loadMs = performance.now() - started;

  // The exposure command builds the view as part of loading (its --verbose "loaded in" includes it).
  started = performance.now();
  const view = new SnapshotView(snapshot);
  const viewMs = performance.now() - started;
  started = performance.now();
  const answer = queryExposure(new PolicyEvaluator(view), defaultAnalyzerSettings(), { traffic: { protocol: 'tcp', ports: { from: 22, to: 22 } }, from: { kind: 'internet' } });
  const exposureMs = performance.now() - started;

  // Ten groups on internet-facing interfaces, spread over the estate.
  const publicGroups = [...new Set([...view.enis.values()].filter(({ item }) => view.publicAddressesOfEni(item).length > 0).flatMap(({ item }) => item.securityGroupIds))];
  const chosen = Array.from({ length: 10 }, (_, i) => publicGroups[Math.floor((i * publicGroups.length) / 10)] as string);
  const changeFile = join(tmpdir(), `sgaudit-bench-whatif-${process.pid}.yaml`);
  await writeFile(changeFile, stringify({ changes: chosen.map((group) => ({ 'add-rule': { group, direction: 'ingress', protocol: 'tcp', ports: 3389, source: '0.0.0.0/0' } })) }));
  started = performance.now();
  const report = await runWhatIf(snapshot, changeFile, { config: await loadConfig(), failOn: 'high' });
  const whatifMs = performance.now() - started;
  await rm(changeFile, { force: true });
  process.stdout.write(
    `${JSON.stringify({
      instances,
      floorMs,
      loadMs,
      viewMs,
      exposureMs,
      exposureInterfaces: answer.interfaces,
      whatifMs,
      whatifAdded: report.delta.added.length,
      whatifScope: report.delta.scope,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    })}\n`,
  );
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    await child(Number(args[1]), args[2] as string, args[3] as 'write' | 'measure');
    return;
  }
  const sizesArg = args.indexOf('--sizes');
  const sizes = sizesArg >= 0 ? (args[sizesArg + 1] ?? '').split(',').map(Number) : [50_000];
  const dirArg = args.indexOf('--dir');
  const keptDir = dirArg >= 0 ? args[dirArg + 1] : undefined;
  const dir = keptDir ?? (await mkdtemp(join(tmpdir(), 'sgaudit-bench-whatif-')));
  try {
    for (const instances of sizes) {
      const file = join(dir, `estate-${instances}.jsonl.gz`);
      const run = (phase: string) => execFileSync(process.execPath, ['--import', 'tsx', SELF, '--child', String(instances), file, phase], { encoding: 'utf8', maxBuffer: 1 << 24, stdio: ['ignore', 'pipe', 'inherit'] });
      if (!keptDir || !existsSync(file)) run('write');
      const row = JSON.parse(run('measure').trim()) as Record<string, number> & { whatifScope: Record<string, number> };
      const s = (ms: number) => `${(ms / 1000).toFixed(2)}s`;
      console.log(
        `${String(instances).padStart(6)} instances | floor ${s(row.floorMs!)} | load ${s(row.loadMs!)} (+ view ${s(row.viewMs!)}) | exposure tcp/22 from internet ${s(row.exposureMs!)} (${(row.exposureMs! / row.loadMs!).toFixed(2)}× load, ${(row.exposureMs! / (row.loadMs! + row.viewMs!)).toFixed(2)}× load + view; ${row.exposureInterfaces} interfaces) | whatif 10 rules ${s(row.whatifMs!)} (${(row.whatifMs! / row.loadMs!).toFixed(2)}× load; ${row.whatifAdded} added; ${row.whatifScope.interfaces} interfaces, ${row.whatifScope.groups} groups re-analysed) | peak RSS ${row.peakRssMb!.toFixed(0)} MB`,
      );
    }
  } finally {
    if (!keptDir) await rm(dir, { recursive: true, force: true });
  }
}

await main();
