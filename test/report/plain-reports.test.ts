import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { beforeAll, describe, expect, it } from 'vitest';
import { diffFiles } from '../../src/analyze/drift/load.js';
import type { Finding, FindingsDocument } from '../../src/model/findings.js';
import { renderCsv } from '../../src/report/csv.js';
import { renderHtml } from '../../src/report/html.js';
import { escapeMarkdown } from '../../src/report/markdown-escape.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { topRisks } from '../../src/report/root-causes.js';
import { decodeAll } from './client-data.js';
import { embeddedData, loadFixture } from './helpers.js';
import { syntheticFindings } from './synthetic-findings.js';

const DRIFT_FIXTURES = fileURLToPath(new URL('../fixtures/drift/', import.meta.url));
const now = new Date('2026-12-07T00:00:00Z');
const occurrences = (text: string, part: string) => text.split(part).length - 1;

/** Every document a fixture gives: the report fixture, synthetic findings, and the diff of every drift fixture pair. */
const documents: [string, FindingsDocument][] = [];
beforeAll(async () => {
  documents.push(['the report fixture', loadFixture()], ['2,000 synthetic findings', syntheticFindings({ findings: 2000, seed: 5 })]);
  for (const name of readdirSync(DRIFT_FIXTURES).sort()) {
    const dir = join(DRIFT_FIXTURES, name);
    if (existsSync(join(dir, 'old.json'))) documents.push([`diff ${name}`, await diffFiles(join(dir, 'old.json'), join(dir, 'new.json'), { now })]);
    else for (const file of readdirSync(dir).filter((entry) => entry.endsWith('.tfstate.json'))) documents.push([`diff ${name}/${file}`, await diffFiles(join(dir, file), join(dir, 'live.json'), { now })]);
  }
});

describe('Markdown is plain text', () => {
  it('has no HTML entity in the Markdown of any fixture (names and ids are code spans, other text is backslash-escaped)', () => {
    expect(documents.length).toBeGreaterThan(10);
    for (const [name, doc] of documents) {
      const markdown = renderMarkdown(doc);
      expect(markdown, name).not.toMatch(/&(#\d+|#x[0-9a-f]+|[a-z]+);/i);
      expect(markdown, name).not.toContain('&quot;');
      expect(markdown, name).not.toContain('&#');
    }
  });
});

describe('reports without padding', () => {
  const doc = loadFixture();

  it.each(loadFixture().checks.map((check) => [check.id, check.remediation]))('%s: its remediation appears at most once in the HTML and the Markdown', (_id, remediation) => {
    const html = renderHtml(doc);
    expect(occurrences(html, Handlebars.escapeExpression(remediation))).toBeLessThanOrEqual(1);
    expect(occurrences(renderMarkdown(doc), escapeMarkdown(remediation))).toBeLessThanOrEqual(1);
  });

  it('shows each fix of a drift kind once in the drift section, with the kinds it is for', () => {
    const reverting = 'Revert the change, or approve the current state as the new baseline if it was intended.';
    const kinds = ['rule-added', 'rule-modified', 'group-removed'];
    const drift: FindingsDocument = {
      ...doc,
      findings: doc.findings.map((finding) => (kinds.includes(String(finding.detail.extra?.['kind'])) ? { ...finding, remediation: reverting } : finding)),
    };
    const html = renderHtml(drift);
    expect(occurrences(html, reverting)).toBe(1);
    expect(html).toContain(`<li><code>rule-added, rule-modified, group-removed</code>: ${reverting}</li>`);
  });

  it('keeps the findings data free of per-finding remediation: one string, however many findings share it', () => {
    const big = syntheticFindings({ findings: 2000, seed: 5 });
    const data = embeddedData(renderHtml(big));
    for (const check of big.checks) expect(data.strings.filter((value) => value === check.remediation).length, check.id).toBeLessThanOrEqual(1);
  });

  it('links the docs of each check', () => {
    const html = renderHtml(doc);
    expect(html).toContain('<tr id="check-unused-group">');
    expect(html).toContain('<a href="docs/checks/unused-group.md" rel="noopener noreferrer">docs/checks/unused-group.md</a>');
    expect(html).not.toMatch(/<a href="(javascript|data):/i);
  });
});

describe('sources of exposure in their shortest faithful form', () => {
  const LONG = ['0.0.0.0/5', '8.0.0.0/7', '11.0.0.0/8', '12.0.0.0/6', '16.0.0.0/4', '… 15 more'];
  const SUMMARY = 'internet: 0.0.0.0/0 except 10.0.0.0/8';
  /** The fixture with one exposure finding whose sources list runs long and whose breadth says it in a line. */
  function widened(keepRootCauses: boolean): { doc: FindingsDocument; finding: Finding } {
    const source = loadFixture();
    const finding: Finding = { ...(source.findings.find((candidate) => candidate.check === 'public-exposure' && candidate.severity === 'critical') as Finding) };
    finding.detail = { ...finding.detail, sources: LONG };
    finding.breadth = { class: 'internet', publicIpv4: 3_000_000_000, publicIpv6: '0', summary: SUMMARY };
    const findings = source.findings.map((candidate) => (candidate.id === finding.id ? finding : candidate));
    return { doc: { ...source, findings, ...(keepRootCauses ? {} : { rootCauses: undefined }) }, finding };
  }

  it('prints the breadth summary on the finding, without the class its tag shows', () => {
    const { doc, finding } = widened(true);
    const card = decodeAll(embeddedData(renderHtml(doc))).find((decoded) => decoded.id === finding.id);
    expect(card?.detail).toContainEqual(['Sources', '0.0.0.0/0 except 10.0.0.0/8']);
    expect(card?.breadth).toEqual(['internet', SUMMARY]);
    expect(JSON.stringify(card?.detail)).not.toContain('15 more');
    expect(renderMarkdown(doc)).not.toContain('15 more');
  });

  it('rebuilds the sources of an older document’s root causes from the breadth', () => {
    const { doc, finding } = widened(false);
    const rule = finding.evidence.find((entry) => entry.role === 'decides');
    const cause = topRisks(doc).causes.find((candidate) => candidate.groupId === rule?.groupId && candidate.ruleId === rule?.ruleId);
    expect(cause?.sources).toEqual(['0.0.0.0/0 except 10.0.0.0/8']);
  });

  it('keeps detail.sources as they are in the CSV data', () => {
    const { doc } = widened(true);
    expect(renderCsv(doc)).toContain(LONG.join(' '));
  });
});
