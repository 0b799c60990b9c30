/**
 * A mixed scan end to end: the demo's estate (two Alibaba accounts, one Huawei) collected through
 * both clouds' real SDKs from one emulator, into one snapshot, one findings document and one set
 * of reports, each naming the provider; the HTML report's provider column checked in Chromium.
 */
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explain, formatExplanation } from '../../src/analyze/explain.js';
import { PolicyEvaluator } from '../../src/analyze/net/evaluator.js';
import { SnapshotView } from '../../src/analyze/view.js';
import { parseConfigText } from '../../src/config/load.js';
import type { FindingsDocument } from '../../src/model/findings.js';
import { readSnapshot } from '../../src/model/snapshot-file.js';
import { DEMO_CREDENTIALS, huaweiProjectId, mixedSampleEstate, startEmulator } from '../../src/emulator/index.js';
import { runDemo } from '../../src/pipeline/demo.js';
import { runScan } from '../../src/pipeline/scan.js';
import { withTempDir } from '../collect/helpers.js';
import { launchChromium, shouldSkipBrowserTests } from '../report/chromium.js';

const HUAWEI = 'hw-0a1b2c3d4e5f6071';

describe('mixed Alibaba + Huawei scan (sgaudit demo)', () => {
  let result: Awaited<ReturnType<typeof runDemo>>;
  let release: () => void = () => undefined;
  let done: Promise<void>;

  beforeAll(async () => {
    // One demo run for every assertion: the workspace lives until afterAll.
    let ready: (value: Awaited<ReturnType<typeof runDemo>>) => void = () => undefined;
    const started = new Promise<Awaited<ReturnType<typeof runDemo>>>((resolve) => (ready = resolve));
    done = withTempDir(async (dir) => {
      ready(await runDemo({ config: parseConfigText('', undefined), dir }));
      await new Promise<void>((resolve) => (release = resolve));
    });
    result = await started;
  }, 60_000);
  afterAll(async () => {
    release();
    await done;
  });

  it('one snapshot holds both clouds, every scope complete', async () => {
    const snapshot = await readSnapshot(result.snapshotPath);
    expect(snapshot.provider).toBe('mixed');
    expect(snapshot.accounts.map((account) => [account.accountId, account.provider ?? 'alicloud'])).toContainEqual([HUAWEI, 'huaweicloud']);
    expect(snapshot.accounts.filter((account) => (account.provider ?? 'alicloud') === 'alicloud')).toHaveLength(2);
    expect(snapshot.coverage.filter((entry) => entry.status !== 'complete')).toEqual([]);
    expect(snapshot.coverage.filter((entry) => entry.accountId === HUAWEI).every((entry) => entry.provider === 'huaweicloud')).toBe(true);
  });

  it('the Huawei findings follow seed 002: the port sequence decides, multiport and address groups are exact, a disabled rule admits nothing', () => {
    const doc: FindingsDocument = result.document;
    const huawei = doc.findings.filter((finding) => finding.accountId === HUAWEI);
    const exposed = (resource: string, port: number) =>
      huawei.some((f) => f.check === 'public-exposure' && f.resource.id === resource && f.detail.protocol === 'tcp' && (f.detail.ports?.from ?? 0) <= port && port <= (f.detail.ports?.to ?? 0));
    // web01 lists the lockdown group second: the web group's allow decides SSH first.
    expect(exposed('hw-port-web01', 22)).toBe(true);
    // web02 lists it first: its deny decides, SSH is closed; RDP from the same multiport rule is open on both.
    expect(exposed('hw-port-web02', 22)).toBe(false);
    expect(exposed('hw-port-web01', 3389) && exposed('hw-port-web02', 3389)).toBe(true);
    // Ports between the multiport rule's ranges stay closed.
    expect(exposed('hw-port-web01', 23)).toBe(false);
    // MySQL reaches the partners' address group only (allow-listed, low); the disabled allow-all adds nothing.
    const db = huawei.filter((f) => f.check === 'public-exposure' && f.resource.id === 'hw-port-db01');
    expect(db.map((f) => [f.detail.protocol, f.detail.ports, f.severity])).toEqual([['tcp', { from: 3306, to: 3306 }, 'low']]);
    expect(huawei.some((f) => f.check === 'unused-group' && f.resource.id === 'hw-sg-unused')).toBe(true);
    // A disabled rule is neither broad, nor shadowed, nor exposing: it does nothing.
    expect(huawei.filter((f) => f.resource.id === 'hw-rule-db-anything' || f.message.includes('hw-rule-db-anything'))).toEqual([]);
    expect(huawei.find((f) => f.check === 'public-exposure' && f.resource.id === 'hw-port-web01' && f.detail.ports?.from === 22)?.severity).toBe('critical');
  });

  it('explain answers for a Huawei port with its ordering and deciding rule', async () => {
    const view = new SnapshotView(await readSnapshot(result.snapshotPath));
    const text = formatExplanation(explain(new PolicyEvaluator(view), { target: 'hw-port-web02', direction: 'ingress', packet: { protocol: 'tcp', port: 22, address: '8.8.8.8' } }));
    expect(text).toContain("groups (Huawei: in the port's sequence, each group by priority; deny wins ties): hw-sg-lockdown");
    expect(text).toMatch(/tcp 22 from 8\.8\.8\.8: DROP\n\s+decides hw-sg-lockdown \(ops-lockdown\) rule hw-rule-lockdown-ssh/);
  });

  it('the Huawei secret key is in no file the scan wrote', async () => {
    const secret = `sgaudit-demo-huawei-secret-${HUAWEI}`;
    for (const path of [result.snapshotPath, result.findingsPath, ...result.reportPaths]) {
      const bytes = await readFile(path);
      const text = path.endsWith('.gz') ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
      expect(text.includes(secret), path).toBe(false);
    }
  });

  it('CSV, SARIF and Markdown name the provider', async () => {
    const csvPath = result.reportPaths.find((path) => path.endsWith('.csv')) as string;
    const rows = parse(await readFile(csvPath, 'utf8'), { columns: true }) as Record<string, string>[];
    expect(new Set(rows.filter((row) => row.account === HUAWEI).map((row) => row.provider))).toEqual(new Set(['huaweicloud']));
    expect(new Set(rows.filter((row) => row.account !== HUAWEI).map((row) => row.provider))).toEqual(new Set(['alicloud']));
    const sarif = JSON.parse(await readFile(result.reportPaths.find((path) => path.endsWith('.sarif')) as string, 'utf8')) as { runs: { results: { properties: { accountId: string; provider: string } }[] }[] };
    expect(sarif.runs[0]!.results.filter((r) => r.properties.accountId === HUAWEI).every((r) => r.properties.provider === 'huaweicloud')).toBe(true);
    const md = await readFile(result.reportPaths.find((path) => path.endsWith('.md')) as string, 'utf8');
    expect(md).toMatch(new RegExp(`\\| \`${HUAWEI}\` \\| huawei-prod \\| Huawei Cloud \\|`));
  });

  it.skipIf(shouldSkipBrowserTests())('the HTML report shows each account’s provider in headless Chromium', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(pathToFileURL(result.htmlPath).href);
      const providers = await page.$$eval('table.account-table tbody tr', (rows) =>
        rows.map((row) => [row.querySelector('code')?.textContent ?? '', row.querySelector('td.provider')?.textContent ?? '']),
      );
      expect(providers).toContainEqual([HUAWEI, 'Huawei Cloud']);
      expect(providers.filter(([, provider]) => provider === 'Alibaba Cloud')).toHaveLength(2);
      expect(await page.isVisible(`#account-${HUAWEI} td.provider`)).toBe(true);
    } finally {
      await browser.close();
    }
  });
});

