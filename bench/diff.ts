/**
 * Diff benchmark: two generated snapshots of 50,000 instances / 200,000 rules with ~1 % changes.
 * Budget (DESIGN.md): diff including reading both files in ≤ 2 s and ≤ 1 GB RSS, ≤ 2× one
 * analyze. Files are written first; each measurement runs in a fresh child process so peak RSS is
 * that of the measured work alone. Run: `npx tsx bench/diff.ts [instances]`
 * or `npx tsx bench/diff.ts --files OLD NEW` to reuse two snapshots. KEEP=1 keeps the generated
 * files (their directory is printed); ONLY_WRITE=1 stops after writing them;
 * `npx tsx bench/diff.ts --measure read|analyze|structural|diff|prune OLD NEW` measures one thing.
 * `diff` is what `sgaudit diff` runs (diffFiles: both files read with readSnapshotPair, drift with
 * exposure, the findings document).
 * The mutation is heavier than "1 % of resources": about 10 % of groups lose or change a rule, so
 * about a quarter of the instances have changed exposure inputs.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeSnapshot } from '../src/analyze/engine.js';
import { computeDrift, driftDocument } from '../src/analyze/drift/index.js';
import { diffFiles } from '../src/analyze/drift/load.js';
import { changedExposureEnis, pruneToChangedUnits } from '../src/analyze/drift/exposure-prune.js';
import { SnapshotView } from '../src/analyze/view.js';
import { generateEstate } from '../src/emulator/generate.js';
import type { Snapshot } from '../src/model/snapshot.js';
import { readSnapshot, readSnapshotPair, writeSnapshot } from '../src/model/snapshot-file.js';

type Mode = 'read' | 'analyze' | 'diff' | 'structural' | 'prune';

async function measure(mode: Mode, oldPath: string, newPath: string): Promise<void> {
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  let detail: Record<string, unknown> = {};
  if (mode === 'read') {
    await readSnapshot(newPath);
  } else if (mode === 'prune') {
    const [baseline, current] = [await readSnapshot(oldPath), await readSnapshot(newPath)];
    const pruned = pruneToChangedUnits(baseline, current);
    const regions = pruned.current.accounts.flatMap((a) => a.regions);
    // What exposure drift evaluates: the changed ENIs (those of changedUnits whose own inputs or groups changed).
    const changedEnis = changedExposureEnis(new SnapshotView(baseline), new SnapshotView(current)).size;
    detail = { units: pruned.units, changedUnits: pruned.changedUnits.size, changedEnis, keptInstances: regions.reduce((sum, r) => sum + r.instances.length, 0), keptEnis: regions.reduce((sum, r) => sum + r.networkInterfaces.length, 0) };
  } else if (mode === 'analyze') {
    const snapshot = await readSnapshot(newPath);
    detail = { findings: analyzeSnapshot(snapshot).findings.length };
  } else if (mode === 'structural') {
    const [baseline, current] = await readSnapshotPair(oldPath, newPath);
    const loaded = performance.now();
    const drift = computeDrift(baseline, current, { exposure: false });
    const computed = performance.now();
    const document = driftDocument(current, drift);
    detail = { readMs: Math.round(loaded - start), diffMs: Math.round(computed - loaded), documentMs: Math.round(performance.now() - computed), findings: document.findings.length };
  } else {
    const document = await diffFiles(oldPath, newPath);
    const kinds: Record<string, number> = {};
    for (const finding of document.findings) kinds[String(finding.detail.extra?.kind)] = (kinds[String(finding.detail.extra?.kind)] ?? 0) + 1;
    detail = { findings: document.findings.length, kinds };
  }
  const ms = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  process.stdout.write(JSON.stringify({ mode, ms: Math.round(ms), cpuMs: Math.round((cpu.user + cpu.system) / 1000), peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024), ...detail }));
}

/** ~1 % of everything changes: rule ports, rules removed and added, groups, memberships, public IPs, EIPs. */
function mutate(baseline: Snapshot): Snapshot {
  const current = structuredClone(baseline);
  current.id = 'bench-new';
  current.takenAt = '2026-11-20T02:00:00Z';
  let n = 0;
  for (const account of current.accounts) {
    for (const region of account.regions) {
      for (const group of region.securityGroups) {
        n++;
        if (n % 100 === 0) group.name = `${group.name}-renamed`;
        group.rules = group.rules.filter((_, i) => (n * 31 + i) % 200 !== 0);
        for (const [i, rule] of group.rules.entries()) {
          if ((n * 17 + i) % 200 === 0 && (rule.protocol === 'tcp' || rule.protocol === 'udp')) rule.ports = { from: rule.ports.to === 65535 ? 1 : rule.ports.to + 1, to: rule.ports.to === 65535 ? 1 : rule.ports.to + 1 };
        }
        if (n % 50 === 0) group.rules.push({ id: `sgr-bench-${n}`, direction: 'ingress', policy: 'accept', priority: 1, protocol: 'tcp', ports: { from: 3389, to: 3389 }, source: { cidr: '0.0.0.0/0' } });
      }
      region.securityGroups = region.securityGroups.filter((_, i) => i % 100 !== 7);
      region.networkInterfaces.forEach((eni, i) => {
        if (i % 100 === 3 && eni.securityGroupIds.length > 1) eni.securityGroupIds = eni.securityGroupIds.slice(1);
      });
      region.instances.forEach((instance, i) => {
        if (i % 100 === 5) instance.publicIps = instance.publicIps.length ? [] : [`198.51.100.${i % 250}`];
      });
      region.eips.forEach((eip, i) => {
        if (i % 100 === 9) delete eip.boundInstanceId;
      });
    }
  }
  return current;
}

