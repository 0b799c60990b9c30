import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, guardFormula, quoteCsv, renderCsv } from '../../src/report/csv.js';
import { sortFindings } from '../../src/report/order.js';
import { formatRulePorts } from '../../src/report/describe.js';
import type { Finding } from '../../src/model/findings.js';
import { loadFixture } from './helpers.js';

describe('CSV cells', () => {
  it.each([
    ['=HYPERLINK("x")', "'=HYPERLINK(\"x\")"],
    ['+cmd', "'+cmd"],
    ['-2+3', "'-2+3"],
    ['@SUM(1+1)', "'@SUM(1+1)"],
    ['\tTAB', "'\tTAB"],
    ['a=b', 'a=b'],
    ['10.0.0.0/8', '10.0.0.0/8'],
    ['', ''],
  ])('guardFormula(%j) = %j', (input, expected) => {
    expect(guardFormula(input)).toBe(expected);
  });

  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\r', '"cr\r"'],
  ])('quoteCsv(%j) = %j', (input, expected) => {
    expect(quoteCsv(input)).toBe(expected);
  });
});

describe('CSV report', () => {
  const doc = loadFixture();
  const csv = renderCsv(doc);
  const rows = parse(csv, { relax_column_count: false }) as string[][];

  it('has the stable header and one row per finding', () => {
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows).toHaveLength(doc.findings.length + 1);
    expect(csv.endsWith('\r\n')).toBe(true);
  });

  it('round-trips through csv-parse to the same cell values (formula cells guarded)', () => {
    const expectedCell = (finding: Finding, column: (typeof CSV_COLUMNS)[number]): string => {
      const raw: Record<typeof column, string> = {
        id: finding.id,
        severity: finding.severity,
        check: finding.check,
        title: finding.title,
        account: finding.accountId,
        region: finding.regionId,
        resource_type: finding.resource.type,
        resource_id: finding.resource.id,
        resource_name: finding.resource.name ?? '',
        protocol: finding.detail.protocol ?? '',
        ports: formatRulePorts(finding.detail.protocol, finding.detail.ports),
        sources: (finding.detail.sources ?? []).join(' '),
        suppressed: finding.suppressed ? 'true' : 'false',
        message: finding.message,
        remediation: finding.remediation,
        breadth: finding.breadth?.class ?? '',
        breadth_summary: finding.breadth?.summary ?? '',
        instance_id: finding.instance?.id ?? '',
        root_causes: (finding.rootCauses ?? []).join(' '),
        // The fixture's coverage names no provider: every account is Alibaba's.
        provider: 'alicloud',
      };
      return guardFormula(raw[column]);
    };
    const expected = sortFindings(doc.findings).map((finding) => CSV_COLUMNS.map((column) => expectedCell(finding, column)));
    expect(rows.slice(1)).toEqual(expected);
  });

  it('keeps hostile cells as text: quotes, commas, formulas', () => {
    const byId = new Map(rows.slice(1).map((row) => [row[0], row]));
    const rdp = [...byId.values()].find((row) => row[7] === 'eni-uf6win01');
    expect(rdp?.[8]).toBe("'+cmd|' /C calc'!A0");
    expect(rdp?.[13]).toBe('\'=HYPERLINK("http://evil.invalid","click") accepts tcp/3389 from 100.0.0.0/6.');
    expect(rdp?.[12]).toBe('true');
    expect(rdp?.slice(15)).toEqual(['internet', 'internet: 100.0.0.0/6', 'i-uf6win01', 'sg-uf6win/sgr-rdp', 'alicloud']);
    // No cell a spreadsheet would run as a formula.
    for (const row of rows) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@]/);
  });
});
