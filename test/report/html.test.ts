import { createHash } from 'node:crypto';
import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import { analyzeSnapshot } from '../../src/analyze/engine.js';
import { generateEstate } from '../../src/emulator/index.js';
import type { Finding, FindingsDocument } from '../../src/model/findings.js';
import type { Snapshot } from '../../src/model/snapshot.js';
import { renderHtml } from '../../src/report/html.js';
import { decodeMessage, encodeMessage } from '../../src/report/html-data.js';
import { TOP_RISKS_SHOWN } from '../../src/report/root-causes.js';
import { causeLabel, decodeAll } from './client-data.js';
import { decodeEntities, embeddedData, loadFixture } from './helpers.js';
import { syntheticFindings } from './synthetic-findings.js';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('base64');
/** The data-key attributes of the Top risks rows the server rendered, in page order. */
const riskKeys = (html: string) => [...html.matchAll(/<details class="risk" data-rc="\d+" data-key="([^"]*)"/g)].map((m) => decodeEntities(m[1] ?? ''));
const section = (html: string, id: string) => {
  const start = html.indexOf(`<section id="${id}"`);
  return html.slice(start, html.indexOf('</section>', start));
};

function analyzedEstate(): FindingsDocument {
  const estate = generateEstate({ instances: 300, groups: 60, rulesPerGroup: 20, enis: 360, eips: 60, seed: 11 });
  const snapshot: Snapshot = { schema: 'sgaudit/snapshot@1', id: 'html-data', takenAt: '2026-12-07T00:00:00.000Z', tool: { name: 'sgaudit', version: 'test' }, provider: 'alicloud', coverage: [], accounts: estate.accounts };
  return analyzeSnapshot(snapshot, { now: new Date('2026-12-07T00:00:00Z') });
}

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
    // The only URLs in attributes are the SVG namespace, which is never fetched, and the checks' docs links,
    // which load nothing until followed (URLs in the data, such as a fix text's, are text).
    const outside = [...html.matchAll(/<(\w+)[^>]*?\s([\w-]+)="((?:[a-z][\w+.-]*:)?\/\/[^"]*)"/gi)].map((m) => `${m[1]} ${m[2]}=${m[3]}`);
    expect(new Set(outside)).toEqual(new Set(['svg xmlns=http://www.w3.org/2000/svg', 'a href=https://example.invalid/docs/checks/public-exposure']));
  });

  it('lists each check once with its fix and a link to its docs', () => {
    const checks = section(html, 'summary');
    for (const check of doc.checks) {
      const row = new RegExp(`<tr id="check-${check.id}">(.*?)</tr>`).exec(checks)?.[1] ?? '';
      expect(row, check.id).toContain(`<td>${Handlebars.escapeExpression(check.remediation)}</td>`);
      expect(row, check.id).toMatch(new RegExp(`<a href="${check.docs.replace(/[.]/g, '\\.')}" rel="noopener noreferrer">`));
    }
  });

  it.each([['<script>alert("name")</script>'], ['"><img src=x onerror=alert(1)>'], ['</script><script>alert(2)</script>'], ['<b>retry</b>'], ['<b>bold</b>']])(
    'never emits the hostile string %s as markup',
    (hostile) => {
      expect(html).not.toContain(hostile);
    },
  );

  it('escapes hostile strings in server-rendered parts and keeps them intact in the data', () => {
    expect(html).toContain('Request was denied due to user flow control. &lt;b&gt;retry&lt;/b&gt;');
    // A group name and a rule description in the Top risks rows.
    expect(section(html, 'top-risks')).toContain('sg-bp1legacy/sgr-all</code><span data-field="ruleRest"> · accept all from 1.0.0.0/1 · &lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;</span>');
    expect(section(html, 'top-risks')).toContain('· “{{7*7}}”');
    const data = embeddedData(html);
    expect(data.strings).toContain('<script>alert("name")</script>');
    expect(data.strings).toContain('"><img src=x onerror=alert(1)>');
    expect(data.strings).toContain('{{7*7}} — 1.0.0.0/1 is half of the IPv4 internet');
    expect(Object.fromEntries(Object.entries(data.lists).map(([list, rows]) => [list, rows.length]))).toEqual({ exposure: 4, hygiene: 8, other: 6, suppressed: 2 });
  });

  it('opens with the coverage line, then Top risks, then the chart, drift and the findings', () => {
    const order = ['id="coverage"', 'id="top-risks"', 'id="summary"', 'id="drift"', 'id="findings"', 'id="exposure"', 'id="hygiene"', 'id="other"', 'id="suppressed"'].map((marker) => html.indexOf(marker));
    expect(order.every((at) => at > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(html).toContain('<strong>Coverage incomplete.</strong> 2 of 5 account/region/API scopes did not finish; drift did not compare 1 scope(s).');
    expect(html).toContain('6E1D9A5B-0C3F-4A7E-9B1D-2F8C7E6A5B4C');
    expect(html).toContain('Forbidden.RAM');
    expect(html).toContain('sg-bp1a, sg-bp1b, sg-bp1c, sg-bp1d, sg-bp1e … and 2 more');
    expect(html).toContain('Not compared');
  });

  it("lists the document's root causes in its order, each with rule, exposure, breadth, blast radius and fix", () => {
    expect(riskKeys(html)).toEqual(doc.rootCauses?.map((cause) => cause.key));
    const first = section(html, 'top-risks').split('<li>')[1] ?? '';
    for (const text of ['data-severity="critical"', 'sg-bp1legacy/sgr-all', 'all protocols and ports', 'internet: 1.0.0.0/1', 'Delete rule sgr-all of sg-bp1legacy']) expect(first).toContain(text);
    expect([...first.matchAll(/<span class="num" data-field="(\w+)">(\d+)<\/span>/g)].map((m) => [m[1], m[2]])).toEqual([
      ['internet', '1'],
      ['interfaces', '1'],
      ['instances', '1'],
    ]);
  });

  it.each<[string, (source: FindingsDocument) => FindingsDocument, string, string[]]>([
    [
      'rebuilds them from the deciding rules of critical findings when the document has none (older versions)',
      (source) => ({ ...source, rootCauses: undefined, findings: source.findings.map(({ breadth: _b, instance: _i, rootCauses: _r, ...finding }) => finding) }),
      'critical-findings',
      ['sg-bp1legacy/sgr-all', 'sg-bp1web/sgr-ssh'],
    ],
    ['says so when the document has no root causes', (source) => ({ ...source, rootCauses: [] }), 'document', []],
  ])('Top risks %s', (_name, change, source, keys) => {
    const changed = renderHtml(change(doc));
    expect(section(changed, 'top-risks')).toContain(`data-source="${source}"`);
    expect(riskKeys(changed)).toEqual(keys);
    if (keys.length === 0) expect(changed).toContain('No exposure root causes');
  });

  it('lists every critical root cause: the top ones on the first screen, the others when asked', () => {
    const big = syntheticFindings({ findings: 4000, seed: 9 });
    const causes = big.rootCauses ?? [];
    const critical = causes.filter((cause) => cause.severity === 'critical');
    expect(critical.length).toBeGreaterThan(TOP_RISKS_SHOWN);
    const page = renderHtml(big);
    expect(riskKeys(page)).toEqual(causes.slice(0, TOP_RISKS_SHOWN).map((cause) => cause.key));
    const data = embeddedData(page);
    const later = data.risks.map((cells) => data.strings[cells[0] as number]);
    expect([...riskKeys(page), ...later]).toEqual(causes.slice(0, critical.length).map((cause) => cause.key));
    expect(page).toContain(`Show the other ${critical.length - TOP_RISKS_SHOWN} critical root causes`);
    expect(page).toContain(`… and ${(causes.length - critical.length).toLocaleString('en-US')} more root causes, none critical`);
  });

  it('says "Coverage complete" when every scope finished, with no drift section without drift findings', () => {
    const complete = renderHtml({
      ...doc,
      coverage: doc.coverage.map((entry) => ({ accountId: entry.accountId, regionId: entry.regionId, api: entry.api, status: 'complete' as const })),
      notCompared: undefined,
      findings: doc.findings.filter((finding) => finding.check !== 'drift'),
    });
    expect(complete).toContain('<strong>Coverage complete.</strong>');
    expect(complete).not.toContain('<strong>Coverage incomplete.</strong>');
    expect(complete).not.toContain('id="drift"');
    expect(html).toContain('id="drift"');
  });

  it('renders an empty document', () => {
    const empty = renderHtml({ ...doc, findings: [], suppressions: [], notCompared: undefined, coverage: [], rootCauses: [] });
    expect(empty).toContain('No coverage recorded.');
    expect(embeddedData(empty).lists).toEqual({ exposure: [], hygiene: [], other: [], suppressed: [] });
  });

  it('collapses hygiene findings per security group, worst group first, a group being one run of rows', () => {
    const rows = decodeAll(embeddedData(html)).filter((finding) => finding.list === 'hygiene');
    const subjects = rows.map((finding) => finding.subject?.[1]);
    expect(subjects).toEqual(['sg-bp1legacy', 'sg-uf6app', 'sg-uf6app', 'sg-bp1db', 'sg-bp1old', 'sg-bp1web', 'eni-uf6app02', 'sg-uf6tmp']);
    // The rules of one group come together whatever their checks.
    expect(rows.filter((finding) => finding.subject?.[1] === 'sg-uf6app').map((finding) => finding.check)).toEqual(['broad-rule', 'dangling-reference']);
  });
});