async function main(): Promise<void> {
  const [, , first, ...rest] = process.argv;
  if (first === '--measure') {
    const [mode, oldPath, newPath] = rest as [Mode, string, string];
    await measure(mode, oldPath, newPath);
    return;
  }
  const given = first === '--files' ? (rest as [string, string]) : undefined;
  const instances = Number(given ? 50_000 : (first ?? 50_000));
  const dir = given ? undefined : await mkdtemp(join(tmpdir(), 'sgaudit-bench-diff-'));
  try {
    const [oldPath, newPath] = given ?? [join(dir as string, 'old.jsonl.gz'), join(dir as string, 'new.jsonl.gz')];
    if (!given) {
      const genStart = performance.now();
      const estate = generateEstate({ instances, groups: instances / 5, rulesPerGroup: 20, enis: Math.round(instances * 1.2), eips: instances / 5, seed: 7 });
      const baseline: Snapshot = { schema: 'sgaudit/snapshot@1', id: 'bench-old', takenAt: '2026-11-01T02:00:00Z', tool: { name: 'sgaudit', version: 'bench' }, provider: 'alicloud', coverage: [], accounts: estate.accounts };
      await writeSnapshot(oldPath, baseline);
      await writeSnapshot(newPath, mutate(baseline));
      const rules = baseline.accounts.flatMap((a) => a.regions).reduce((sum, r) => sum + r.securityGroups.reduce((s, g) => s + g.rules.length, 0), 0);
      console.log(`estate: ${instances} instances, ${rules} rules (generated and written in ${Math.round(performance.now() - genStart)} ms)`);
    }
    const self = fileURLToPath(import.meta.url);
    if (process.env.ONLY_WRITE) return;
    type Row = { ms: number; cpuMs: number; peakRssMb: number } & Record<string, unknown>;
    const run = (mode: Mode) => JSON.parse(execFileSync(process.execPath, [...process.execArgv, self, '--measure', mode, oldPath, newPath], { encoding: 'utf8', maxBuffer: 1 << 24 })) as Row;
    const line = (label: string, row: Row) => `${label.padEnd(44)} ${String(row.ms).padStart(6)} ms wall, ${String(row.cpuMs).padStart(6)} ms CPU, peak RSS ${row.peakRssMb} MB`;
    const read = run('read');
    const analyze = run('analyze');
    const structural = run('structural');
    const diff = run('diff');
    console.log(line('read one snapshot', read));
    console.log(`${line('analyze one (read incl.)', analyze)}, ${String(analyze.findings)} findings`);
    console.log(`${line('structural diff (reads incl.)', structural)} ${JSON.stringify({ readMs: structural.readMs, diffMs: structural.diffMs, documentMs: structural.documentMs })}`);
    console.log(`${line('full diff with exposure (sgaudit diff)', diff)}, ${String(diff.findings)} findings`);
    console.log(`  kinds ${JSON.stringify(diff.kinds)}`);
    console.log(`ratio full diff / analyze: ${(diff.ms / analyze.ms).toFixed(2)} (budget ≤ 2)`);
    console.log(`budget ≤ 2000 ms and ≤ 1024 MB: ${diff.ms <= 2000 && diff.peakRssMb <= 1024 ? 'met' : 'NOT met'}`);
  } finally {
    if (dir) {
      if (!process.env.KEEP) await rm(dir, { recursive: true, force: true });
      else console.log(dir);
    }
  }
}

await main();
