import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { diffFiles } from '../../src/analyze/drift/load.js';
import type { Finding, FindingsDocument } from '../../src/model/findings.js';
import { describeChange, isDriftReport } from '../../src/report/drift.js';
import { renderHtml } from '../../src/report/html.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { embeddedData, loadFixture } from './helpers.js';
import { decodeAll } from './client-data.js';
import { syntheticFindings } from './synthetic-findings.js';

const DRIFT_FIXTURES = fileURLToPath(new URL('../fixtures/drift/', import.meta.url));
const now = new Date('2026-12-07T00:00:00Z');

/** Every pair under test/fixtures/drift: OLD and NEW snapshots, and each Terraform state against its live snapshot. */
function fixturePairs(): [string, string, string][] {
  const pairs: [string, string, string][] = [];
  for (const name of readdirSync(DRIFT_FIXTURES).sort()) {
    const dir = join(DRIFT_FIXTURES, name);
    if (existsSync(join(dir, 'old.json'))) pairs.push([name, join(dir, 'old.json'), join(dir, 'new.json')]);
    else for (const file of readdirSync(dir).filter((entry) => entry.endsWith('.tfstate.json')).sort()) pairs.push([`${name}/${file}`, join(dir, file), join(dir, 'live.json')]);
  }
  return pairs;
}

const PAIRS = fixturePairs();
const diffs = new Map<string, FindingsDocument>();
function diff(name: string): FindingsDocument {
  const doc = diffs.get(name);
  if (!doc) throw new Error(`no drift fixture ${name}`);
  return doc;
}

beforeAll(async () => {
  for (const [name, oldPath, newPath] of PAIRS) diffs.set(name, await diffFiles(oldPath, newPath, { now }));
});

const section = (html: string, id: string) => {
  const start = html.indexOf(`<section id="${id}"`);
  return start < 0 ? '' : html.slice(start, html.indexOf('</section>', start));
};

/** A drift finding of `kind` shaped as `sgaudit diff` writes it. */
function change(kind: string, extra: Record<string, unknown>, overrides: Partial<Finding> = {}): Finding {
  return {
    id: `SG-${kind}`,
    check: 'drift',
    severity: 'medium',
    title: kind,
    message: `${kind} happened.`,
    accountId: '1111',
    regionId: 'cn-hangzhou',
    resource: { type: 'rule', id: 'sgr-1' },
    detail: { extra: { kind, ...extra } },
    evidence: [],
    remediation: 'Revert the change.',
    ...overrides,
  };
}

const RULE = { direction: 'ingress', id: 'sgr-1', policy: 'accept', ports: '22/22', priority: 1, protocol: 'tcp', source: '10.0.0.0/8' };

