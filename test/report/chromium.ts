import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Debian's chromium, never a downloaded browser. CI installs it, so there it must be present. */
export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

export function shouldSkipBrowserTests(): boolean {
  return !chromiumAvailable() && !process.env.CI;
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}
