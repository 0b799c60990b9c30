/**
 * bench/analyze — analyze time and peak RSS for generated estates of growing size.
 *
 *   npx tsx bench/analyze.ts            # 1k, 10k, 50k instances
 *   npx tsx bench/analyze.ts --sizes 1000,10000
 *   npx tsx bench/analyze.ts --dir /tmp/estates   # keep and reuse the generated snapshots
 *   npx tsx bench/analyze.ts --findings /tmp/out  # also write findings-<size>.json (diff before/after a change)
 *
 * Each size runs in its own child process so peak RSS is that size's alone. For each size it
 * prints: the stream-read floor (gunzip + JSON.parse of every line, no model), the full load
 * (validated), analyze, their sum, the ratio to the floor (budget ≤ 3×), and peak RSS (budget ≤ 1 GB
 * at 50k), the slowest of five `explain` queries on the loaded snapshot (budget 200 ms), then the analyze
 * phases (view build, each check in catalog order, final sort). The largest estate is 10,000 groups / 200,000 rules / 50,000 instances / 60,000 ENIs /
 * 10,000 EIPs.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { specFor } from './estate-spec.js';

const SELF = fileURLToPath(import.meta.url);

async function child(instances: number, file: string, phase: 'write' | 'measure', findingsOut?: string): Promise<void> {
  const { generateEstate } = await import('../src/emulator/index.js');
  const { writeSnapshot, readSnapshot, readSnapshotRecordBatches } = await import('../src/model/snapshot-file.js');
  const { analyzeSnapshot } = await import('../src/analyze/engine.js');
  if (phase === 'write') {
    const estate = generateEstate(specFor(instances));
    await writeSnapshot(file, {
      schema: 'sgaudit/snapshot@1',
      id: `bench-${instances}`,
      takenAt: new Date().toISOString(),
      tool: { name: 'sgaudit', version: 'bench' },
      provider: 'alicloud',
      coverage: [],
      accounts: estate.accounts,
    });
    return;
  }
  let t = performance.now();
  let records = 0;
  for await (const batch of readSnapshotRecordBatches(file, { validate: false })) records += batch.length;
  const floorMs = performance.now() - t;
  t = performance.now();
  const snapshot = await readSnapshot(file);
  const loadMs = performance.now() - t;
  const phases: Record<string, number> = {};
  t = performance.now();
  const document = analyzeSnapshot(snapshot, { onTiming: (phase, ms) => (phases[phase] = (phases[phase] ?? 0) + ms) });
  const analyzeMs = performance.now() - t;
  // `explain` on the loaded snapshot (budget 200 ms at 50k): the slowest of five interfaces spread over the estate.
  const { SnapshotView } = await import('../src/analyze/view.js');
  const { explain } = await import('../src/analyze/explain.js');
  const { PolicyEvaluator } = await import('../src/analyze/net/evaluator.js');
  const view = new SnapshotView(snapshot);
  const evaluator = new PolicyEvaluator(view);
  const eniIds = [...view.enis.keys()];
  let explainMs = 0;
  for (const position of [0, 0.25, 0.5, 0.75, 1]) {
    const target = eniIds[Math.min(eniIds.length - 1, Math.floor(position * eniIds.length))];
    if (target === undefined) continue;
    const started = performance.now();
    explain(evaluator, { target, direction: 'ingress' });
    explainMs = Math.max(explainMs, performance.now() - started);
  }
  // The cost of this design before any finding exists: a fresh view and evaluator, every distinct
  // ingress context of an internet-reachable interface evaluated as public-exposure asks, and every
  // group's deciding rules as shadowed-rule asks. JIT-warm after the analysis, so a lower bound.
  const started = performance.now();
  const freshView = new SnapshotView(snapshot);
  const freshEvaluator = new PolicyEvaluator(freshView);
  const contexts = new Map<string, ReturnType<typeof freshEvaluator.contextOf>>();
  for (const { item } of freshView.enis.values()) {
    if (freshView.publicAddressesOfEni(item).length === 0) continue;
    const context = freshEvaluator.contextOf(item, { direction: 'ingress' });
    contexts.set(context.key, context);
  }
  for (const context of contexts.values()) freshEvaluator.evaluate(context, { publicAcceptsOnly: true });
  for (const { item } of freshView.groups.values()) freshEvaluator.decidingRulesOfGroups([item], { direction: 'ingress' });
  const evaluationOnlyMs = performance.now() - started;
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  if (findingsOut) {
    // generatedAt is the clock; everything else must be byte-identical across optimizations.
    const { writeFile } = await import('node:fs/promises');
    await writeFile(findingsOut, JSON.stringify({ ...document, generatedAt: '' }));
  }
  const rules = snapshot.accounts.flatMap((a) => a.regions).flatMap((r) => r.securityGroups).reduce((n, g) => n + g.rules.length, 0);
  process.stdout.write(
    JSON.stringify({ instances, records, rules, floorMs, loadMs, analyzeMs, findings: document.findings.length, explainMs, evaluationOnlyMs, contexts: contexts.size, peakRssMb, phases }) + '\n',
  );
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    await child(Number(args[1]), args[2] as string, args[3] as 'write' | 'measure', args[4]);
    return;
  }
  const sizesArg = args.indexOf('--sizes');
  const sizes = sizesArg >= 0 ? (args[sizesArg + 1] ?? '').split(',').map(Number) : [1_000, 10_000, 50_000];
  // --dir keeps the generated snapshots there (and reuses them) so repeated runs skip generation.
  const dirArg = args.indexOf('--dir');
  const keptDir = dirArg >= 0 ? args[dirArg + 1] : undefined;
  // --findings DIR writes each size's findings document (generatedAt blanked) to compare before/after a change.
  const findingsArg = args.indexOf('--findings');
  const findingsDir = findingsArg >= 0 ? args[findingsArg + 1] : undefined;
  const dir = keptDir ?? (await mkdtemp(join(tmpdir(), 'sgaudit-bench-analyze-')));
  const rows: Record<string, number>[] = [];
  try {
    for (const instances of sizes) {
      const file = join(dir, `estate-${instances}.jsonl.gz`);
      const findingsFile = findingsDir ? [join(findingsDir, `findings-${instances}.json`)] : [];
      const run = (phase: string) => execFileSync(process.execPath, ['--import', 'tsx', SELF, '--child', String(instances), file, phase, ...findingsFile], { encoding: 'utf8', maxBuffer: 1 << 24, stdio: ['ignore', 'pipe', 'inherit'] });
      if (!keptDir || !existsSync(file)) run('write');
      const { phases, ...row } = JSON.parse(run('measure').trim()) as Record<string, number> & { phases: Record<string, number> };
      rows.push(row);
      const total = row.loadMs! + row.analyzeMs!;
      console.log(
        `${String(instances).padStart(6)} instances ${String(row.rules).padStart(7)} rules | stream-read floor ${(row.floorMs! / 1000).toFixed(2)}s | load ${(row.loadMs! / 1000).toFixed(2)}s | analyze ${(row.analyzeMs! / 1000).toFixed(2)}s | total ${(total / 1000).toFixed(2)}s (${(total / row.floorMs!).toFixed(2)}× floor; budget 3 s, 3×) | peak RSS ${row.peakRssMb!.toFixed(0)} MB (budget 1024) | ${row.findings} findings | explain ≤ ${row.explainMs!.toFixed(0)} ms (budget 200)`,
      );
      console.log(`       before any finding: load + evaluation alone ${((row.loadMs! + row.evaluationOnlyMs!) / 1000).toFixed(2)}s (${((row.loadMs! + row.evaluationOnlyMs!) / row.floorMs!).toFixed(2)}× floor; ${row.contexts} public ingress contexts)`);
      console.log(`       phases: ${Object.entries(phases).map(([phase, ms]) => `${phase} ${(ms / 1000).toFixed(2)}s`).join(' | ')}`);
    }
    if (rows.length > 1) {
      const first = rows[0]!;
      const last = rows.at(-1)!;
      const sizeRatio = last.instances! / first.instances!;
      const timeRatio = (last.loadMs! + last.analyzeMs!) / (first.loadMs! + first.analyzeMs!);
      console.log(`growth: ${sizeRatio.toFixed(0)}× the estate took ${timeRatio.toFixed(1)}× the time (linear = ${sizeRatio.toFixed(0)}×)`);
    }
  } finally {
    if (!keptDir) await rm(dir, { recursive: true, force: true });
  }
}

await main();
