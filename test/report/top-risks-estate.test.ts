import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { specFor } from '../../bench/estate-spec.js';
import { analyzeSnapshot } from '../../src/analyze/engine.js';
import { generateEstate } from '../../src/emulator/index.js';
import { SEVERITY_RANK, type FindingsDocument } from '../../src/model/findings.js';
import { SNAPSHOT_SCHEMA } from '../../src/model/snapshot.js';
import { renderHtml } from '../../src/report/index.js';
import { shouldSkipBrowserTests } from './chromium.js';
import { expectTopRisksFirst } from './top-risks-check.js';

/**
 * The triage promise on the 10,000-instance bench estate (bench/estate-spec.ts): the HTML report
 * opens on Top risks, root causes worst first (severity, then the internet-facing interfaces they
 * expose), every critical one listed.
 */
let dir: string;
let document: FindingsDocument;
let htmlPath: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sgaudit-top-risks-'));
  const estate = generateEstate(specFor(10_000));
  document = analyzeSnapshot({ schema: SNAPSHOT_SCHEMA, id: 'bench-10k', takenAt: '2026-01-01T00:00:00.000Z', tool: { name: 'sgaudit', version: 'test' }, provider: 'alicloud', coverage: [], accounts: estate.accounts }, { now: new Date('2026-01-01T00:00:00Z') });
  htmlPath = join(dir, 'findings.html');
  await writeFile(htmlPath, renderHtml(document));
}, 120_000);
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('Top risks on the 10,000-instance bench estate', () => {
  it('ranks root causes by severity, then internet-facing interfaces, and marks critical only what the internet reaches', () => {
    const causes = document.rootCauses ?? [];
    expect(causes.filter((cause) => cause.severity === 'critical').length).toBeGreaterThan(100);
    for (let i = 1; i < causes.length; i++) {
      const [before, after] = [causes[i - 1]!, causes[i]!];
      const order = SEVERITY_RANK[before.severity] - SEVERITY_RANK[after.severity] || before.internetInterfaces - after.internetInterfaces;
      expect(order, `${before.key} before ${after.key}`).toBeGreaterThanOrEqual(0);
    }
    expect(causes.filter((cause) => cause.severity === 'critical' && cause.breadth !== 'internet')).toEqual([]);
    expect(document.findings.filter((finding) => finding.severity === 'critical' && finding.breadth?.class !== 'internet').map((finding) => finding.id)).toEqual([]);
  });

  it.skipIf(shouldSkipBrowserTests())('shows them on the first screen of the HTML report in Chromium', async () => {
    await expectTopRisksFirst(document, htmlPath);
  }, 120_000);
});
