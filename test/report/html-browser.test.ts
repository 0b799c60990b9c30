import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding, FindingsDocument } from '../../src/model/findings.js';
import { renderHtml } from '../../src/report/html.js';
import { findingSection, hygieneSubject } from '../../src/report/sections.js';
import { CHROMIUM_PATH, launchChromium, shouldSkipBrowserTests } from './chromium.js';
import { loadFixture } from './helpers.js';
import { syntheticFindings } from './synthetic-findings.js';
import { expectTopRisksFirst } from './top-risks-check.js';

const skip = shouldSkipBrowserTests();
if (skip) console.warn(`skipping HTML browser tests: ${CHROMIUM_PATH} is missing (install Debian's chromium; in CI they always run)`);

interface PageLog {
  requests: string[];
  consoleErrors: string[];
  pageErrors: string[];
  dialogs: string[];
}

/** What each list of the page shows: finding cards, or collapsed hygiene groups. */
interface Shown {
  exposure: number;
  hygieneGroups: number;
  other: number;
  suppressed: number;
}

/** What the lists should show for the findings `keep` lets through, straight from the document. */
function expectedShown(doc: FindingsDocument, keep: (finding: Finding) => boolean): Shown {
  const kept = doc.findings.filter(keep);
  const active = kept.filter((finding) => !finding.suppressed);
  const subjects = new Set(
    active.filter((finding) => findingSection(finding) === 'hygiene').map((finding) => {
      const subject = hygieneSubject(finding);
      return `${subject.accountId}/${subject.regionId}/${subject.type}/${subject.id}`;
    }),
  );
  return {
    exposure: active.filter((finding) => findingSection(finding) === 'exposure').length,
    hygieneGroups: subjects.size,
    other: active.filter((finding) => findingSection(finding) === 'other').length,
    suppressed: kept.length - active.length,
  };
}