describe('HTML report data', () => {
  /** What the page must be able to show of each finding, straight from the document. */
  function expected(finding: Finding) {
    return {
      id: finding.id,
      severity: finding.severity,
      check: finding.check,
      title: finding.title,
      resourceType: finding.resource.type,
      remediation: finding.remediation,
      docs: finding.docs,
      accountId: finding.accountId,
      regionId: finding.regionId,
      resourceId: finding.resource.id,
      resourceName: finding.resource.name,
      message: finding.message,
      addresses: finding.detail.addresses ?? [],
      breadth: finding.breadth ? [finding.breadth.class, finding.breadth.summary] : undefined,
      instance: finding.instance && { id: finding.instance.id, ...(finding.instance.name ? { name: finding.instance.name } : {}) },
      suppression: finding.suppressed ? [finding.suppressed.reason, finding.suppressed.owner, finding.suppressed.expires, finding.suppressed.matchedBy] : undefined,
      witnessGroups: finding.evidence.map((entry) => entry.groupId),
    };
  }

  it.each<[string, () => FindingsDocument]>([
    ['the fixture', loadFixture],
    ['2,000 synthetic findings with root causes', () => syntheticFindings({ findings: 2000, seed: 4 })],
    ['an analysis of a generated estate', analyzedEstate],
  ])('holds every finding exactly, messages rebuilt from their templates: %s', (_name, load) => {
    const source = load();
    const decoded = decodeAll(embeddedData(renderHtml(source)));
    expect(decoded).toHaveLength(source.findings.length);
    const byId = new Map(source.findings.map((finding) => [finding.id, finding]));
    for (const finding of decoded) {
      const original = byId.get(finding.id);
      expect(original, finding.id).toBeDefined();
      const { witnesses, ...rest } = finding;
      expect({ ...rest, witnessGroups: witnesses.map((cells) => cells[1]) }).toMatchObject(expected(original as Finding));
      expect(finding.list === 'suppressed').toBe(Boolean(original?.suppressed));
      // Causes in rank order; a cause only suppressed findings have is not in the document's summary.
      const ranks = new Map((source.rootCauses ?? []).map((cause, at) => [cause.key, at]));
      const causes = (original?.rootCauses ?? []).flatMap((key) => (ranks.has(key) ? [ranks.get(key) as number] : [])).sort((a, b) => a - b);
      if (source.rootCauses) expect(finding.causes).toEqual(causes);
    }
  });

  it('labels root causes from their parts', () => {
    const data = embeddedData(renderHtml(loadFixture()));
    expect(data.causes.map((_, index) => causeLabel(data, index))).toEqual([
      'sg-bp1legacy/sgr-all (<script>alert("name")</script>) · accept all from 1.0.0.0/1 · exposes all protocols and ports',
      'sg-bp1web/sgr-ssh (web) · accept tcp/22 from 0.0.0.0/0 · exposes tcp 22 (ssh)',
      'sg-uf6app/sgr-8080 (app, "quoted", comma) · accept tcp/8080 from ::/0 · exposes tcp 8080',
      'sg-uf6win/sgr-rdp (@SUM(1+1)) · accept tcp/3389 from 100.0.0.0/6 · exposes tcp 3389 (rdp)',
      'sg-bp1db/sgr-mysql (db | prod *bold* _it_ [link](javascript:alert(1))) · accept tcp/3306 from 0.0.0.0/0 · exposes tcp 3306 (mysql)',
    ]);
  });

  it('lists exposure findings by root cause in rank order', () => {
    const source = syntheticFindings({ findings: 2000, seed: 4 });
    const exposure = decodeAll(embeddedData(renderHtml(source))).filter((finding) => finding.list === 'exposure');
    const firstCauses = exposure.map((finding) => finding.causes[0] ?? Infinity);
    expect(firstCauses).toEqual([...firstCauses].sort((a, b) => a - b));
  });
});

