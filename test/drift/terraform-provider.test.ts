import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { driftDocument } from '../../src/analyze/drift/index.js';
import { diffTerraform, parseProviderRuleId, parseTerraformState } from '../../src/analyze/drift/terraform.js';
import { AttributeError, PROVIDER_ATTRIBUTES, regionOfZone, ruleFromAttributes } from '../../src/analyze/drift/terraform-provider.js';
import { main } from '../../src/cli.js';
import { SgauditError } from '../../src/model/errors.js';
import { FindingsDocument } from '../../src/model/findings.js';
import type { Severity } from '../../src/model/findings.js';
import { Snapshot } from '../../src/model/snapshot.js';
import { configureLog } from '../../src/util/log.js';
import { FIXTURES, clone } from './helpers.js';

const DIR = join(FIXTURES, 'terraform-provider');
const read = (file: string) => readFileSync(join(DIR, file), 'utf8');

interface ExpectedState {
  issue?: number[];
  about: string;
  unmanagedGroups?: Severity | 'off';
  changes: string[];
  notCompared?: Record<string, string[]>;
  warnings?: string[];
}
const expected = parse(read('expected.yaml')) as { states: Record<string, ExpectedState>; invalid: Record<string, string> };
const live = () => Snapshot.parse(JSON.parse(read('live.json')));
const state = (file: string) => parseTerraformState(file, read(file));

