import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/html.js';
import { CHROMIUM_PATH, launchChromium, shouldSkipBrowserTests } from './chromium.js';
import { loadFixture } from './helpers.js';
import { syntheticFindings } from './synthetic-findings.js';

const skip = shouldSkipBrowserTests();
if (skip) console.warn(`skipping HTML browser tests: ${CHROMIUM_PATH} is missing (install Debian's chromium; in CI they always run)`);

interface PageLog {
  requests: string[];
  consoleErrors: string[];
  pageErrors: string[];
  dialogs: string[];
}

describe.skipIf(skip)('HTML report in headless Chromium', () => {
  let browser: Browser;
  let dir: string;
  let fixtureUrl: string;
  let bigUrl: string;

  beforeAll(async () => {
    browser = await launchChromium();
    dir = mkdtempSync(join(tmpdir(), 'sgaudit-report-'));
    const fixturePath = join(dir, 'report.html');
    writeFileSync(fixturePath, renderHtml(loadFixture()));
    fixtureUrl = pathToFileURL(fixturePath).href;
    const bigPath = join(dir, 'big.html');
    writeFileSync(bigPath, renderHtml(syntheticFindings({ findings: 3000, seed: 7 }), { pageSize: 25 }));
    bigUrl = pathToFileURL(bigPath).href;
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function open(url: string): Promise<{ page: Page; log: PageLog }> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
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
  const visibleSeverities = (page: Page, list: string) => attributeOfAll(page, `#${list}-list article.finding`, 'data-severity');
  // Not page.waitForFunction: with a string it evaluates through eval, which the report's CSP forbids.
  const waitForCount = (page: Page, list: string, count: number) =>
    expect.poll(() => page.locator(`#${list}-list article.finding`).count(), { timeout: 10_000, interval: 50 }).toBe(count);

  it('loads with no network request but the file, no console error, and hostile strings as inert text', async () => {
    const { page, log } = await open(fixtureUrl);
    try {
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
      expect(await page.locator('#active-list article.finding').count()).toBe(18);
      expect(await page.locator('#suppressed-list article.finding').count()).toBe(2);
      expect(await page.locator('#suppressed-list').innerText()).toContain('Jump host, approved in SEC-1234');
      // Everything fits on one page, so no pager is shown.
      expect(await page.locator('#active-pager').isVisible()).toBe(false);
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

  it.each([
    ['severity', '#filter-severity', 'critical', 2, 0],
    ['severity', '#filter-severity', 'info', 1, 1],
    ['check', '#filter-check', 'unused-group', 2, 0],
    ['account', '#filter-account', '9876543210987654', 7, 2],
    ['region', '#filter-region', 'cn-shanghai', 7, 2],
  ])('filters by %s (%s = %s)', async (_name, selector, value, activeCount, suppressedCount) => {
    const { page } = await open(fixtureUrl);
    try {
      await page.selectOption(selector, value);
      expect(await page.locator('#active-list article.finding').count()).toBe(activeCount);
      expect(await page.locator('#suppressed-list article.finding').count()).toBe(suppressedCount);
      if (selector === '#filter-severity') {
        expect(new Set(await visibleSeverities(page, 'active'))).toEqual(new Set([value]));
      } else if (selector === '#filter-check') {
        const checks = await attributeOfAll(page, '#active-list article.finding', 'data-check');
        expect(new Set(checks)).toEqual(new Set([value]));
      }
      await page.selectOption(selector, '');
      expect(await page.locator('#active-list article.finding').count()).toBe(18);
    } finally {
      await page.close();
    }
  });

  it('filters by free text across ids, messages, names and witness rules', async () => {
    const { page } = await open(fixtureUrl);
    try {
      const cases: [string, number, number][] = [
        ['eni-bp1db01', 1, 0],
        ['SGR-XACCT', 0, 1],
        ['{{7*7}}', 2, 0],
        ['<script>alert("name")</script>', 4, 0],
        ['no such thing anywhere', 0, 0],
      ];
      for (const [text, activeCount, suppressedCount] of cases) {
        await page.fill('#filter-text', text);
        await waitForCount(page, 'active', activeCount);
        expect(await page.locator('#suppressed-list article.finding').count(), text).toBe(suppressedCount);
      }
      await page.fill('#filter-text', '');
      await page.selectOption('#filter-severity', 'high');
      await page.fill('#filter-text', 'eni');
      await waitForCount(page, 'active', 2);
      expect(new Set(await visibleSeverities(page, 'active'))).toEqual(new Set(['high']));
      expect(await page.locator('#active-status').innerText()).toContain('of 2 matching');
    } finally {
      await page.close();
    }
  });

  it('paginates a large document and groups each page by check and resource', async () => {
    const { page, log } = await open(bigUrl);
    try {
      expect(await page.locator('#active-list article.finding').count()).toBe(25);
      expect(await page.locator('#active-pager').isVisible()).toBe(true);
      const firstPage = await attributeOfAll(page, '#active-list article.finding', 'data-id');
      await page.click('#active-next');
      const secondPage = await attributeOfAll(page, '#active-list article.finding', 'data-id');
      expect(secondPage).toHaveLength(25);
      expect(secondPage.filter((id) => firstPage.includes(id))).toEqual([]);
      expect(await page.locator('#active-page').innerText()).toMatch(/^Page 2 of \d+$/);
      expect(await page.locator('#active-list section.check-group').count()).toBeGreaterThan(0);
      expect(await page.locator('#active-list .resource-group').count()).toBeGreaterThan(0);
      await page.selectOption('#filter-severity', 'critical');
      expect(await page.locator('#active-page').innerText()).toMatch(/^Page 1 of /);
      expect(new Set(await visibleSeverities(page, 'active'))).toEqual(new Set(['critical']));
      expect(await page.locator('img').count()).toBe(0);
      expect(log.dialogs).toEqual([]);
      expect(log.consoleErrors).toEqual([]);
      expect(log.requests).toEqual([bigUrl]);
    } finally {
      await page.close();
    }
  });
});
