import { describe, expect, it } from 'vitest';
import { accountMatcher } from '../../src/config/account-selector.js';
import type { FindingsDocument } from '../../src/model/findings.js';
import type { Coverage } from '../../src/model/snapshot.js';
import { formatAccounts } from '../../src/pipeline/summary.js';
import { accountViews, selectAccounts } from '../../src/report/accounts.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { loadFixture } from './helpers.js';

const PROD = '1234567890123456';
const APP = '9876543210987654';

const entry = (accountId: string, api: Coverage['api'], status: Coverage['status'], extra: Partial<Coverage> = {}): Coverage => ({ accountId, regionId: api === 'AssumeRole' || api === 'DescribeRegions' || api === 'ListAccounts' ? 'global' : 'cn-hangzhou', api, status, ...extra });

describe('accountViews', () => {
  const doc = loadFixture();

  it('one row per account of the fixture, counted from its findings, with its worst root cause', () => {
    const views = accountViews(doc);
    expect(views.map((view) => [view.accountId, view.coverage, view.open, view.suppressed, view.worst, view.topCause?.key, view.regions])).toEqual([
      [PROD, 'partial', { critical: 2, high: 3, medium: 4, low: 2, info: 0 }, 0, 'critical', 'sg-bp1legacy/sgr-all', ['cn-hangzhou']],
      [APP, 'partial', { critical: 0, high: 1, medium: 3, low: 2, info: 1 }, 2, 'high', 'sg-uf6app/sgr-8080', ['cn-shanghai', 'us-west-1']],
    ]);
    const total = views.reduce((sum, view) => sum + view.openTotal, 0);
    expect(total).toBe(doc.summary.total - doc.summary.suppressed);
    expect(views[1]?.coverageText).toBe('partial: 1 of 2 scopes incomplete (DescribeInstances denied, Forbidden.RAM, request id 0A1B2C3D-4E5F-6789-ABCD-EF0123456789)');
  });

  // Each row: the coverage of one account (and whether it has findings) → its status, order key and text.
  it.each<[string, Coverage[], string, RegExp]>([
    ['every call complete', [entry('1', 'AssumeRole', 'complete'), entry('1', 'DescribeInstances', 'complete')], 'complete', /^complete$/],
    ['role denied: nothing read', [entry('1', 'AssumeRole', 'denied', { code: 'NoPermission', requestId: 'R-1', message: 'not authorized' })], 'not collected', /^not collected: AssumeRole denied, NoPermission, request id R-1 — not authorized$/],
    ['member not active', [entry('1', 'AssumeRole', 'failed', { code: 'AccountNotActive', requestId: 'R-2' })], 'not collected', /^not collected: AssumeRole failed, AccountNotActive, request id R-2$/],
    ['regions could not be listed', [entry('1', 'AssumeRole', 'complete'), entry('1', 'DescribeRegions', 'denied', { code: 'Forbidden.RAM' })], 'not collected', /^not collected: DescribeRegions denied, Forbidden.RAM$/],
    ['every region forbidden', [entry('1', 'DescribeRegions', 'complete'), entry('1', 'DescribeInstances', 'denied', { code: 'Forbidden.RAM' }), entry('1', 'DescribeSecurityGroups', 'denied', { code: 'Forbidden.RAM' })], 'not collected', /^not collected: DescribeInstances denied/],
    ['one API failed, the rest read', [entry('1', 'DescribeInstances', 'failed', { code: 'InternalError' }), entry('1', 'DescribeSecurityGroups', 'complete')], 'partial', /^partial: 1 of 2 scopes incomplete \(DescribeInstances failed, InternalError\)$/],
    ['the directory listing is not the account’s own coverage', [entry('1', 'ListAccounts', 'failed'), entry('1', 'DescribeInstances', 'complete')], 'complete', /^complete$/],
  ])('%s', (_name, coverage, expected, text) => {
    const [view] = accountViews({ ...doc, coverage, findings: [], rootCauses: [] });
    expect(view?.coverage).toBe(expected);
    expect(view?.coverageText).toMatch(text);
  });

  it('orders: not collected first, then by findings worst first, partly collected before complete, then id', () => {
    const coverage = [
      entry('5', 'DescribeInstances', 'complete'),
      entry('4', 'DescribeInstances', 'failed'),
      entry('4', 'DescribeSecurityGroups', 'complete'),
      entry('3', 'AssumeRole', 'denied'),
      entry('2', 'DescribeInstances', 'complete'),
      entry('1', 'DescribeInstances', 'complete'),
    ];
    const finding = (accountId: string, severity: 'critical' | 'low') => ({ ...(doc.findings[0] as FindingsDocument['findings'][number]), id: `${accountId}-${severity}-${Math.random()}`, accountId, severity, suppressed: undefined });
    const findings = [finding('2', 'low'), finding('2', 'low'), finding('1', 'low'), finding('1', 'critical')];
    const order = accountViews({ ...doc, coverage, findings, rootCauses: [] }).map((view) => view.accountId);
    expect(order).toEqual(['3', '1', '2', '4', '5']);
  });

  it('an account ListAccounts merely names has no row; an account with findings but no coverage is "not recorded"', () => {
    const views = accountViews({ ...doc, coverage: [entry('mgmt', 'ListAccounts', 'complete')], findings: doc.findings.filter((finding) => finding.accountId === APP) });
    expect(views.map((view) => [view.accountId, view.coverage])).toEqual([[APP, 'not recorded']]);
  });

  it('takes aliases from the coverage', () => {
    const [view] = accountViews({ ...doc, coverage: [entry('7', 'AssumeRole', 'denied', { alias: 'sandbox' }), entry('7', 'DescribeInstances', 'denied')], findings: [] });
    expect(view).toMatchObject({ accountId: '7', alias: 'sandbox' });
  });
});

