import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateEstate } from '../../src/emulator/index.js';
import { writeSnapshot } from '../../src/model/snapshot-file.js';
import { SNAPSHOT_SCHEMA } from '../../src/model/snapshot.js';
import type { WhatIfReport } from '../../src/report/whatif.js';
import { runMain } from '../ops/helpers.js';
import { sarifValidator } from '../report/helpers.js';
import { estate, FIXTURES } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'sgaudit-whatif-'));
const snapshotPath = join(dir, 'estate.jsonl.gz');
const run = (...args: string[]) => runMain(args);

async function report(change: string, ...args: string[]): Promise<{ code: number; report: WhatIfReport }> {
  const { code, stdout } = await run('whatif', snapshotPath, '--change', change, '--format', 'json', ...args);
  return { code, report: JSON.parse(stdout) as WhatIfReport };
}

beforeAll(async () => {
  await writeSnapshot(snapshotPath, estate());
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sgaudit whatif on Terraform plans (test/fixtures/whatif/*.plan.json)', () => {
  it('a rule opening 3389 to 0.0.0.0/0 on a group of a public instance: critical, exit 1, pointed at the rule', async () => {
    const plan = join(FIXTURES, 'open-rdp.plan.json');
    const { code, report: result } = await report(plan);
    expect(code).toBe(1);
    const rdp = result.delta.added.find((entry) => entry.finding.check === 'public-exposure' && entry.finding.detail.ports?.from === 3389);
    expect(rdp?.finding).toMatchObject({ severity: 'critical', resource: { id: 'eni-web' }, breadth: { class: 'internet' } });
    expect(rdp?.changes.map((index) => result.changes[index]?.origin.address)).toEqual(['alicloud_security_group_rule.rdp']);
    expect(result.failures.length).toBeGreaterThan(0);

    const sarif = JSON.parse((await run('whatif', snapshotPath, '--change', plan, '--format', 'sarif')).stdout) as { runs: { results: { ruleId: string; locations: { logicalLocations?: { name: string; fullyQualifiedName: string; kind: string }[] }[] }[] }[] };
    const validate = sarifValidator();
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
    const located = sarif.runs[0]?.results.find((r) => r.ruleId === 'public-exposure');
    expect(located?.locations[0]?.logicalLocations?.[0]).toEqual({ name: 'alicloud_security_group_rule.rdp', fullyQualifiedName: 'alicloud_security_group_rule.rdp', kind: 'resource' });

    const markdown = (await run('whatif', snapshotPath, '--change', plan, '--format', 'markdown')).stdout;
    expect(markdown.split('\n')[0]).toMatch(/^### sgaudit whatif: ❌ FAIL/);
    expect(markdown).toContain('`alicloud_security_group_rule.rdp`');
  });

  it('tightening an open rule to a partner range: re-ranked critical → low, no new high or critical, exit 0', async () => {
    const { code, report: result } = await report(join(FIXTURES, 'tighten.plan.json'));
    expect(code).toBe(0);
    expect(result.failures).toEqual([]);
    expect(result.delta.added.filter((entry) => entry.finding.severity === 'critical' || entry.finding.severity === 'high')).toEqual([]);
    const ssh = result.delta.changed.find((entry) => entry.finding.check === 'public-exposure' && entry.finding.detail.ports?.from === 22);
    expect(ssh?.before?.severity).toBe('critical');
    expect(ssh?.finding).toMatchObject({ severity: 'low', resource: { id: 'eni-admin' }, breadth: { class: 'allow-listed' } });
  });

  it('a new public instance in an existing open group: its interface is critically exposed, exit 1', async () => {
    const { code, report: result } = await report(join(FIXTURES, 'new-public-instance.plan.json'));
    expect(code).toBe(1);
    const exposed = result.delta.added.find((entry) => entry.finding.check === 'public-exposure');
    expect(exposed?.finding.severity).toBe('critical');
    expect(exposed?.finding.instance?.id).toMatch(/alicloud_instance\.jump/);
    expect(result.assumptions.join(' ')).toMatch(/internet_max_bandwidth_out/);
  });

  it('unknown-after-apply values are taken at their widest and said so', async () => {
    const plan = join(FIXTURES, 'unknown-after-apply.plan.json');
    const { code, report: result } = await report(plan);
    expect(code).toBe(1);
    expect(result.assumptions.some((line) => /known only after apply/.test(line) && /0\.0\.0\.0\/0/.test(line))).toBe(true);
    expect(result.delta.added.some((entry) => entry.finding.severity === 'critical')).toBe(true);
    expect((await run('whatif', snapshotPath, '--change', plan)).stdout).toContain('Assumed (unknown until apply, taken at their widest):');
  });

  it('--fail-on sets the gate; a tightening passes at any threshold', async () => {
    expect((await report(join(FIXTURES, 'open-rdp.plan.json'), '--fail-on', 'critical')).code).toBe(1);
    // The re-ranked finding went down (critical → low): nothing was added or raised.
    expect((await report(join(FIXTURES, 'tighten.plan.json'), '--fail-on', 'info')).code).toBe(0);
    const web = join(dir, 'web-8080.yaml');
    writeFileSync(web, 'changes:\n  - add-rule: { group: sg-web, protocol: tcp, ports: 8080, source: 0.0.0.0/0 }\n');
    const high = await report(web);
    expect(high.code).toBe(1);
    expect(high.report.delta.added.find((entry) => entry.finding.check === 'public-exposure')?.finding.severity).toBe('high');
    expect((await report(web, '--fail-on', 'critical')).code).toBe(0);
  });
});

describe('sgaudit whatif on change files', () => {
  it('a drop in front of the open SSH rule removes the bastion exposure (exit 0)', async () => {
    const file = join(dir, 'drop.yaml');
    writeFileSync(file, 'changes:\n  - add-rule: { group: sg-admin, protocol: tcp, ports: 22, source: 0.0.0.0/0, policy: drop, priority: 1 }\n');
    const { code, report: result } = await report(file);
    expect(code).toBe(0);
    expect(result.delta.added.filter((entry) => entry.finding.check === 'public-exposure')).toEqual([]);
    const removed = result.delta.removed.find((entry) => entry.finding.check === 'public-exposure' && entry.finding.resource.id === 'eni-admin');
    expect(removed?.finding.severity).toBe('critical');
  });

  it('a typo in a group id is a usage error naming the id and the nearest one', async () => {
    const { code, stdout, stderr } = await run('whatif', snapshotPath, '--change', join(FIXTURES, 'typo.yaml'));
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/sg-wbe/);
    expect(stderr).toMatch(/sg-web/);
  });

  it('requires --change and a known format', async () => {
    expect((await run('whatif', snapshotPath)).code).toBe(2);
    expect((await run('whatif', snapshotPath, '--change', join(FIXTURES, 'typo.yaml'), '--format', 'html')).code).toBe(2);
  });

  it('a change with many findings still fits a pull-request comment (≤ 60 lines, worst first, the rest counted)', async () => {
    const big = generateEstate({ instances: 300, groups: 60, rulesPerGroup: 10, enis: 360, eips: 60, seed: 5 });
    const bigPath = join(dir, 'big.jsonl.gz');
    await writeSnapshot(bigPath, { schema: SNAPSHOT_SCHEMA, id: 'big', takenAt: '2026-01-01T00:00:00Z', tool: { name: 'sgaudit', version: 'test' }, provider: 'alicloud', coverage: [], accounts: big.accounts });
    const groups = big.accounts.flatMap((a) => a.regions.flatMap((r) => r.securityGroups.filter((g) => g.type === 'normal').map((g) => g.id))).slice(0, 40);
    const file = join(dir, 'wide.yaml');
    writeFileSync(file, `changes:\n${groups.map((group) => `  - add-rule: { group: ${group}, protocol: all, source: 0.0.0.0/0 }`).join('\n')}\n`);
    const { code, stdout } = await run('whatif', bigPath, '--change', file, '--format', 'markdown');
    expect(code).toBe(1);
    const lines = stdout.trimEnd().split('\n');
    expect(lines.length).toBeLessThanOrEqual(60);
    expect(lines.at(-1)).toMatch(/^… and \d+ more/);
    const severities = lines.filter((line) => line.startsWith('| added')).map((line) => line.split('|')[2]?.trim());
    expect(severities[0]).toBe('critical');
  });
});
