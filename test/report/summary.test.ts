import { describe, expect, it } from 'vitest';
import type { FindingsDocument, RootCause } from '../../src/model/findings.js';
import { formatScanSummary } from '../../src/pipeline/summary.js';
import { loadFixture } from './helpers.js';

const causeLines = (summary: string) => summary.split('\n').filter((line) => / → \d+ internet-facing interfaces?$/.test(line));

describe('formatScanSummary', () => {
  const doc = loadFixture();

  it('names the top root causes after the severity line, one line each, worst first', () => {
    // The fixture's coverage is incomplete: that is said first, then the counts.
    const lines = formatScanSummary(doc).split('\n');
    expect(lines[0]).toMatch(/^INCOMPLETE: \d+ of \d+ scope\(s\) were not collected completely/);
    expect(lines[2]).toBe('  critical 2  high 4  medium 7  low 4  info 1');
    expect(lines[3]).toBe('top root causes:');
    expect(lines.slice(4, 9)).toEqual([
      '  critical  sg-bp1legacy/sgr-all (<script>alert("name")</script>) all protocols and ports from internet: 1.0.0.0/1 → 1 internet-facing interface',
      '  critical  sg-bp1web/sgr-ssh (web) tcp 22 (ssh) from internet: 0.0.0.0/0 → 1 internet-facing interface',
      '  high      sg-uf6app/sgr-8080 (app, "quoted", comma) tcp 8080 from internet: ::/0 → 1 internet-facing interface',
      '  high      sg-uf6win/sgr-rdp (@SUM(1+1)) tcp 3389 (rdp) from internet: 100.0.0.0/6 → 1 internet-facing interface',
      '  medium    sg-bp1db/sgr-mysql (db | prod *bold* _it_ [link](javascript:alert(1))) tcp 3306 (mysql) from internet: 0.0.0.0/0 → 0 internet-facing interfaces',
    ]);
  });

  it('opens with a scan that collected nothing, and says nothing of the kind when coverage is complete', () => {
    const failed = formatScanSummary({ ...doc, coverage: doc.coverage.map((entry) => ({ ...entry, status: 'denied' as const })) });
    expect(failed.split('\n')[0]).toMatch(/^SCAN FAILED: nothing was collected/);
    const complete = formatScanSummary({ ...doc, coverage: doc.coverage.map((entry) => ({ ...entry, status: 'complete' as const })) });
    expect(complete.split('\n')[0]).toMatch(/^\d+ open findings/);
  });

  it('names five of many, and says how many there are', () => {
    const causes = Array.from({ length: 12 }, (_, i): RootCause => ({ ...(doc.rootCauses?.[0] as RootCause), key: `sg-x/sgr-${i}`, ruleId: `sgr-${i}`, internetInterfaces: 140 - i }));
    const summary = formatScanSummary({ ...doc, rootCauses: causes });
    expect(summary).toContain('top root causes, 5 of 12:');
    expect(causeLines(summary)).toHaveLength(5);
    expect(causeLines(summary)[0]).toBe('  critical  sg-bp1legacy/sgr-0 (<script>alert("name")</script>) all protocols and ports from internet: 1.0.0.0/1 → 140 internet-facing interfaces');
  });

  it('keeps a rule that exposes dozens of services to one line', () => {
    const exposes = ['tcp 1-79 (tcp/20-21 FTP, tcp/22 SSH, tcp/23 Telnet, …)', 'tcp 81-442 (tcp/111 RPC portmapper, tcp/135 MS RPC, …)', 'udp 1-65535 (udp/53 DNS, …)'];
    const causes = (doc.rootCauses ?? []).map((cause, i) => (i === 0 ? { ...cause, exposes } : cause));
    const line = causeLines(formatScanSummary({ ...doc, rootCauses: causes }))[0] ?? '';
    expect(line).toBe('  critical  sg-bp1legacy/sgr-all (<script>alert("name")</script>) tcp 1-79 (tcp/20-21 FTP, tcp/22 SSH, tcp/23 Telnet, …), tcp 81-442 (tcp/111 RPC… from internet: 1.0.0.0/1 → 1 internet-facing interface');
  });

  it.each<[string, string, string]>([
    ['an escape sequence', 'web\u001b[2J\u001b]0;pwned\u0007', 'web\\u001b[2J\\u001b]0;pwned\\u0007'],
    ['a line break', 'web\nfake line', 'web\\u000afake line'],
    ['a C1 control', 'web\u009b31m', 'web\\u009b31m'],
    ['a right-to-left override', 'web\u202eevil', 'web\\u202eevil'],
  ])('shows %s in a group name escaped, never raw', (_name, groupName, shown) => {
    const causes = (doc.rootCauses ?? []).map((cause, i) => (i === 0 ? { ...cause, groupName } : cause));
    const summary = formatScanSummary({ ...doc, rootCauses: causes });
    expect(causeLines(summary)[0]).toContain(`(${shown})`);
    // eslint-disable-next-line no-control-regex -- control characters are what must not get through
    expect(summary).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
  });

  it.each<[string, (source: FindingsDocument) => FindingsDocument, string | undefined, number]>([
    ['rebuilds them from critical findings for an older document', (source) => ({ ...source, rootCauses: undefined }), 'top root causes (from critical findings):', 2],
    ['leaves them out when there are none', (source) => ({ ...source, rootCauses: [] }), undefined, 0],
  ])('%s', (_name, change, header, count) => {
    const summary = formatScanSummary(change(doc));
    if (header) expect(summary).toContain(header);
    else expect(summary).not.toContain('top root causes');
    expect(causeLines(summary)).toHaveLength(count);
  });
});
