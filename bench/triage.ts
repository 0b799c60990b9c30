/**
 * bench/triage — what a reader of the reports faces on generated estates: findings per severity,
 * how honest the critical ones are, root causes, and the size of the Markdown and HTML reports.
 *
 *   npx tsx bench/triage.ts                  # 10k and 50k instances
 *   npx tsx bench/triage.ts --sizes 10000
 *
 * Printed per size: findings per severity; public-exposure per severity × breadth; critical
 * findings whose sources are narrower than the internet (must be 0) and how many of them come
 * from 0.0.0.0/0 or ::/0; the number of root causes and the top five; Markdown lines (budget
 * < 300) and HTML bytes (budget ≤ 25 MB), with the time each took to render.
 */
import { specFor } from './estate-spec.js';

async function measure(instances: number): Promise<void> {
  const { generateEstate } = await import('../src/emulator/index.js');
  const { analyzeSnapshot } = await import('../src/analyze/engine.js');
  const { renderReport } = await import('../src/report/index.js');
  const estate = generateEstate(specFor(instances));
  let started = performance.now();
  const document = analyzeSnapshot({
    schema: 'sgaudit/snapshot@1',
    id: `bench-triage-${instances}`,
    takenAt: new Date().toISOString(),
    tool: { name: 'sgaudit', version: 'bench' },
    provider: 'alicloud',
    coverage: [],
    accounts: estate.accounts,
  });
  const analyzeSeconds = (performance.now() - started) / 1000;
  const exposure = document.findings.filter((finding) => finding.check === 'public-exposure');
  const matrix = new Map<string, number>();
  for (const finding of exposure) {
    const key = `${finding.severity}/${finding.breadth?.class ?? '?'}`;
    matrix.set(key, (matrix.get(key) ?? 0) + 1);
  }
  const critical = document.findings.filter((finding) => finding.severity === 'critical');
  const narrowCritical = critical.filter((finding) => finding.breadth?.class !== 'internet').length;
  const fromAnywhere = critical.filter((finding) => (finding.detail.sources ?? []).some((source) => source === '0.0.0.0/0' || source === '::/0')).length;
  started = performance.now();
  const markdown = renderReport('md', document);
  const markdownSeconds = (performance.now() - started) / 1000;
  started = performance.now();
  const html = renderReport('html', document);
  const htmlSeconds = (performance.now() - started) / 1000;
  const rootCauses = document.rootCauses ?? [];
  console.log(`${instances} instances: ${document.findings.length} findings, analyze ${analyzeSeconds.toFixed(2)}s`);
  console.log(`  by severity: ${Object.entries(document.summary.bySeverity).map(([severity, count]) => `${severity} ${count}`).join(', ')}`);
  console.log(`  public-exposure by severity/breadth: ${[...matrix].sort().map(([key, count]) => `${key} ${count}`).join(', ')}`);
  console.log(`  critical findings narrower than internet: ${narrowCritical} (must be 0); critical from 0.0.0.0/0 or ::/0: ${fromAnywhere} of ${critical.length}`);
  console.log(`  root causes: ${rootCauses.length} (${rootCauses.filter((cause) => cause.severity === 'critical').length} critical)`);
  for (const cause of rootCauses.slice(0, 5)) {
    console.log(`    ${cause.severity.padEnd(8)} ${cause.key} ${cause.exposes[0] ?? ''} from ${cause.sources.join(', ')} (${cause.breadth}) → ${cause.internetInterfaces} internet-facing interface(s), ${cause.findings} finding(s)`);
  }
  console.log(`  markdown: ${markdown.split('\n').length} lines (budget < 300), ${(markdownSeconds * 1000).toFixed(0)} ms | html: ${(Buffer.byteLength(html) / 1e6).toFixed(1)} MB (budget 25), ${(htmlSeconds * 1000).toFixed(0)} ms`);
}

const sizesArg = process.argv.indexOf('--sizes');
const sizes = sizesArg >= 0 ? (process.argv[sizesArg + 1] ?? '').split(',').map(Number) : [10_000, 50_000];
for (const size of sizes) await measure(size);
