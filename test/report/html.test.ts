import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/html.js';
import { jsonForScript } from '../../src/report/html-data.js';
import { decodeEntities, embeddedData, loadFixture } from './helpers.js';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('base64');

describe('HTML report (static)', () => {
  const doc = loadFixture();
  const html = renderHtml(doc);

  it('pins its one inline style and one inline script by sha256 in a CSP meta tag', () => {
    // Handlebars escapes the quotes of the attribute value; the browser decodes them back.
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
    expect(csp).toBeDefined();
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1] ?? '');
    expect(scripts).toHaveLength(1);
    expect(decodeEntities(csp ?? '')).toBe(
      `default-src 'none'; script-src 'sha256-${sha256(scripts[0] ?? '')}'; style-src 'sha256-${sha256(style)}'; img-src data:; base-uri 'none'; form-action 'none'`,
    );
  });

  it('references nothing outside the file', () => {
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/<script[^>]+src=/i);
    expect(html).not.toMatch(/<img\b/i);
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    expect(style).not.toMatch(/url\(|@import|@font-face/i);
    // The only absolute URL outside the data block is the SVG namespace, which is never fetched.
    const outsideData = html.replace(/<script id="sgaudit-data"[\s\S]*?<\/script>/, '');
    expect([...outsideData.matchAll(/https?:\/\/[^\s"'<)]+/g)].map((m) => m[0])).toEqual(['http://www.w3.org/2000/svg']);
  });

  it.each([
    ['<script>alert("name")</script>'],
    ['"><img src=x onerror=alert(1)>'],
    ['</script><script>alert(2)</script>'],
    ['<b>retry</b>'],
  ])('never emits the hostile string %s as markup', (hostile) => {
    expect(html).not.toContain(hostile);
  });

  it('escapes hostile strings in server-rendered parts and keeps them intact in the data', () => {
    expect(html).toContain('Request was denied due to user flow control. &lt;b&gt;retry&lt;/b&gt;');
    expect(html).toContain('Temporary &lt;script&gt;x&lt;/script&gt;');
    const data = embeddedData(html);
    expect(data.strings).toContain('<script>alert("name")</script>');
    expect(data.strings).toContain('"><img src=x onerror=alert(1)>');
    expect(data.strings).toContain('{{7*7}} — 1.0.0.0/1 is half of the IPv4 internet');
    expect(data.active).toHaveLength(18);
    expect(data.suppressed).toHaveLength(2);
  });

  it('shows the coverage banner before the summary and the findings', () => {
    const coverage = html.indexOf('id="coverage"');
    expect(coverage).toBeGreaterThan(0);
    expect(coverage).toBeLessThan(html.indexOf('id="summary"'));
    expect(html.indexOf('id="summary"')).toBeLessThan(html.indexOf('id="findings"'));
    expect(html).toContain('6E1D9A5B-0C3F-4A7E-9B1D-2F8C7E6A5B4C');
    expect(html).toContain('Forbidden.RAM');
    expect(html).toContain('sg-bp1a, sg-bp1b, sg-bp1c, sg-bp1d, sg-bp1e … and 2 more');
    expect(html).toContain('Not compared');
  });

  it('says "Complete" when every scope finished, with no drift section without drift findings', () => {
    const complete = renderHtml({
      ...doc,
      coverage: doc.coverage.map((entry) => ({ accountId: entry.accountId, regionId: entry.regionId, api: entry.api, status: 'complete' as const })),
      notCompared: undefined,
      findings: doc.findings.filter((finding) => finding.check !== 'drift'),
    });
    expect(complete).toContain('<strong>Complete.</strong>');
    expect(complete).not.toContain('<strong>Incomplete.</strong>');
    expect(complete).not.toContain('id="drift"');
    expect(html).toContain('id="drift"');
  });

  it('renders an empty document', () => {
    const empty = renderHtml({ ...doc, findings: [], suppressions: [], notCompared: undefined, coverage: [] });
    expect(empty).toContain('No coverage recorded.');
    expect(embeddedData(empty).active).toEqual([]);
  });

  it.each([
    ['</script>', '\\u003c/script\\u003e'],
    ['<!--', '\\u003c!--'],
    ['a & b', 'a \\u0026 b'],
    ['\u2028', '\\u2028'],
  ])('jsonForScript(%j) cannot end the script block', (input, escaped) => {
    const encoded = jsonForScript({ value: input });
    expect(encoded).toContain(escaped);
    expect(encoded).not.toMatch(/[<>&]/);
    expect(JSON.parse(encoded)).toEqual({ value: input });
  });
});