describe('message templates', () => {
  it.each<[string, string, string[], string]>([
    ['the own values of an interface', 'eni-1a2b (web-01) on i-9z accepts tcp 22 from internet: 0.0.0.0/0 on 47.1.2.3.', ['eni-1a2b', 'web-01', 'i-9z', '', '22', '47.1.2.3'], '\u0001 (\u0002) on \u0003 accepts tcp 22 from internet: 0.0.0.0/0 on \u0006.'],
    ['a value inside a longer one', 'rule sgr-1 and sgr-10', ['sgr-1', 'sgr-10'], 'rule \u0001 and \u0002'],
    ['values too short to replace', 'port 22 on db', ['22', 'db'], 'port 22 on db'],
    ['repeated values', 'sg-x refers to sg-x', ['sg-x'], '\u0001 refers to \u0001'],
    ['empty values', 'nothing to replace', ['', ''], 'nothing to replace'],
  ])('%s', (_name, message, values, template) => {
    const encoded = encodeMessage(message, values);
    expect(encoded).toEqual({ template });
    expect(decodeMessage(template, values)).toBe(message);
  });

  it.each([
    ['a message holding a placeholder character', 'bell \u0007 in eni-1', ['eni-1']],
    ['a value holding one', 'eni-1 is fine', ['eni-1', 'tab\tname']],
  ])('keeps %s whole', (_name, message, values) => {
    expect(encodeMessage(message, values)).toEqual({ raw: message });
  });
});