describe('sgaudit scan with both providers in sgaudit.yaml', () => {
  it('one snapshot, one findings document, one report; the Huawei keys from the environment named in the config', async () => {
    const emulator = await startEmulator({ estate: mixedSampleEstate() });
    const key = emulator.huaweiCredentials()[0]!;
    const saved = { ak: process.env.HW_TEST_AK, sk: process.env.HW_TEST_SK };
    process.env.HW_TEST_AK = key.accessKeyId;
    process.env.HW_TEST_SK = key.secretAccessKey;
    try {
      const config = parseConfigText(
        [
          'accounts:',
          '  - { id: "1234567890123456", alias: production }',
          'huaweicloud:',
          `  endpoint: ${emulator.url}`,
          '  accounts:',
          `    - { id: ${HUAWEI}, alias: huawei-prod, accessKeyIdEnv: HW_TEST_AK, secretAccessKeyEnv: HW_TEST_SK, projects: { cn-north-4: ${huaweiProjectId(HUAWEI, 'cn-north-4')} } }`,
        ].join('\n'),
        'sgaudit.yaml',
      );
      await withTempDir(async (dir) => {
        const scan = await runScan({ config, endpoint: emulator.url, credentials: { ...DEMO_CREDENTIALS }, regions: ['cn-hangzhou'], storeDir: `${dir}/snapshots`, outDir: `${dir}/reports`, formats: ['md'], baseline: 'none' });
        expect(scan.incomplete).toBe(0);
        const accounts = (await readSnapshot(scan.snapshotPath)).accounts;
        expect(new Map(accounts.map((account) => [account.accountId, account.provider ?? 'alicloud']))).toEqual(
          new Map([
            ['1234567890123456', 'alicloud'],
            [HUAWEI, 'huaweicloud'],
          ]),
        );
        expect(new Set(scan.document.findings.map((finding) => finding.accountId))).toEqual(new Set(['1234567890123456', HUAWEI]));
        expect(scan.reportPaths.filter((path) => path.endsWith('.md'))).toHaveLength(1);
      });
    } finally {
      process.env.HW_TEST_AK = saved.ak;
      process.env.HW_TEST_SK = saved.sk;
      if (saved.ak === undefined) delete process.env.HW_TEST_AK;
      if (saved.sk === undefined) delete process.env.HW_TEST_SK;
      await emulator.close();
    }
  }, 60_000);
});