describe('drift report', () => {
  it('finds every fixture pair', () => {
    expect(PAIRS.map(([name]) => name)).toEqual(expect.arrayContaining(['new-exposure', 'rule-port-changed', 'estate-changes', 'terraform/hand-added-rule.tfstate.json']));
  });

  it.each<[string, (doc: FindingsDocument) => string, string[], string[]]>([
    [
      'md',
      renderMarkdown,
      ['## sgaudit drift report: snap-old → snap-new\n'],
      ['## sgaudit drift report', '### New exposure (1)', '### Other changes (1)', '#### Rule added (1) · `rule-added`', '### What to do', '### Changes by severity'],
    ],
    [
      'html',
      (doc) => renderHtml(doc),
      ['<title>sgaudit drift report: snap-old → snap-new</title>', '<h1>sgaudit drift report: snap-old → snap-new</h1>'],
      ['<h1>', 'id="coverage"', 'id="new-exposure"', 'id="changes"', 'id="kind-rule-added"', 'id="drift-fixes"', 'id="summary"', 'id="findings"', 'id="other"', 'id="suppressed"'],
    ],
  ])('%s: says it is a drift report, and leads with new exposure, then the other changes by kind with counts', (_format, render, titles, order) => {
    const output = render(diff('new-exposure'));
    for (const title of titles) expect(output).toContain(title);
    const at = order.map((marker) => output.indexOf(marker));
    expect(at.every((index) => index >= 0), order.filter((_, i) => (at[i] ?? -1) < 0).join(', ')).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(output).not.toContain('security group audit');
    expect(output).not.toContain('id="top-risks"');
    expect(output).not.toContain('### Top risks');
  });

  it('shows new exposure with the severity of the scan, its breadth, addresses and deciding rule, and counts it', () => {
    const doc = diff('new-exposure');
    const markdown = renderMarkdown(doc);
    expect(markdown).toContain('| 1 | 🟥 critical | networkInterface `eni-web1` (`i-web1`) | tcp/3389 | internet: 0.0.0.0/0 | 47.1.1.1, 47.2.2.2 | `sg-web/sgr-web-6` (`web`) accept tcp/3389 from 0.0.0.0/0 |');
    expect(markdown).toContain('| 🟥 critical | 1 |');
    const html = section(renderHtml(doc), 'new-exposure');
    for (const text of ['<span class="badge sev-critical">critical</span>', 'networkInterface eni-web1 (i-web1)', '<td>tcp/3389</td>', '<td>internet: 0.0.0.0/0</td>', '<code>sg-web/sgr-web-6</code> (web) accept tcp/3389 from 0.0.0.0/0']) {
      expect(html).toContain(text);
    }
  });

  it('lists new exposure worst first, whatever the order of the document', () => {
    const doc = diff('new-exposure');
    const exposure = doc.findings.find((finding) => finding.detail.extra?.['kind'] === 'new-exposure') as Finding;
    const copies = (['low', 'critical', 'high'] as const).map((severity, i) => ({ ...exposure, id: `SG-${i}`, severity, resource: { type: 'networkInterface' as const, id: `eni-${severity}` } }));
    const reordered = { ...doc, findings: [...copies, ...doc.findings.filter((finding) => finding !== exposure)] };
    const markdown = renderMarkdown(reordered);
    expect([...markdown.matchAll(/^\| \d \| \S+ (\w+) \| networkInterface `eni-(\w+)`/gm)].map((m) => [m[1], m[2]])).toEqual([
      ['critical', 'critical'],
      ['high', 'high'],
      ['low', 'low'],
    ]);
    const html = section(renderHtml(reordered), 'new-exposure');
    expect([...html.matchAll(/<td>networkInterface eni-(\w+)<\/td>/g)].map((m) => m[1])).toEqual(['critical', 'high', 'low']);
  });

  it.each<[string, boolean, () => FindingsDocument]>([
    ['a diff', true, () => diff('new-exposure')],
    ['a diff without changes', true, () => ({ ...diff('new-exposure'), findings: [] })],
    ['a Terraform diff', true, () => diff('terraform/clean.tfstate.json')],
    ['a scan with a baseline', false, loadFixture],
    ['a scan with a baseline that found only drift', false, () => ({ ...loadFixture(), findings: loadFixture().findings.filter((finding) => finding.check === 'drift') })],
  ])('%s is a drift report: %s', (_name, expected, load) => {
    const doc = load();
    expect(isDriftReport(doc)).toBe(expected);
    expect(renderMarkdown(doc).startsWith(expected ? '## sgaudit drift report: ' : '## sgaudit security group audit\n')).toBe(true);
  });

  it.each([5_000, 60_000])('stays within maxChars=%i on 2,000 changes, cutting the other changes before new exposure, and says what it left out', (maxChars) => {
    const big = syntheticFindings({ findings: 20_000, seed: 3 });
    const doc: FindingsDocument = { ...big, checks: big.checks.filter((check) => check.id === 'drift'), findings: big.findings.filter((finding) => finding.check === 'drift'), rootCauses: [] };
    const markdown = renderMarkdown(doc, { maxChars });
    expect(markdown.length).toBeLessThanOrEqual(maxChars);
    const newRows = markdown.split('### Other changes')[0]?.split('\n').filter((line) => /^\| \d+ \|/.test(line)).length ?? 0;
    const exposure = doc.findings.filter((finding) => !finding.suppressed && finding.detail.extra?.['kind'] === 'new-exposure').length;
    expect(newRows).toBeGreaterThan(0);
    expect(markdown).toContain(`… and ${(exposure - newRows).toLocaleString('en-US')} more new exposure`);
    for (const kind of ['rule-modified', 'rule-added', 'rule-removed']) expect(markdown).toMatch(new RegExp(`… and [\\d,]+ more \`${kind}\`\\.`));
  });

  it('says so when nothing changed', () => {
    const doc = { ...diff('new-exposure'), findings: [] };
    expect(renderMarkdown(doc)).toContain('No new exposure since the baseline.');
    expect(renderMarkdown(doc)).toContain('No other changes since the baseline.');
    expect(section(renderHtml(doc), 'new-exposure')).toContain('No new exposure since the baseline.');
  });
});

