import { describe, expect, it } from 'vitest';
import type { FindingsDocument } from '../../src/model/findings.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { escapeMarkdown, tableCode } from '../../src/report/markdown-escape.js';
import { loadFixture } from './helpers.js';
import { syntheticFindings } from './synthetic-findings.js';

describe('escapeMarkdown', () => {
  it.each([
    ['plain text', 'plain text'],
    ['*bold* _it_', '\\*bold\\* \\_it\\_'],
    ['[link](javascript:alert(1))', '\\[link\\](javascript:alert(1))'],
    ['a | b', 'a \\| b'],
    ['# heading', '\\# heading'],
    ['~~strike~~', '\\~\\~strike\\~\\~'],
    ['$x$ math', '\\$x\\$ math'],
    ['back\\slash', 'back\\\\slash'],
    ['`code`', '\\`code\\`'],
    ['line one\nline two\r\nthree', 'line one line two three'],
    // HTML neither becomes markup nor entities: a backslash keeps `<` and `&` literal.
    ['<script>alert("x")</script>', '\\<script>alert("x")\\</script>'],
    // `#` is escaped first, which already keeps `&#60;` from being a reference.
    ['R&D &amp; &#60;', 'R&D \\&amp; &\\#60;'],
    ['ping @octocat and @org/team', 'ping @\u200boctocat and @\u200borg/team'],
    ['owner alice@example.com', 'owner alice@example.com'],
  ])('%j → %j', (input, expected) => {
    expect(escapeMarkdown(input)).toBe(expected);
  });
});

describe('tableCode', () => {
  it.each([
    ['sg-bp1web', '`sg-bp1web`'],
    ['<script>alert("x")</script>', '`<script>alert("x")</script>`'],
    ['db | prod', '`db \\| prod`'],
    ['has `ticks`', '`` has `ticks` ``'],
    ['`start', '`` `start ``'],
    ['two\nlines', '`two lines`'],
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(tableCode(input)).toBe(expected);
  });
});

