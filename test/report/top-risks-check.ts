import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { FindingsDocument } from '../../src/model/findings.js';
import { TOP_RISKS_SHOWN, topRisks } from '../../src/report/root-causes.js';
import { launchChromium } from './chromium.js';

const FIRST_SCREEN = { width: 1280, height: 800 } as const;

/**
 * Opens the HTML report of `doc` at `htmlPath` in a 1280×800 viewport and checks the triage
 * promise: the whole Top risks section is on the first screen without scrolling, its rows follow
 * the document's ranking (severity, then blast radius), and every critical root cause of the
 * document is listed in it (the rows after the first screen once "show more" is opened). Uses
 * `browser` when given, else launches Debian's Chromium for the check.
 */
export async function expectTopRisksFirst(doc: FindingsDocument, htmlPath: string, browser?: Browser): Promise<void> {
  const owned = browser ? undefined : await launchChromium();
  const page = await (browser ?? (owned as Browser)).newPage({ viewport: FIRST_SCREEN });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  try {
    await page.goto(pathToFileURL(htmlPath).href);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
    expect(await page.evaluate('window.scrollY')).toBe(0);

    const box = await page.locator('#top-risks').boundingBox();
    expect(box, '#top-risks is rendered').not.toBeNull();
    const { x, y, width, height } = box as NonNullable<typeof box>;
    expect(x).toBeGreaterThanOrEqual(0);
    expect(y).toBeGreaterThanOrEqual(0);
    expect(x + width, 'Top risks fits the width of the first screen').toBeLessThanOrEqual(FIRST_SCREEN.width);
    expect(y + height, 'Top risks ends above the fold').toBeLessThanOrEqual(FIRST_SCREEN.height);

    // The document's own ranking; an older document's is rebuilt from its critical findings.
    const ranked = (doc.rootCauses ?? topRisks(doc).causes).map((cause) => cause.key);
    const shown = await keysOf(page, '#top-risks > ol.risks > li > details.risk');
    expect(shown, 'first-screen rows in rank order').toEqual(ranked.slice(0, Math.min(ranked.length, TOP_RISKS_SHOWN)));
    for (const row of await page.locator('#top-risks > ol.risks > li > details.risk > summary').all()) expect(await row.isVisible()).toBe(true);

    const more = page.locator('#top-risks details.more-risks > summary');
    if ((await more.count()) > 0) await more.click();
    const all = await keysOf(page, '#top-risks details.risk');
    expect(all, 'all listed rows in rank order').toEqual(ranked.slice(0, all.length));
    const critical = (doc.rootCauses ?? []).filter((cause) => cause.severity === 'critical').map((cause) => cause.key);
    expect(critical.filter((key) => !all.includes(key)), 'critical root causes missing from Top risks').toEqual([]);
    expect(problems).toEqual([]);
  } finally {
    await page.close();
    await owned?.close();
  }
}

/** In one round trip: a real estate lists thousands of critical root causes. */
function keysOf(page: Page, selector: string): Promise<string[]> {
  return page.locator(selector).evaluateAll((nodes: { getAttribute(name: string): string | null }[]) => nodes.map((node) => node.getAttribute('data-key') ?? ''));
}
