import { describe, expect, it } from 'vitest';
import { renderHtml, renderMarkdown } from '../../src/report/index.js';
import { loadFixture } from './helpers.js';

/** A scan that collected nothing says so before anything else in every human report. */
describe('reports of a scan that collected nothing', () => {
  const doc = loadFixture();
  const failed = { ...doc, findings: [], rootCauses: [], coverage: doc.coverage.map((entry) => ({ ...entry, status: 'failed' as const })) };

  it('Markdown opens with it, before Top risks', () => {
    const markdown = renderMarkdown(failed);
    const banner = markdown.indexOf('SCAN FAILED: nothing was collected');
    expect(banner).toBeGreaterThan(0);
    expect(banner).toBeLessThan(markdown.indexOf('### Top risks'));
  });

  it('HTML opens with it, before Top risks', () => {
    const html = renderHtml(failed);
    const banner = html.indexOf('Scan failed: nothing was collected.');
    expect(banner).toBeGreaterThan(0);
    expect(banner).toBeLessThan(html.indexOf('id="top-risks"'));
  });
});
