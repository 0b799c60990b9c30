/**
 * Report benchmark: `npx tsx bench/report.ts [findings]` (default 50,000).
 * Budgets (DESIGN.md): HTML renders in ≤ 3 s, is ≤ 25 MB, and is interactive in headless Chromium
 * in ≤ 2 s. The machine is shared and noisy, so times are also printed as a ratio to a floor
 * measured in the same run: JSON.stringify of the same findings document.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { renderCsv } from '../src/report/csv.js';
import { renderHtml } from '../src/report/html.js';
import { renderMarkdown } from '../src/report/markdown.js';
import { renderSarif } from '../src/report/sarif.js';
import { chromiumAvailable, launchChromium } from '../test/report/chromium.js';
import { syntheticFindings } from '../test/report/synthetic-findings.js';

const BUDGET = { renderMs: 3000, bytes: 25 * 1024 * 1024, interactiveMs: 2000 };
const count = Number(process.argv[2] ?? 50_000);
const outDir = join('bench', 'out');

function timed<T>(run: () => T): { value: T; ms: number } {
  const started = performance.now();
  const value = run();
  return { value, ms: performance.now() - started };
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const ms = (value: number) => `${Math.round(value)} ms`;

const doc = syntheticFindings({ findings: count, seed: 2025 });
const floor = timed(() => JSON.stringify(doc));
const html = timed(() => renderHtml(doc));
const htmlWarm = timed(() => renderHtml(doc));
const htmlBytes = Buffer.byteLength(html.value);
const markdown = timed(() => renderMarkdown(doc));
const csv = timed(() => renderCsv(doc));
const sarif = timed(() => renderSarif(doc));

mkdirSync(outDir, { recursive: true });
const htmlPath = join(outDir, `report-${count}.html`);
writeFileSync(htmlPath, html.value);

console.log(`findings: ${count} (${doc.findings.filter((f) => f.suppressed).length} suppressed); floor JSON.stringify: ${ms(floor.ms)} → ${mb(floor.value.length)}`);
console.log(`HTML render: ${ms(html.ms)} cold (templates compiled), ${ms(htmlWarm.ms)} warm; ${(html.ms / floor.ms).toFixed(1)}× floor  [budget ${ms(BUDGET.renderMs)}]`);
console.log(`HTML size: ${mb(htmlBytes)} (${htmlBytes} bytes)  [budget ${mb(BUDGET.bytes)}]`);
console.log(`Markdown: ${ms(markdown.ms)}, ${markdown.value.length} chars`);
console.log(`CSV: ${ms(csv.ms)}, ${mb(Buffer.byteLength(csv.value))}; SARIF: ${ms(sarif.ms)}, ${mb(Buffer.byteLength(sarif.value))}`);

let interactiveMs: number | undefined;
if (!chromiumAvailable()) {
  console.log('Chromium: /usr/bin/chromium missing, interactive time not measured');
} else {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const started = performance.now();
    await page.goto(pathToFileURL(htmlPath).href, { waitUntil: 'commit' });
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    const wall = performance.now() - started;
    const inPage = (await page.evaluate("performance.getEntriesByName('sgaudit-ready')[0].startTime")) as number;
    const filterStarted = performance.now();
    await page.selectOption('#filter-severity', 'critical');
    const filterMs = performance.now() - filterStarted;
    const shown = await page.locator('#exposure-status').innerText();
    interactiveMs = Math.max(wall, inPage);
    console.log(`Chromium interactive: ${ms(inPage)} by the page's clock, ${ms(wall)} wall from navigation  [budget ${ms(BUDGET.interactiveMs)}]`);
    console.log(`Chromium filter severity=critical: ${ms(filterMs)} → "${shown}"${errors.length ? `; page errors: ${errors.join('; ')}` : ''}`);
  } finally {
    await browser.close();
  }
}

const failures = [
  html.ms > BUDGET.renderMs && `render ${ms(html.ms)} > ${ms(BUDGET.renderMs)}`,
  htmlBytes > BUDGET.bytes && `size ${mb(htmlBytes)} > ${mb(BUDGET.bytes)}`,
  interactiveMs !== undefined && interactiveMs > BUDGET.interactiveMs && `interactive ${ms(interactiveMs)} > ${ms(BUDGET.interactiveMs)}`,
].filter(Boolean);
console.log(failures.length ? `OVER BUDGET: ${failures.join('; ')}` : 'all report budgets met');
process.exitCode = failures.length ? 1 : 0;