describe('before and after', () => {
  it('reads a modified rule as the fields that changed, in every format', () => {
    const doc = diff('rule-port-changed');
    const [finding] = doc.findings;
    expect(describeChange(finding as Finding)).toBe('ports 22 → 2222');
    expect(renderMarkdown(doc)).toContain('| 🟨 medium | rule `sgr-web-2` in `sg-web` (`web`) | ports 22 → 2222 |');
    const html = renderHtml(doc);
    expect(section(html, 'changes')).toContain('<td>rule sgr-web-2 in sg-web (web)</td><td>1111 / cn-hangzhou</td><td>ports 22 → 2222</td>');
    const card = decodeAll(embeddedData(html)).find((decoded) => decoded.id === finding?.id);
    expect(card?.detail).toEqual(expect.arrayContaining([['Kind', 'rule-modified'], ['Group', 'sg-web'], ['Change', 'ports 22 → 2222']]));
  });

  it.each<[string, Finding, string]>([
    ['priority', change('rule-modified', { before: RULE, after: { ...RULE, priority: 5 } }), 'priority 1 → 5'],
    ['a port range', change('rule-modified', { before: RULE, after: { ...RULE, ports: '22/23' } }), 'ports 22 → 22-23'],
    ['a description', change('rule-modified', { before: { ...RULE, description: 'a' }, after: { ...RULE, description: 'b' } }), 'description "a" → "b"'],
    ['a description added', change('rule-modified', { before: RULE, after: { ...RULE, description: 'allow all' } }), 'description "" → "allow all"'],
    ['source and priority', change('rule-modified', { before: RULE, after: { ...RULE, source: '0.0.0.0/0', priority: 2 } }), 'source 10.0.0.0/8 → 0.0.0.0/0; priority 1 → 2'],
    ['a rule added', change('rule-added', { after: { ...RULE, ports: '3389/3389', source: '0.0.0.0/0' } }), 'none → ingress accept tcp/3389 from 0.0.0.0/0, priority 1'],
    [
      'an egress rule removed',
      change('rule-removed', { before: { direction: 'egress', policy: 'drop', ports: 'all', priority: 100, protocol: 'all', destination: '0.0.0.0/0', description: 'deny' } }),
      'egress drop all to 0.0.0.0/0, priority 100, description "deny" → none',
    ],
    [
      'group attributes',
      change('group-modified', { before: { name: 'db', innerAccessPolicy: 'accept', tags: {} }, after: { name: 'database', innerAccessPolicy: 'drop', tags: { owner: 'dba' } } }),
      'name "db" → "database"; innerAccessPolicy accept → drop; tags none → owner=dba',
    ],
    ['a group created', change('group-added', { after: { description: '', innerAccessPolicy: 'accept', name: 'web', rules: 2, tags: {}, type: 'normal', vpcId: 'vpc-1' } }), 'none → name "web", type normal, innerAccessPolicy accept, vpcId vpc-1, rules 2'],
    ['group membership', change('group-attached', { before: ['sg-db'], after: ['sg-db', 'sg-new'], groupId: 'sg-new' }), 'sg-db → sg-db, sg-new'],
    ['a public IP', change('public-ip-added', { after: '47.3.3.3' }), 'none → 47.3.3.3'],
    [
      'an EIP moved',
      change('eip-rebound', { before: { ip: '47.2.2.2', boundInstanceType: 'EcsInstance', boundInstanceId: 'i-web1' }, after: { ip: '47.2.2.2', boundInstanceType: 'NetworkInterface', boundInstanceId: 'eni-web1-2' } }),
      'bound to EcsInstance i-web1 → NetworkInterface eni-web1-2',
    ],
    ['an EIP unbound', change('eip-rebound', { before: { ip: '47.2.2.2', boundInstanceType: 'EcsInstance', boundInstanceId: 'i-web1' }, after: { ip: '47.2.2.2' } }), 'bound to EcsInstance i-web1 → nothing'],
    ['an unbound EIP released', change('eip-removed', { before: { ip: '47.2.2.3' } }), 'ip 47.2.2.3 → none'],
    ['an EIP released', change('eip-removed', { before: { ip: '47.2.2.4', boundInstanceType: 'EcsInstance', boundInstanceId: 'i-1' } }), 'ip 47.2.2.4, bound to EcsInstance i-1 → none'],
    [
      'new exposure: severity and breadth',
      change('new-exposure', { after: { exposureId: 'SG-1', severity: 'critical' } }, { severity: 'critical', breadth: { class: 'internet', publicIpv4: 1, publicIpv6: '0', summary: 'internet: 0.0.0.0/0 except 198.51.100.0/24' } }),
      'none → critical, internet: 0.0.0.0/0 except 198.51.100.0/24',
    ],
    [
      'removed exposure',
      change('removed-exposure', { before: { exposureId: 'SG-1', severity: 'high' } }, { severity: 'info', breadth: { class: 'wide', publicIpv4: 65536, publicIpv6: '0', summary: 'wide: 65,536 public addresses (198.51.0.0/16)' } }),
      'high, wide: 65,536 public addresses (198.51.0.0/16) → none',
    ],
    ['exposure of an older document (no breadth)', change('new-exposure', {}, { severity: 'high', detail: { sources: ['0.0.0.0/0'], extra: { kind: 'new-exposure' } } }), 'none → high, from 0.0.0.0/0'],
    ['extras of another kind', change('eip-bound', { instanceId: 'i-1' }), 'instanceId i-1'],
    ['nothing more than the message', change('unmanaged-group', {}), ''],
  ])('%s', (_name, finding, expected) => {
    expect(describeChange(finding)).toBe(expected);
  });

  it.each(PAIRS.map(([name]) => [name]))('%s: no before or after is printed as JSON', (name) => {
    const doc = diff(name);
    const markdown = renderMarkdown(doc);
    const html = renderHtml(doc);
    for (const output of [markdown, section(html, 'drift')]) {
      expect(output).not.toMatch(/\{"|\{&quot;|&quot;\w+&quot;:/);
    }
    for (const finding of decodeAll(embeddedData(html))) for (const [, value] of finding.detail) expect(value).not.toMatch(/\{"|":/);
  });
});

describe('sources of exposure', () => {
  it('prints the breadth summary, not the long list of detail.sources, in the drift report', () => {
    const doc = diff('new-exposure');
    const long = Array.from({ length: 5 }, (_, i) => `${i * 8}.0.0.0/${5 + i}`).concat('… 15 more');
    const widened: FindingsDocument = {
      ...doc,
      findings: doc.findings.map((finding) =>
        finding.detail.extra?.['kind'] === 'new-exposure'
          ? { ...finding, detail: { ...finding.detail, sources: long }, breadth: { class: 'internet', publicIpv4: 3_000_000_000, publicIpv6: '0', summary: 'internet: 0.0.0.0/0 except 198.51.100.0/24' } }
          : finding,
      ),
    };
    const markdown = renderMarkdown(widened);
    expect(markdown).toContain('| tcp/3389 | internet: 0.0.0.0/0 except 198.51.100.0/24 |');
    const html = renderHtml(widened);
    expect(section(html, 'new-exposure')).toContain('<td>internet: 0.0.0.0/0 except 198.51.100.0/24</td>');
    for (const output of [markdown, section(html, 'drift')]) expect(output).not.toContain('15 more');
    const card = decodeAll(embeddedData(html)).find((finding) => finding.breadth);
    // The card shows the class as its tag, so the sources line leaves it out.
    expect(card?.detail).toContainEqual(['Sources', '0.0.0.0/0 except 198.51.100.0/24']);
  });
});
