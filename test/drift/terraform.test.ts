import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { driftDocument } from '../../src/analyze/drift/index.js';
import { diffTerraform, parseProviderRuleId, parseTerraformState, readTerraformState } from '../../src/analyze/drift/terraform.js';
import { FindingsDocument } from '../../src/model/findings.js';
import { FIXTURES, clone, fixtureSnapshot } from './helpers.js';

const TF = join(FIXTURES, 'terraform');
const expected = parse(readFileSync(join(TF, 'expected.yaml'), 'utf8')) as { states: Record<string, { changes: string[] }> };
const live = () => fixtureSnapshot('terraform', 'live');

describe('Terraform state as baseline', () => {
  for (const [file, { changes }] of Object.entries(expected.states)) {
    it(`${file} against the live snapshot`, async () => {
      const state = await readTerraformState(join(TF, file));
      const drift = diffTerraform(state, live());
      expect(drift.changes.map((c) => `${c.kind} ${c.resource.id}`).sort()).toEqual([...changes].sort());
      expect(drift.notCompared).toEqual([]);
    });
  }

  it('unmanaged groups are info by default, configurable, or off', async () => {
    const state = await readTerraformState(join(TF, 'clean.tfstate.json'));
    const byDefault = driftDocument(live(), diffTerraform(state, live()), { now: new Date(0) });
    expect(byDefault.findings.map((f) => f.severity)).toEqual(['info', 'info']);
    expect(byDefault.baselineId).toBe('terraform:6f1c2d3e-0000-4000-8000-5a1e5a1e5a1e#10');
    expect(FindingsDocument.parse(byDefault)).toBeTruthy();
    expect(diffTerraform(state, live(), { unmanagedGroups: 'off' }).changes).toEqual([]);
    expect(diffTerraform(state, live(), { unmanagedGroups: 'low' }).changes.map((c) => c.severity)).toEqual(['low', 'low']);
  });

  it('a hand-added rule is medium, names the managing resource and the rule', async () => {
    const state = await readTerraformState(join(TF, 'hand-added-rule.tfstate.json'));
    const document = driftDocument(live(), diffTerraform(state, live(), { unmanagedGroups: 'off' }), { now: new Date(0) });
    expect(document.findings).toHaveLength(1);
    expect(document.findings[0]).toMatchObject({ severity: 'medium', resource: { type: 'rule', id: 'sgr-web-2' }, detail: { extra: { kind: 'unmanaged-rule', groupId: 'sg-web' } } });
    expect(document.findings[0]!.message).toContain('alicloud_security_group.web');
  });

  it('a managed rule deleted live names its Terraform address and provider id', async () => {
    const state = await readTerraformState(join(TF, 'deleted-managed-rule.tfstate.json'));
    const [change] = diffTerraform(state, live(), { unmanagedGroups: 'off' }).changes;
    expect(change?.message).toContain('alicloud_security_group_rule.web[3]');
    expect(change?.message).toContain('sg-web:ingress:tcp:8443/8443:intranet:10.0.0.0/8:accept:5');
  });

  it('a live rule changed in place (same SecurityGroupRuleId) is modified', async () => {
    const state = await readTerraformState(join(TF, 'clean.tfstate.json'));
    const current = live();
    current.accounts[0]!.regions[0]!.securityGroups.find((g) => g.id === 'sg-db')!.rules[0]!.description = 'changed in the console';
    const kinds = diffTerraform(state, current, { unmanagedGroups: 'off' }).changes.map((c) => `${c.kind} ${c.resource.id}`);
    expect(kinds).toEqual(['rule-modified sgr-db-1']);
  });

  it('membership and EIP association differences', async () => {
    const state = await readTerraformState(join(TF, 'clean.tfstate.json'));
    const current = live();
    const region = current.accounts[0]!.regions[0]!;
    region.networkInterfaces.find((e) => e.id === 'eni-web1')!.securityGroupIds = ['sg-web', 'sg-ops'];
    region.eips.find((e) => e.allocationId === 'eip-1')!.boundInstanceId = 'i-db1';
    const kinds = diffTerraform(state, current, { unmanagedGroups: 'off' }).changes.map((c) => `${c.kind} ${c.resource.id}`).sort();
    expect(kinds).toEqual(['eip-rebound eip-1', 'group-attached i-web1']);
  });

  it('a managed group missing live is removed, unless the live listing was incomplete', async () => {
    const state = await readTerraformState(join(TF, 'clean.tfstate.json'));
    const current = live();
    current.accounts[0]!.regions[0]!.securityGroups = current.accounts[0]!.regions[0]!.securityGroups.filter((g) => g.id !== 'sg-db');
    expect(diffTerraform(state, current, { unmanagedGroups: 'off' }).changes.map((c) => `${c.kind} ${c.resource.id}`)).toEqual(['group-removed sg-db']);
    const denied = clone(current);
    for (const entry of denied.coverage) if (entry.regionId === 'cn-hangzhou' && entry.api === 'DescribeSecurityGroups') entry.status = 'denied';
    const drift = diffTerraform(state, denied, { unmanagedGroups: 'off' });
    expect(drift.changes.filter((c) => c.kind === 'group-removed')).toEqual([]);
    expect(drift.notCompared).toHaveLength(1);
  });

  it('rules of a group that failed to page are not compared', async () => {
    const state = await readTerraformState(join(TF, 'clean.tfstate.json'));
    const current = live();
    current.accounts[0]!.regions[0]!.securityGroups.find((g) => g.id === 'sg-web')!.rules = [];
    for (const entry of current.coverage) if (entry.regionId === 'cn-hangzhou' && entry.api === 'DescribeSecurityGroupAttribute') Object.assign(entry, { status: 'partial', resourceIds: ['sg-web'] });
    const drift = diffTerraform(state, current, { unmanagedGroups: 'off' });
    expect(drift.changes).toEqual([]);
    expect(drift.notCompared.map((e) => `${e.accountId}/${e.regionId}`)).toEqual(['1111/cn-hangzhou']);
  });

  const bad: [string, string, RegExp][] = [
    ['not JSON', 'nope', /bad\.json: not a Terraform state \(not JSON\)/],
    ['a snapshot', JSON.stringify({ schema: 'sgaudit/snapshot@1' }), /bad\.json: not a Terraform state/],
    ['version 3', JSON.stringify({ version: 3, terraform_version: '0.11.14', modules: [] }), /bad\.json: Terraform state version 3 is not supported/],
    ['a rule without a group', JSON.stringify({ version: 4, terraform_version: '1.9.0', resources: [{ mode: 'managed', type: 'alicloud_security_group_rule', name: 'x', instances: [{ attributes: { id: 'x', type: 'ingress', ip_protocol: 'tcp' } }] }] }), /bad\.json: alicloud_security_group_rule\.x: security_group_id/],
  ];
  for (const [name, text, message] of bad) {
    it(`rejects ${name} with one line naming the file`, () => {
      expect(() => parseTerraformState('bad.json', text)).toThrow(message);
    });
  }

  it('parses provider rule ids, IPv6 peers included', () => {
    expect(parseProviderRuleId('sg-1:ingress:tcp:22/22:intranet:0.0.0.0/0:accept:1')).toMatchObject({ groupId: 'sg-1', portRange: '22/22', peer: '0.0.0.0/0', policy: 'accept', priority: '1' });
    expect(parseProviderRuleId('sg-1:ingress:tcp:22/22:intranet:2001:db8::/32:drop:5')?.peer).toBe('2001:db8::/32');
  });
});