describe.skipIf(skip)('HTML report in headless Chromium', () => {
  let browser: Browser;
  let dir: string;
  let fixtureUrl: string;
  let bigUrl: string;
  const fixture = loadFixture();
  const big = syntheticFindings({ findings: 3000, seed: 7 });

  beforeAll(async () => {
    browser = await launchChromium();
    dir = mkdtempSync(join(tmpdir(), 'sgaudit-report-'));
    const fixturePath = join(dir, 'report.html');
    writeFileSync(fixturePath, renderHtml(fixture));
    fixtureUrl = pathToFileURL(fixturePath).href;
    const bigPath = join(dir, 'big.html');
    writeFileSync(bigPath, renderHtml(big, { pageSize: 25 }));
    bigUrl = pathToFileURL(bigPath).href;
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function open(url: string, viewport: { width: number; height: number } = { width: 1280, height: 1600 }): Promise<{ page: Page; log: PageLog }> {
    const page = await browser.newPage({ viewport });
    const log: PageLog = { requests: [], consoleErrors: [], pageErrors: [], dialogs: [] };
    page.on('request', (request) => log.requests.push(request.url()));
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') log.consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => log.pageErrors.push(error.message));
    page.on('dialog', (dialog) => {
      log.dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(url);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    return { page, log };
  }

  // The project compiles without the DOM lib, so page-side code is passed as strings or read through locators.
  async function attributeOfAll(page: Page, selector: string, attribute: string): Promise<string[]> {
    const values: string[] = [];
    for (const node of await page.locator(selector).all()) values.push((await node.getAttribute(attribute)) ?? '');
    return values;
  }
  const shown = async (page: Page): Promise<Shown> => ({
    exposure: await page.locator('#exposure-list article.finding').count(),
    hygieneGroups: await page.locator('#hygiene-list details.hygiene-group').count(),
    other: await page.locator('#other-list article.finding').count(),
    suppressed: await page.locator('#suppressed-list article.finding').count(),
  });
  const visibleSeverities = async (page: Page) => [
    ...(await attributeOfAll(page, '#exposure-list article.finding', 'data-severity')),
    ...(await attributeOfAll(page, '#other-list article.finding', 'data-severity')),
  ];
  // Not page.waitForFunction: with a string it evaluates through eval, which the report's CSP forbids.
  const waitForShown = (page: Page, expected: Shown) => expect.poll(() => shown(page), { timeout: 10_000, interval: 50 }).toEqual(expected);

  it('loads with no network request but the file, no console error, and hostile strings as inert text', async () => {
    const { page, log } = await open(fixtureUrl);
    try {
      await page.click('#coverage details > summary');
      mkdirSync('test-artifacts', { recursive: true });
      await page.screenshot({ path: 'test-artifacts/report.png', fullPage: true });
      expect(log.requests).toEqual([fixtureUrl]);
      expect(log.consoleErrors).toEqual([]);
      expect(log.pageErrors).toEqual([]);
      expect(log.dialogs).toEqual([]);
      expect(await page.locator('img').count()).toBe(0);
      expect(await page.locator('script').count()).toBe(2);
      const text = await page.locator('body').innerText();
      expect(text).toContain('{{7*7}} — 1.0.0.0/1 is half of the IPv4 internet');
      expect(text).not.toContain('49 —');
      expect(text).toContain('<script>alert("name")</script>');
      expect(text).toContain('"><img src=x onerror=alert(1)>');
      expect(text).toContain('<b>retry</b>');
      expect(await shown(page)).toEqual(expectedShown(fixture, () => true));
      expect(await page.locator('#suppressed-list').innerText()).toContain('Jump host, approved in SEC-1234');
      // Everything fits on one page, so no pager is shown.
      expect(await page.locator('#exposure-pager').isVisible()).toBe(false);
      const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
      expect(csp).toMatch(/^default-src 'none'; script-src 'sha256-[A-Za-z0-9+/]+=*'; style-src 'sha256-[A-Za-z0-9+/]+=*'; img-src data:; base-uri 'none'; form-action 'none'$/);
      // The stylesheet applied, so its hash matched (a blocked style leaves badges unstyled).
      expect(await page.evaluate("getComputedStyle(document.querySelector('.badge.sev-critical')).color")).toBe('rgb(255, 255, 255)');
    } finally {
      await page.close();
    }
  });

  it('enforces its CSP: a script injected at run time does not execute', async () => {
    const { page } = await open(fixtureUrl);
    try {
      const outcome = await page.evaluate(`new Promise((resolve) => {
        document.addEventListener('securitypolicyviolation', (event) => resolve({ ran: Boolean(window.pwned), violation: event.violatedDirective }));
        const script = document.createElement('script');
        script.textContent = 'window.pwned = true';
        document.body.appendChild(script);
      })`);
      expect(outcome).toEqual({ ran: false, violation: 'script-src-elem' });
    } finally {
      await page.close();
    }
  });

  it.each<[string, string, string, (finding: Finding) => boolean]>([
    ['severity', '#filter-severity', 'critical', (f) => f.severity === 'critical'],
    ['severity', '#filter-severity', 'info', (f) => f.severity === 'info'],
    ['check', '#filter-check', 'unused-group', (f) => f.check === 'unused-group'],
    ['check', '#filter-check', 'broad-rule', (f) => f.check === 'broad-rule'],
    ['account', '#filter-account', '9876543210987654', (f) => f.accountId === '9876543210987654'],
    ['region', '#filter-region', 'cn-shanghai', (f) => f.regionId === 'cn-shanghai'],
  ])('filters by %s (%s = %s) in every list', async (_name, selector, value, keep) => {
    const { page } = await open(fixtureUrl);
    try {
      await page.selectOption(selector, value);
      expect(await shown(page)).toEqual(expectedShown(fixture, keep));
      if (selector === '#filter-severity') expect(new Set(await visibleSeverities(page))).toEqual(new Set([value]));
      if (selector === '#filter-check') {
        const checks = [...(await attributeOfAll(page, '#exposure-list article.finding', 'data-check')), ...(await attributeOfAll(page, '#other-list article.finding', 'data-check'))];
        expect(checks.every((check) => check === value)).toBe(true);
      }
      await page.selectOption(selector, '');
      expect(await shown(page)).toEqual(expectedShown(fixture, () => true));
    } finally {
      await page.close();
    }
  });

  it('lists the accounts, and an account’s link filters every list to it', async () => {
    const { page } = await open(fixtureUrl);
    try {
      expect(await page.locator('#accounts tbody tr').count()).toBe(2);
      await page.click('#accounts a[data-account="9876543210987654"]');
      expect(await page.inputValue('#filter-account')).toBe('9876543210987654');
      await waitForShown(page, expectedShown(fixture, (f) => f.accountId === '9876543210987654'));
      await page.click('#accounts a[data-account="1234567890123456"]');
      await waitForShown(page, expectedShown(fixture, (f) => f.accountId === '1234567890123456'));
    } finally {
      await page.close();
    }
  });

  it('filters by free text across ids, messages, names, breadth and witness rules', async () => {
    const { page } = await open(fixtureUrl);
    try {
      const cases: [string, Shown][] = [
        ['eni-bp1db01', { exposure: 1, hygieneGroups: 0, other: 0, suppressed: 0 }],
        ['SGR-XACCT', { exposure: 0, hygieneGroups: 0, other: 0, suppressed: 1 }],
        ['{{7*7}}', { exposure: 1, hygieneGroups: 1, other: 0, suppressed: 0 }],
        ['internet: ::/0', { exposure: 1, hygieneGroups: 0, other: 0, suppressed: 0 }],
        ['i-bp1web01', { exposure: 1, hygieneGroups: 0, other: 0, suppressed: 0 }],
        ['no such thing anywhere', { exposure: 0, hygieneGroups: 0, other: 0, suppressed: 0 }],
      ];
      for (const [text, expected] of cases) {
        await page.fill('#filter-text', text);
        await waitForShown(page, expected);
      }
      await page.fill('#filter-text', '');
      await page.selectOption('#filter-severity', 'high');
      await page.fill('#filter-text', 'eni');
      await waitForShown(page, { exposure: 1, hygieneGroups: 0, other: 1, suppressed: 1 });
      expect(new Set(await visibleSeverities(page))).toEqual(new Set(['high']));
      expect(await page.locator('#exposure-status').innerText()).toContain('of 1 matching');
    } finally {
      await page.close();
    }
  });

  it('still shows coverage and Top risks where the data cannot be unpacked, and says why the lists are empty', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      await page.addInitScript('delete window.DecompressionStream');
      await page.goto(fixtureUrl);
      const problem = page.locator('#data-problem');
      await expect.poll(() => problem.isVisible()).toBe(true);
      expect(await problem.innerText()).toMatch(/^The findings could not be unpacked in this browser \(.+\)\. The CSV, JSON and SARIF reports hold the same findings\.$/);
      expect(await page.locator('#top-risks details.risk').count()).toBe(fixture.rootCauses?.length);
      expect(await page.locator('#coverage').isVisible()).toBe(true);
    } finally {
      await page.close();
    }
  });

  it('opens a top risk to the interfaces it exposes, with their witness rules', async () => {
    const { page } = await open(fixtureUrl);
    try {
      const risk = page.locator('#top-risks details.risk[data-key="sg-bp1web/sgr-ssh"]');
      expect(await risk.locator('.risk-findings table.interfaces').count()).toBe(0);
      await risk.locator('summary').click();
      const table = risk.locator('.risk-findings table.interfaces');
      await expect.poll(() => table.count()).toBe(1);
      const row = await table.locator('tbody tr').innerText();
      for (const text of ['eni-bp1web01', 'i-bp1web01 (web-01)', '47.96.1.10', 'internet: 0.0.0.0/0']) expect(row).toContain(text);
      const witnesses = await risk.locator('.risk-findings table.evidence').innerText();
      expect(witnesses).toContain('sgr-deny-telnet');
      expect(witnesses).toContain('<script>alert("name")</script>');
    } finally {
      await page.close();
    }
  });

  it('shows breadth on every exposure finding', async () => {
    const { page } = await open(bigUrl);
    try {
      const cards = page.locator('#exposure-list article.finding');
      expect(await cards.count()).toBe(25);
      for (const card of await cards.all()) expect(await card.locator('header .tag.breadth').innerText()).toMatch(/^breadth: (internet|wide|allow-listed)$/);
    } finally {
      await page.close();
    }
  });

  it('collapses hygiene findings per security group and opens a group to its findings', async () => {
    const { page } = await open(bigUrl);
    try {
      const groups = page.locator('#hygiene-list details.hygiene-group');
      expect(await groups.count()).toBe(25);
      expect(await page.locator('#hygiene-list article.finding').count()).toBe(0);
      const first = groups.first();
      const count = Number(/(\d+) findings?:/.exec(await first.locator('summary').innerText())?.[1]);
      await first.locator('summary').click();
      await expect.poll(() => first.locator('article.finding').count()).toBe(Math.min(count, 50));
      const subject = await first.getAttribute('data-subject');
      for (const card of await first.locator('article.finding').all()) expect(await card.innerText()).toContain(subject ?? '?');
    } finally {
      await page.close();
    }
  });

  it('paginates a large document and groups each page by root cause and resource', async () => {
    const { page, log } = await open(bigUrl);
    try {
      expect(await page.locator('#exposure-list article.finding').count()).toBe(25);
      expect(await page.locator('#exposure-pager').isVisible()).toBe(true);
      const firstPage = await attributeOfAll(page, '#exposure-list article.finding', 'data-id');
      await page.click('#exposure-next');
      const secondPage = await attributeOfAll(page, '#exposure-list article.finding', 'data-id');
      expect(secondPage).toHaveLength(25);
      expect(secondPage.filter((id) => firstPage.includes(id))).toEqual([]);
      expect(await page.locator('#exposure-page').innerText()).toMatch(/^Page 2 of \d+$/);
      expect(await page.locator('#exposure-list section.group-block').count()).toBeGreaterThan(0);
      expect(await page.locator('#exposure-list .resource-group').count()).toBeGreaterThan(0);
      expect(await page.locator('#exposure-list section.group-block h4').first().innerText()).toMatch(/Root cause: sg-/);
      await page.selectOption('#filter-severity', 'critical');
      expect(await page.locator('#exposure-page').innerText()).toMatch(/^Page 1 of /);
      expect(new Set(await visibleSeverities(page))).toEqual(new Set(['critical']));
      expect(await page.locator('img').count()).toBe(0);
      expect(log.dialogs).toEqual([]);
      expect(log.consoleErrors).toEqual([]);
      expect(log.requests).toEqual([bigUrl]);
    } finally {
      await page.close();
    }
  });

  it('shows the groups of an interface with too many: ids and names, not empty rule columns', async () => {
    const groups = ['sg-a', 'sg-b', 'sg-c', 'sg-d', 'sg-e', 'sg-f'];
    // As the too-many-groups check writes them: one context entry per group, named when the group is known.
    const doc: FindingsDocument = {
      ...fixture,
      findings: fixture.findings.map((finding) =>
        finding.check === 'too-many-groups' ? { ...finding, evidence: groups.map((groupId, i) => ({ role: 'context' as const, groupId, ...(i === 5 ? {} : { groupName: `name of ${groupId}` }) })) } : finding,
      ),
    };
    const path = join(dir, 'too-many-groups.html');
    writeFileSync(path, renderHtml(doc));
    const { page } = await open(pathToFileURL(path).href);
    try {
      const group = page.locator('#hygiene-list details.hygiene-group[data-subject="eni-uf6app02"]');
      await group.locator('summary').click();
      const card = group.locator('article.finding[data-check="too-many-groups"]');
      await expect.poll(() => card.count()).toBe(1);
      expect(await card.locator('details.witness > summary').innerText()).toBe('Security groups: 6');
      expect(await card.locator('table.evidence').count()).toBe(0);
      const rows = [];
      for (const row of await card.locator('table.groups tbody tr').all()) rows.push(await row.locator('td').allInnerTexts());
      expect(rows).toEqual(groups.map((groupId, i) => [groupId, i === 5 ? '' : `name of ${groupId}`]));
      expect(await card.innerText()).not.toContain('Evidence:');
    } finally {
      await page.close();
    }
  });

  it('shows each check’s fix once, in the checks table its findings link to, never under each finding', async () => {
    const { page } = await open(fixtureUrl);
    try {
      for (const summary of await page.locator('#hygiene-list details.hygiene-group > summary').all()) await summary.click();
      await expect.poll(() => page.locator('#hygiene-list article.finding').count()).toBe(fixture.findings.filter((f) => !f.suppressed && findingSection(f) === 'hygiene').length);
      expect(await page.locator('article.finding .remediation, article.finding .docs').count()).toBe(0);
      const text = await page.locator('main').textContent();
      for (const check of fixture.checks) expect(text?.split(check.remediation).length, check.id).toBeLessThanOrEqual(2);
      // A finding's title leads to its check's row, and opens the folded checks table.
      expect(await page.locator('#checks').getAttribute('open')).toBeNull();
      await page.locator('#other-list article.finding[data-check="public-ip-internal-tier"] a.title').click();
      expect(await page.locator('#checks').getAttribute('open')).not.toBeNull();
      expect(await page.locator('#check-public-ip-internal-tier').isVisible()).toBe(true);
      expect(await page.locator('#check-public-ip-internal-tier a').getAttribute('href')).toBe('docs/checks/public-ip-internal-tier.md');
    } finally {
      await page.close();
    }
  });

  it('lists a drift report’s changes by kind, new exposure first, with no exposure or hygiene list', async () => {
    const doc: FindingsDocument = { ...fixture, checks: fixture.checks.filter((check) => check.id === 'drift'), findings: fixture.findings.filter((finding) => finding.check === 'drift'), rootCauses: [] };
    const path = join(dir, 'drift.html');
    writeFileSync(path, renderHtml(doc));
    const { page, log } = await open(pathToFileURL(path).href);
    try {
      expect(await page.locator('h1').innerText()).toBe(`sgaudit drift report: ${doc.baselineId ?? ''} → ${doc.snapshotId}`);
      expect(await page.locator('#exposure, #hygiene, #top-risks').count()).toBe(0);
      const blocks = await page.locator('#other-list section.group-block > h4').allInnerTexts();
      expect(blocks[0]).toMatch(/^drift: new-exposure — /);
      expect(blocks).toHaveLength(new Set(doc.findings.map((finding) => finding.detail.extra?.['kind'])).size);
      expect(log.pageErrors).toEqual([]);
      expect(log.consoleErrors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it.each<[string, () => FindingsDocument]>([
    ['the fixture', () => fixture],
    ['3,000 synthetic findings with more critical root causes than the first screen holds', () => big],
    ['a document without root causes (rebuilt from critical findings)', () => syntheticFindings({ findings: 3000, seed: 7, rootCauses: false })],
  ])('shows Top risks on the 1280×800 first screen, in rank order, every critical root cause listed: %s', async (name, load) => {
    const doc = load();
    const path = join(dir, `first-screen-${name.length}.html`);
    writeFileSync(path, renderHtml(doc));
    await expectTopRisksFirst(doc, path, browser);
  });
});