describe('Terraform state as the alicloud provider writes it', () => {
  for (const [file, want] of Object.entries(expected.states)) {
    it(`${file}${want.issue ? ` (issue 17 #${want.issue.join(', #')})` : ''}: ${want.about}`, () => {
      const baseline = state(file);
      const drift = diffTerraform(baseline, live(), { unmanagedGroups: want.unmanagedGroups ?? 'off' });
      expect(drift.changes.map((c) => `${c.kind} ${c.resource.id}`).sort()).toEqual([...want.changes].sort());
      const scopes = Object.fromEntries(drift.notCompared.map((entry) => [`${entry.accountId}/${entry.regionId}`, entry.reason]));
      expect(Object.keys(scopes).sort()).toEqual(Object.keys(want.notCompared ?? {}).sort());
      for (const [scope, phrases] of Object.entries(want.notCompared ?? {})) for (const phrase of phrases) expect(scopes[scope]).toContain(phrase);
      for (const phrase of want.warnings ?? []) expect(baseline.warnings.some((line) => line.startsWith(`${file}: `) && line.includes(phrase))).toBe(true);
      if (!want.warnings) expect(baseline.warnings).toEqual([]);
      // Every result is a valid findings document.
      expect(FindingsDocument.parse(driftDocument(live(), drift, { now: new Date(0) }))).toBeTruthy();
    });
  }

  for (const [file, message] of Object.entries(expected.invalid)) {
    it(`refuses invalid/${file} with one line naming the file, the address and the attribute (exit 2)`, () => {
      let error: unknown;
      try {
        parseTerraformState(file, read(join('invalid', file)));
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(SgauditError);
      const { message: text, exitCode } = error as SgauditError;
      expect(text.startsWith(`${file}: ${message}`)).toBe(true);
      expect(text).not.toContain('\n');
      expect(exitCode).toBe(2);
    });
  }
});

describe('issue 17 details', () => {
  it('a cross-account rule keeps its owner from source_group_owner_id, else source_group_owner_account', () => {
    const base = { id: 'x', security_group_id: 'sg-1', type: 'ingress', ip_protocol: 'tcp', port_range: '22/22', source_security_group_id: 'sg-peer' };
    expect(ruleFromAttributes({ ...base, source_group_owner_id: '2222', source_group_owner_account: '' }).source).toEqual({ groupId: 'sg-peer', ownerAccount: '2222' });
    expect(ruleFromAttributes({ ...base, source_group_owner_id: '', source_group_owner_account: '3333' }).source).toEqual({ groupId: 'sg-peer', ownerAccount: '3333' });
    expect(ruleFromAttributes({ ...base, source_group_owner_id: 4444 }).source).toEqual({ groupId: 'sg-peer', ownerAccount: '4444' });
    expect(ruleFromAttributes(base).source).toEqual({ groupId: 'sg-peer' });
  });

  it('a group rule naming its own account as owner matches the live rule that does not (and the reverse)', () => {
    const current = live();
    const app = current.accounts[0]!.regions[0]!.securityGroups.find((g) => g.id === 'sg-bp1app')!;
    app.rules.find((r) => r.id === 'sgr-bp1app8080')!.source = { groupId: 'sg-bp1web', ownerAccount: '1111' };
    expect(diffTerraform(state('cross-account-without-rule-id.tfstate.json'), current, { unmanagedGroups: 'off' }).changes).toEqual([]);
  });

  it('a managed rule on a data-source group is not compared when its rules were not read completely', () => {
    const current = live();
    for (const entry of current.coverage) if (entry.regionId === 'cn-hangzhou' && entry.api === 'DescribeSecurityGroupAttribute') Object.assign(entry, { status: 'partial', resourceIds: ['sg-bp1shared'] });
    const drift = diffTerraform(state('shared-group-rule-deleted.tfstate.json'), current, { unmanagedGroups: 'off' });
    expect(drift.changes).toEqual([]);
    expect(drift.notCompared).toEqual([expect.objectContaining({ accountId: '1111', regionId: 'cn-hangzhou', api: 'DescribeSecurityGroupAttribute', reason: expect.stringContaining('rules of sg-bp1shared') })]);
  });

  const scopeCases: [string, string, (snapshot: Snapshot) => void, string[], Record<string, string>][] = [
    [
      'a region the snapshot does not hold at all, coverage included',
      'region-complete-group-deleted.tfstate.json',
      (snapshot) => {
        snapshot.accounts[0]!.regions = snapshot.accounts[0]!.regions.filter((r) => r.regionId !== 'cn-beijing');
        snapshot.coverage = snapshot.coverage.filter((c) => c.regionId !== 'cn-beijing');
      },
      [],
      { '1111/cn-beijing': 'region absent from the live snapshot' },
    ],
    [
      'an account whose AssumeRole failed',
      'instance-deleted.tfstate.json',
      (snapshot) => {
        snapshot.coverage.find((c) => c.api === 'AssumeRole')!.status = 'failed';
      },
      [],
      { '1111/cn-hangzhou': 'live snapshot: AssumeRole failed' },
    ],
  ];
  for (const [name, file, change, changes, notCompared] of scopeCases) {
    it(`not compared: ${name}`, () => {
      const current = live();
      change(current);
      const drift = diffTerraform(state(file), current, { unmanagedGroups: 'off' });
      expect(drift.changes.map((c) => `${c.kind} ${c.resource.id}`)).toEqual(changes);
      expect(drift.notCompared.map((e) => `${e.accountId}/${e.regionId}`)).toEqual(Object.keys(notCompared));
      for (const [index, reason] of Object.values(notCompared).entries()) expect(drift.notCompared[index]!.reason).toContain(reason);
    });
  }

  it('not compared: a group whose VPC is in none of the collected regions, when nothing in the state places it', () => {
    const text = JSON.parse(read('region-complete-group-deleted.tfstate.json')) as { resources: { type: string; mode: string }[] };
    text.resources = text.resources.filter((r) => r.type !== 'alicloud_vswitch' && r.mode !== 'data');
    const placeless = parseTerraformState('placeless.json', JSON.stringify(text));
    // Any region with incomplete group listings may hold it…
    const denied = diffTerraform(placeless, live(), { unmanagedGroups: 'off' });
    expect(denied.changes).toEqual([]);
    expect(denied.notCompared).toEqual([
      { accountId: '1111', regionId: 'cn-qingdao', api: 'DescribeSecurityGroups', reason: 'live snapshot: DescribeSecurityGroups denied (Forbidden.RAM); the region of the object is unknown; not compared: groups sg-2zeapi' },
    ]);
    // …and with every collected region complete, an unknown VPC may still be in one that was not collected.
    const complete = live();
    for (const entry of complete.coverage) entry.status = 'complete';
    const drift = diffTerraform(placeless, complete, { unmanagedGroups: 'off' });
    expect(drift.changes).toEqual([]);
    expect(drift.notCompared).toEqual([{ accountId: '1111', regionId: '*', reason: 'region unknown: VPC vpc-2zeapi is in none of the collected regions; not compared: groups sg-2zeapi' }]);
  });

  it('a deposed object shares its address with the current one and never replaces it', () => {
    const baseline = state('deposed.tfstate.json');
    expect(baseline.groups.get('sg-bp1web')?.address).toBe('alicloud_security_group.web');
    expect(baseline.groups.has('sg-bp1old')).toBe(false);
    expect([...baseline.instances.keys()]).toEqual(['i-bp1web1', 'i-bp1web2']);
    expect(baseline.rules.get('sg-bp1web')?.find((r) => r.address === 'alicloud_security_group_rule.web_ingress["https"]')?.item.ports).toEqual({ from: 443, to: 443 });
  });

  it('a deposed rule still live is not "unmanaged", and one gone is not "removed"', () => {
    const current = live();
    const web = current.accounts[0]!.regions[0]!.securityGroups.find((g) => g.id === 'sg-bp1web')!;
    web.rules.push({ id: 'sgr-bp1web8443', direction: 'ingress', policy: 'accept', priority: 1, protocol: 'tcp', ports: { from: 8443, to: 8443 }, source: { cidr: '0.0.0.0/0' }, description: 'https' });
    expect(diffTerraform(state('deposed.tfstate.json'), current, { unmanagedGroups: 'off' }).changes).toEqual([]);
  });

  it('the deprecated alicloud_network_interface is read from security_groups, and drift names that attribute', () => {
    const current = live();
    current.accounts[0]!.regions[0]!.networkInterfaces.find((e) => e.id === 'eni-bp1legacy')!.securityGroupIds = ['sg-bp1web', 'sg-bp1ops'];
    const changes = diffTerraform(state('clean.tfstate.json'), current, { unmanagedGroups: 'off' }).changes;
    expect(changes.map((c) => `${c.kind} ${c.resource.id} ${c.identity}`)).toEqual(['group-attached eni-bp1legacy sg-bp1ops']);
    expect(changes[0]!.message).toContain('alicloud_network_interface.legacy.security_groups');
  });

  it('an interface attachment whose interface was detached live says so', () => {
    const current = live();
    delete current.accounts[0]!.regions[0]!.networkInterfaces.find((e) => e.id === 'eni-bp1app1s')!.instanceId;
    const [change] = diffTerraform(state('clean.tfstate.json'), current, { unmanagedGroups: 'off' }).changes;
    expect(change).toMatchObject({ kind: 'interface-rebound', resource: { id: 'eni-bp1app1s' }, before: { instanceId: 'i-bp1app1' }, after: {} });
    expect(change?.message).toContain('attached to nothing but module.platform.alicloud_ecs_network_interface_attachment.app_data attaches it to i-bp1app1');
  });

  it('new kinds are findings with their own titles and a Terraform fix', () => {
    const document = driftDocument(live(), diffTerraform(state('secondary-interfaces.tfstate.json'), live(), { unmanagedGroups: 'off' }), { now: new Date(0) });
    const byKind = Object.fromEntries(document.findings.map((f) => [String(f.detail.extra?.kind), f]));
    expect(byKind['interface-removed']).toMatchObject({ severity: 'medium', title: 'Network interface deleted outside Terraform', resource: { type: 'networkInterface', id: 'eni-bp1batch' } });
    expect(byKind['interface-rebound']?.remediation).toContain('terraform apply');
  });
});

describe('provider attribute mapping', () => {
  const rule = { id: 'x', security_group_id: 'sg-1', type: 'ingress', ip_protocol: 'tcp', port_range: '22/22', cidr_ip: '10.0.0.0/8', policy: 'accept', priority: 1, nic_type: 'intranet' };
  const good: [string, Record<string, unknown>, Record<string, unknown>][] = [
    ['ALL with -1/-1 is every port', { ip_protocol: 'all', port_range: '-1/-1' }, { protocol: 'all', ports: { from: 1, to: 65535 } }],
    ['icmp without port_range', { ip_protocol: 'icmp', port_range: null }, { protocol: 'icmp', ports: { from: 1, to: 65535 } }],
    ['tcp -1/-1 is every port, as the collector reads it', { port_range: '-1/-1' }, { ports: { from: 1, to: 65535 } }],
    ['upper-case values from old providers', { ip_protocol: 'TCP', policy: 'Drop', nic_type: 'Internet' }, { protocol: 'tcp', policy: 'drop', nicType: 'internet' }],
    ['priority written as a numeric string', { priority: '5' }, { priority: 5 }],
    ['priority absent is the provider default 1', { priority: null }, { priority: 1 }],
    ['an IPv6 peer', { cidr_ip: '', ipv6_cidr_ip: '2001:db8::/32' }, { source: { ipv6Cidr: '2001:db8::/32' } }],
    ['a prefix list peer on egress', { type: 'egress', cidr_ip: '', prefix_list_id: 'pl-1' }, { direction: 'egress', destination: { prefixListId: 'pl-1' } }],
    ['security_group_rule_id becomes the rule id', { security_group_rule_id: 'sgr-1' }, { id: 'sgr-1' }],
  ];
  for (const [name, attributes, model] of good) {
    it(`reads ${name}`, () => {
      expect(ruleFromAttributes({ ...rule, ...attributes })).toMatchObject(model);
    });
  }

  const bad: [string, Record<string, unknown>, string][] = [
    ['a priority that is not a number', { priority: 'high' }, 'priority: "high" is not an integer'],
    ['a fractional priority', { priority: 1.5 }, 'priority: 1.5 is not an integer'],
    ['udp without port_range', { ip_protocol: 'udp', port_range: '' }, 'port_range: missing; a udp rule needs "from/to"'],
    ['a reversed port range', { port_range: '443/80' }, 'port_range: "443/80" is not a range within 1–65535'],
    ['a port above 65535', { port_range: '1/70000' }, 'port_range: "1/70000" is not a range within 1–65535'],
    ['an unknown type', { type: 'inbound' }, 'type: "inbound" is not one of ingress, egress'],
    ['an unknown nic_type', { nic_type: 'public' }, 'nic_type: "public" is not one of internet, intranet'],
    ['no peer', { cidr_ip: '' }, 'cidr_ip: missing; one of cidr_ip, ipv6_cidr_ip, source_security_group_id, prefix_list_id must be set'],
    ['two peers', { source_security_group_id: 'sg-2' }, 'source_security_group_id: set together with cidr_ip'],
    ['a number where a string belongs', { cidr_ip: 10 }, 'cidr_ip: expected a string, got 10'],
  ];
  for (const [name, attributes, message] of bad) {
    it(`refuses ${name}`, () => {
      expect(() => ruleFromAttributes({ ...rule, ...attributes })).toThrow(AttributeError);
      expect(() => ruleFromAttributes({ ...rule, ...attributes })).toThrow(message);
    });
  }

  it('parses provider rule ids, IPv6 peers written with _ or :', () => {
    expect(parseProviderRuleId('sg-1:ingress:tcp:22/22:intranet:2408_4002_1000__/40:accept:1')?.peer).toBe('2408:4002:1000::/40');
    expect(parseProviderRuleId('sg-1:egress:all:-1/-1:intranet:__/0:accept:1')?.peer).toBe('::/0');
    expect(parseProviderRuleId('sg-1:ingress:tcp:22/22:intranet:2001:db8::/32:drop:5')?.peer).toBe('2001:db8::/32');
    expect(parseProviderRuleId('sg-1:ingress:tcp:8080/8080:intranet:pl-office:accept:1')?.peer).toBe('pl-office');
  });

  it.each([
    ['cn-hangzhou-i', ['cn-hangzhou'], 'cn-hangzhou'],
    ['cn-hangzhou-i', [], 'cn-hangzhou'],
    ['ap-southeast-1a', ['ap-southeast-1'], 'ap-southeast-1'],
    ['ap-southeast-1a', [], 'ap-southeast-1'],
    ['cn-shanghai-finance-1z', ['cn-shanghai', 'cn-shanghai-finance-1'], 'cn-shanghai-finance-1'],
    ['eu-central-1b', ['eu-west-1'], 'eu-central-1'],
  ])('zone %s is in region %s', (zone, known, region) => {
    expect(regionOfZone(zone, known)).toBe(region);
  });

  it('docs/drift.md lists every resource type and attribute read', () => {
    const docs = readFileSync(join(import.meta.dirname, '../../docs/drift.md'), 'utf8');
    for (const [type, attributes] of Object.entries(PROVIDER_ATTRIBUTES)) {
      const row = docs.split('\n').find((line) => line.startsWith('|') && line.includes(`\`${type}\``));
      expect(row, type).toBeDefined();
      for (const attribute of attributes) expect(row, `${type}.${attribute}`).toContain(attribute);
    }
  });
});

describe('sgaudit diff with provider states', () => {
  let stdout: string;
  let stderr: string[];
  beforeEach(() => {
    stdout = '';
    stderr = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout += String(chunk);
      return true;
    });
    configureLog({ sink: (line) => stderr.push(line) });
    process.exitCode = undefined;
  });
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });
  const run = (...args: string[]) => main(['node', 'sgaudit', ...args]);

  it('a state with a bad value exits 2 with one line naming the file, address and attribute', async () => {
    const file = join(DIR, 'invalid', 'priority-not-integer.tfstate.json');
    expect(await run('diff', file, join(DIR, 'live.json'), '--format', 'json')).toBe(2);
    expect(stdout).toBe('');
    const errors = stderr.filter((line) => line.startsWith('error: '));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(`${file}: alicloud_security_group_rule.web_rdp_drop: priority: "high" is not an integer`);
  });

  it('a region the snapshot did not collect is listed as not compared, deposed objects as a warning', async () => {
    expect(await run('diff', join(DIR, 'region-not-collected.tfstate.json'), join(DIR, 'live.json'), '--format', 'json', '--unmanaged-groups', 'off')).toBe(0);
    const document = FindingsDocument.parse(JSON.parse(stdout));
    expect(document.findings).toEqual([]);
    expect(document.notCompared?.map((e) => `${e.accountId}/${e.regionId}`)).toEqual(['1111/cn-shanghai']);
    expect(stderr.some((line) => line.includes('not compared: 1111/cn-shanghai: region absent from the live snapshot'))).toBe(true);
    stdout = '';
    expect(await run('diff', join(DIR, 'deposed.tfstate.json'), join(DIR, 'live.json'), '--format', 'json', '--unmanaged-groups', 'off')).toBe(0);
    expect(stderr.some((line) => line.startsWith('warn: ') && line.includes('4 deposed object(s) ignored'))).toBe(true);
  });

  it('keeps the live snapshot untouched', () => {
    const current = live();
    const before = clone(current);
    diffTerraform(state('clean.tfstate.json'), current);
    expect(current).toEqual(before);
  });
});