/** The text of a line outside its code spans, where Markdown and HTML would take effect. */
const outsideCode = (line: string) => line.replace(/(`+)(?:(?!\1)[\s\S])*?\1/g, '');
/** The rows of the table under `heading`. */
function tableRows(markdown: string, heading: string): string[] {
  const lines = markdown.split('\n');
  const start = lines.indexOf(heading);
  if (start < 0) return [];
  const rows: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('#')) break;
    if (line.startsWith('| ') && !line.startsWith('|:') && !line.startsWith('|--')) rows.push(line);
  }
  return rows.slice(1);
}

describe('Markdown report', () => {
  const doc = loadFixture();
  const markdown = renderMarkdown(doc);

  it('shows hostile strings as text: in code spans or behind backslashes, never as markup or HTML entities', () => {
    expect(markdown).not.toMatch(/&(lt|gt|amp|quot|#\d+|#x[0-9a-f]+);/i);
    for (const line of markdown.split('\n')) expect(outsideCode(line), line).not.toMatch(/(^|[^\\])</);
    expect(markdown).toContain('(`<script>alert("name")</script>`)');
    expect(markdown).toContain('(`db \\| prod *bold* _it_ [link](javascript:alert(1))`)');
    expect(markdown).toContain('Temporary \\<script>x\\</script>');
    expect(markdown).toContain('(`old {{7*7}} ${7*7}`)');
  });

  it('opens with the root causes in rank order: severity, rule, exposure, breadth, internet interfaces, fix', () => {
    expect(markdown.indexOf('### Top risks')).toBeLessThan(markdown.indexOf('### Incomplete coverage'));
    expect(markdown.indexOf('### Top risks')).toBeLessThan(markdown.indexOf('### Findings by severity'));
    expect(markdown).toContain('| # | Severity | Rule | Exposes | Sources / breadth | Internet interfaces | Fix |');
    const rows = tableRows(markdown, '### Top risks');
    expect(rows.map((row) => /`([^`]+)`/.exec(row)?.[1])).toEqual(doc.rootCauses?.map((cause) => cause.key));
    expect(rows[1]).toBe(
      '| 2 | 🟥 critical | `sg-bp1web/sgr-ssh` (`web`) accept tcp/22 from 0.0.0.0/0 | tcp 22 (ssh) | internet: 0.0.0.0/0 | 1 | Narrow the source of sgr-ssh in sg-bp1web from 0.0.0.0/0 to a bastion or office range, or delete the rule. |',
    );
  });

  it.each<[string, (source: FindingsDocument) => FindingsDocument, RegExp]>([
    ['rebuilds root causes from critical findings for an older document', (source) => ({ ...source, rootCauses: undefined }), /records no root causes; these are the deciding rules of its critical findings/],
    ['says when there is no root cause', (source) => ({ ...source, rootCauses: [] }), /No exposure root causes/],
  ])('%s', (_name, change, text) => {
    expect(renderMarkdown(change(doc))).toMatch(text);
  });

  it('summarizes severities, coverage, checks, a sample of findings with their breadth, suppressed findings and stale suppressions', () => {
    expect(markdown).toContain('| 🟥 critical | 2 |');
    expect(markdown).toContain('| **Total open** | **18** |');
    expect(markdown).toContain('**Coverage: ⚠️ incomplete** — 2 of 5');
    expect(markdown).toContain('6E1D9A5B-0C3F-4A7E-9B1D-2F8C7E6A5B4C');
    expect(markdown).toContain('**Not compared**');
    expect(markdown).toContain('| `public-exposure` | Internet-reachable port accepts public sources | 🟥 critical | 3 | 1 |');
    expect(markdown).toContain('| 🟥 critical | `public-exposure` | networkInterface `eni-bp1web01` (`web-01 primary`) | tcp/22 | internet: 0.0.0.0/0 |');
    expect(tableRows(markdown, '### Sample findings')).toHaveLength(18);
    expect(markdown).toContain('### Suppressed (2)');
    expect(markdown).toContain('Jump host, approved in SEC-1234');
    expect(markdown).toContain('| expired | `public-exposure:eni-old*` | Old jump host | bob | 2024-06-30 |');
    expect(markdown).not.toContain('more findings');
  });

  it('stays under 300 lines for 100,000 findings and thousands of root causes, every list capped', () => {
    const big = syntheticFindings({ findings: 100_000, seed: 8 });
    expect(big.rootCauses?.length).toBeGreaterThanOrEqual(2000);
    const crowded: FindingsDocument = {
      ...big,
      coverage: [...big.coverage, ...Array.from({ length: 500 }, (_, i) => ({ accountId: `acct-${i}`, regionId: 'cn-hangzhou', api: 'DescribeInstances' as const, status: 'failed' as const, message: 'timeout' }))],
      notCompared: Array.from({ length: 300 }, (_, i) => ({ accountId: `acct-${i}`, regionId: 'cn-hangzhou', reason: 'incomplete on one side' })),
      suppressions: Array.from({ length: 300 }, (_, i) => ({ matcher: `x-${i}`, reason: 'r', owner: 'o', expires: '2020-01-01', status: 'expired' as const })),
    };
    const output = renderMarkdown(crowded);
    expect(output.split('\n').length).toBeLessThan(300);
    expect(output.length).toBeLessThanOrEqual(60_000);
    expect(tableRows(output, '### Top risks')).toHaveLength(20);
    expect(output).toContain(`… and ${((big.rootCauses?.length ?? 0) - 20).toLocaleString('en-US')} more of ${(big.rootCauses?.length ?? 0).toLocaleString('en-US')} root causes`);
  });

  it.each([2_000, 10_000, 60_000])('stays within maxChars=%i on 20,000 findings and says how many were left out', (maxChars) => {
    const big = syntheticFindings({ findings: 20_000, seed: 3 });
    const output = renderMarkdown(big, { maxChars });
    expect(output.length).toBeLessThanOrEqual(maxChars);
    const shown = tableRows(output, '### Sample findings').length;
    const active = big.findings.filter((finding) => !finding.suppressed).length;
    const omitted = Number(/… and ([\d,]+) more findings/.exec(output)?.[1]?.replace(/,/g, ''));
    expect(shown + omitted).toBe(active);
    expect(output).toContain('### Findings by check');
    // Top risks are what the comment is for: the sample gives way first.
    if (maxChars >= 10_000) expect(tableRows(output, '### Top risks').length).toBeGreaterThan(0);
    if (maxChars >= 60_000) expect(shown).toBeGreaterThan(0);
    // The budget is used, not wasted: what was left out would not have fit.
    if (maxChars < 60_000) expect(output.length).toBeGreaterThan(maxChars - 3_000);
  });

  it('is deterministic', () => {
    expect(renderMarkdown(doc)).toBe(markdown);
  });
});