describe('selectAccounts (--accounts on analyze and report)', () => {
  const doc = loadFixture();

  it.each<[string, string[], string[]]>([
    ['one id', [APP], [APP]],
    ['a glob on ids', ['1234*'], [PROD]],
    ['both', [PROD, APP], [PROD, APP]],
    ['an alias', ['app-prod'], [APP]],
    ['none', ['nobody'], []],
  ])('%s', (_name, selectors, expected) => {
    const withAlias = { ...doc, coverage: doc.coverage.map((c) => (c.accountId === APP ? { ...c, alias: 'app-prod' } : c)) };
    const narrowed = selectAccounts(withAlias, accountMatcher(selectors));
    expect([...new Set(narrowed.findings.map((finding) => finding.accountId))].sort()).toEqual(expected);
    expect([...new Set(narrowed.coverage.map((c) => c.accountId))].sort()).toEqual(expected);
    expect(narrowed.rootCauses?.every((cause) => expected.includes(cause.accountId))).toBe(true);
    expect(narrowed.notCompared?.every((scope) => expected.includes(scope.accountId))).toBe(true);
    // The summary is counted again from what is left.
    const open = narrowed.findings.filter((finding) => !finding.suppressed);
    expect(narrowed.summary.total).toBe(narrowed.findings.length);
    expect(narrowed.summary.suppressed).toBe(narrowed.findings.length - open.length);
    expect(Object.values(narrowed.summary.bySeverity).reduce((a, b) => a + b, 0)).toBe(open.length);
    expect(Object.keys(narrowed.summary.byCheck)).toEqual(Object.keys(doc.summary.byCheck));
    expect(narrowed.checks).toBe(doc.checks);
  });
});

describe('per-account lines of the summary and rows of the Markdown report', () => {
  const doc = loadFixture();

  it('the terminal summary: one line per account, not collected first with its reason', () => {
    const coverage = [...doc.coverage, entry('5555000055550000', 'AssumeRole', 'denied', { alias: 'sandbox', code: 'NoPermission', requestId: 'R-9' })];
    expect(formatAccounts({ ...doc, coverage })).toEqual([
      'by account (3):',
      '  5555000055550000 (sandbox)  NOT COLLECTED — AssumeRole denied, NoPermission, request id R-9',
      `  ${PROD}            critical 2  high 3  medium 4  low 2  info 0  (partial)  top: sg-bp1legacy/sgr-all (<script>alert("name")</script>) all protocols and ports`,
      `  ${APP}            critical 0  high 1  medium 3  low 2  info 1  (partial)  top: sg-uf6app/sgr-8080 (app, "quoted", comma) tcp 8080`,
    ]);
    expect(formatAccounts({ ...doc, coverage: doc.coverage.filter((c) => c.accountId === PROD), findings: doc.findings.filter((f) => f.accountId === PROD) })).toEqual([]);
  });

  it('Markdown lists one row per account up to maxAccountRows, then says how many more', () => {
    const coverage = Array.from({ length: 60 }, (_, i) => entry(String(1000 + i), 'AssumeRole', i < 3 ? 'denied' : 'complete', { code: i < 3 ? 'NoPermission' : undefined }));
    const markdown = renderMarkdown({ ...doc, coverage }, { maxAccountRows: 40 });
    const section = markdown.slice(markdown.indexOf('### Accounts')).split('\n### ')[0] as string;
    const rows = section.split('\n').filter((line) => /^\| `\d+` \|/.test(line));
    expect(rows).toHaveLength(40);
    // The three not collected, then the two accounts with findings, then the clean ones by id.
    expect(rows.slice(0, 3).every((row) => row.includes('not collected: AssumeRole denied, NoPermission'))).toBe(true);
    expect(rows.slice(3, 5).map((row) => /`(\d+)`/.exec(row)?.[1])).toEqual([PROD, APP]);
    expect(/`(\d+)`/.exec(rows[5] as string)?.[1]).toBe('1003');
    expect(markdown).toContain('### Accounts (62)');
    expect(markdown).toContain('… and 22 more accounts: the HTML report lists them all.');
  });
});
