import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/report/markdown.js';
import { escapeMarkdown, singleLine } from '../../src/report/markdown-escape.js';
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
    ['line one\nline two\r\nthree', 'line one line two three'],
    // HTML-significant characters are left to Handlebars' escaping, which runs after this.
    ['<script>', '<script>'],
    ['ping @octocat and @org/team', 'ping @\u200boctocat and @\u200borg/team'],
    ['owner alice@example.com', 'owner alice@example.com'],
  ])('%j → %j', (input, expected) => {
    expect(escapeMarkdown(input)).toBe(expected);
  });

  it('singleLine keeps a blank line from ending an HTML block', () => {
    expect(singleLine('a\n\n  b')).toBe('a b');
  });
});

describe('Markdown report', () => {
  const doc = loadFixture();
  const markdown = renderMarkdown(doc);

  it('shows hostile strings only as escaped text', () => {
    expect(markdown).not.toContain('<script>');
    expect(markdown).not.toContain('<img');
    expect(markdown).not.toContain('<b>');
    expect(markdown).toContain('&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;');
    expect(markdown).toContain('db \\| prod \\*bold\\* \\_it\\_ \\[link\\](javascript:alert(1))');
    expect(markdown).toContain('{{7\\*7}}');
    // A description with blank lines and "# heading" stays inside its table cell.
    expect(markdown).toContain('line one line two  \\# heading');
  });

  it('summarizes severities, coverage, checks, suppressed findings and stale suppressions', () => {
    expect(markdown).toContain('| 🟥 critical | 2 |');
    expect(markdown).toContain('| **Total open** | **18** |');
    expect(markdown).toContain('**Coverage: ⚠️ incomplete** — 2 of 5');
    expect(markdown).toContain('6E1D9A5B-0C3F-4A7E-9B1D-2F8C7E6A5B4C');
    expect(markdown).toContain('**Not compared**');
    expect(markdown).toContain('### public-exposure — Internet-reachable port accepts public sources (3)');
    expect(markdown).toContain('### Suppressed (2)');
    expect(markdown).toContain('Jump host, approved in SEC-1234');
    expect(markdown).toContain('| expired | public-exposure:eni-old\\* | Old jump host | bob | 2024-06-30 |');
    expect(markdown.match(/<details>/g)).toHaveLength(18);
    expect(markdown.match(/<\/details>/g)).toHaveLength(18);
    expect(markdown).not.toContain('more findings');
  });

  it('lists the worst findings of a check first', () => {
    const exposure = markdown.slice(markdown.indexOf('### public-exposure'));
    expect(exposure.indexOf('🟥 CRITICAL')).toBeLessThan(exposure.indexOf('🟧 HIGH'));
  });

  it.each([2_000, 10_000, 60_000])('stays within maxChars=%i on 20,000 findings and says how many were left out', (maxChars) => {
    const big = syntheticFindings({ findings: 20_000, seed: 3 });
    const output = renderMarkdown(big, { maxChars });
    expect(output.length).toBeLessThanOrEqual(maxChars);
    const shown = (output.match(/<details>/g) ?? []).length;
    const active = big.findings.filter((finding) => !finding.suppressed).length;
    const omitted = Number(/… and (\d+) more findings/.exec(output)?.[1]);
    expect(shown + omitted).toBe(active);
    expect(output).toContain('### Findings by check');
    if (maxChars >= 10_000) expect(shown).toBeGreaterThan(0);
    // The budget is used, not wasted: the next finding would not have fit.
    expect(output.length).toBeGreaterThan(maxChars - 3_000);
  });

  it('is deterministic', () => {
    expect(renderMarkdown(doc)).toBe(markdown);
  });
});
