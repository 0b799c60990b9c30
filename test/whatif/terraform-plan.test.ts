import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyChanges } from '../../src/whatif/apply.js';
import { loadChangeSet } from '../../src/whatif/load.js';
import { deepFreeze, estate, FIXTURES } from './helpers.js';

interface Case {
  fixture: string;
  /** `kind | summary` per applied change, in order. */
  applied: string[];
  assumptions: string[];
}

const cases: Case[] = [
  {
    fixture: 'open-rdp.plan.json',
    applied: ['addRule | add to sg-web: ingress accept tcp/3389 from 0.0.0.0/0, priority 1'],
    assumptions: ['1 change(s) to resource types sgaudit does not model are assumed not to change exposure: alicloud_vswitch.extra'],
  },
  {
    fixture: 'tighten.plan.json',
    applied: ['removeRule | remove from sg-admin: ingress accept tcp/22 from 0.0.0.0/0, priority 1', 'addRule | add to sg-admin: ingress accept tcp/22 from 203.0.113.0/24, priority 1'],
    assumptions: [],
  },
  {
    fixture: 'new-public-instance.plan.json',
    applied: ['createInstance | create instance tf:alicloud_instance.jump in sg-admin with public address 198.51.100.1'],
    assumptions: ['alicloud_instance.jump: internet_max_bandwidth_out is 10, so the instance gets a public IP known only after apply, shown as 198.51.100.1'],
  },
  {
    fixture: 'unknown-after-apply.plan.json',
    applied: [
      'createGroup | create group tf:module.app.alicloud_security_group.this in 1111/cn-hangzhou with 0 rule(s)',
      'createInstance | create instance tf:alicloud_instance.app in tf:module.app.alicloud_security_group.this with public address 198.51.100.1',
      'addRule | add to sg-web: ingress accept tcp/1-65535 from 0.0.0.0/0, priority 1',
      'addRule | add to tf:module.app.alicloud_security_group.this: ingress accept tcp/8080 from 0.0.0.0/0, priority 1',
    ],
    assumptions: [
      'alicloud_instance.app: security_groups is known only after apply; assumed tf:module.app.alicloud_security_group.this (the known ids and the groups the configuration refers to)',
      'alicloud_instance.app: internet_max_bandwidth_out is known only after apply; assumed above 0, so the instance gets a public IP, shown as 198.51.100.1',
      'alicloud_security_group_rule.partner: port_range is known only after apply; assumed 1/65535 (every port), the widest it could be',
      'alicloud_security_group_rule.partner: cidr_ip is known only after apply; assumed 0.0.0.0/0, the widest it could be',
      '2 change(s) to resource types sgaudit does not model are assumed not to change exposure: alicloud_eip_address.partner, random_integer.port',
    ],
  },
];

describe('Terraform plan fixtures', () => {
  it.each(cases)('$fixture', async ({ fixture, applied, assumptions }) => {
    const before = estate();
    const json = JSON.stringify(before);
    const set = await loadChangeSet(join(FIXTURES, fixture), before);
    expect(set.kind).toBe('terraform-plan');
    expect(set.assumptions).toEqual(assumptions);
    const result = applyChanges(deepFreeze(before), set);
    expect(result.applied.map((entry) => `${entry.change.kind} | ${entry.summary}`)).toEqual(applied);
    expect(result.assumptions).toEqual(assumptions);
    expect(JSON.stringify(before)).toBe(json);
    for (const entry of result.applied) expect(entry.change.origin.address).toMatch(/^(module\.app\.)?alicloud_/);
  });

  it('open-rdp: the rule lands on the public web server', async () => {
    const before = estate();
    const result = applyChanges(before, await loadChangeSet(join(FIXTURES, 'open-rdp.plan.json'), before));
    expect([...result.touched.instanceIds]).toEqual(['i-web', 'i-legacy']);
    expect(result.applied[0]!.change.origin).toEqual({ file: join(FIXTURES, 'open-rdp.plan.json'), address: 'alicloud_security_group_rule.rdp' });
  });

  it('tighten: the removed rule is matched by its security_group_rule_id', async () => {
    const before = estate();
    const set = await loadChangeSet(join(FIXTURES, 'tighten.plan.json'), before);
    expect(set.changes[0]).toMatchObject({ kind: 'removeRule', groupId: 'sg-admin', match: { ruleId: 'sgr-admin-ssh' } });
  });
});

describe('Terraform plans: envelope and edge cases', () => {
  const base = JSON.parse(readFileSync(join(FIXTURES, 'open-rdp.plan.json'), 'utf8')) as Record<string, unknown>;

  async function load(plan: unknown) {
    const dir = await mkdtemp(join(tmpdir(), 'sgaudit-whatif-'));
    const file = join(dir, 'plan.json');
    await writeFile(file, JSON.stringify(plan));
    return { file, load: () => loadChangeSet(file, estate()) };
  }

  function withChange(change: Record<string, unknown>) {
    return { ...base, resource_changes: [{ address: 'alicloud_security_group_rule.x', mode: 'managed', type: 'alicloud_security_group_rule', name: 'x', ...change }] };
  }

  it('refuses an unsupported major format version', async () => {
    const { file, load: run } = await load({ ...base, format_version: '2.0' });
    await expect(run()).rejects.toThrow(`${file}: Terraform plan format_version "2.0" is not supported`);
  });

  it('refuses a plan that errored', async () => {
    const { load: run } = await load({ ...base, errored: true });
    await expect(run()).rejects.toThrow(/the plan errored/);
  });

  it('names the address and attribute of a bad value', async () => {
    const { file, load: run } = await load(withChange({ change: { actions: ['create'], before: null, after: { security_group_id: 'sg-web', type: 'ingress', ip_protocol: 'sctp', cidr_ip: '0.0.0.0/0' }, after_unknown: {} } }));
    await expect(run()).rejects.toThrow(`${file}: alicloud_security_group_rule.x: ip_protocol: "sctp" is not one of tcp, udp, icmp, icmpv6, gre, all`);
  });

  it('an update of a rule (description, the only in-place attribute) modifies it in place', async () => {
    const rule = { security_group_id: 'sg-web', type: 'ingress', ip_protocol: 'tcp', port_range: '443/443', cidr_ip: '0.0.0.0/0', policy: 'accept', priority: 1, security_group_rule_id: 'sgr-web-https', description: '' };
    const { load: run } = await load(withChange({ change: { actions: ['update'], before: rule, after: { ...rule, description: 'https' }, after_unknown: {} } }));
    const set = await run();
    expect(set.changes).toMatchObject([{ kind: 'modifyRule', groupId: 'sg-web', match: { ruleId: 'sgr-web-https' }, set: { description: 'https' } }]);
    expect(applyChanges(estate(), set).after.accounts[0]!.regions[0]!.securityGroups[0]!.rules[0]).toMatchObject({ id: 'sgr-web-https', description: 'https' });
  });

  it('an unknown IPv6 peer is ::/0; an unknown protocol is all', async () => {
    const after = { security_group_id: 'sg-web', type: 'ingress', policy: 'accept', priority: 1 };
    const { load: run } = await load(withChange({ change: { actions: ['create'], before: null, after, after_unknown: { ipv6_cidr_ip: true, ip_protocol: true, prefix_list_id: true } } }));
    const set = await run();
    expect(set.changes).toMatchObject([{ kind: 'addRule', rule: { protocol: 'all', source: { ipv6Cidr: '::/0' } } }]);
    expect(set.assumptions).toEqual([
      'alicloud_security_group_rule.x: ip_protocol is known only after apply; assumed all, the widest it could be',
      'alicloud_security_group_rule.x: ipv6_cidr_ip is known only after apply; assumed ::/0, the widest it could be',
    ]);
  });

  it('instance update: group list changes and a new public IP', async () => {
    const before = { id: 'i-db', security_groups: ['sg-db'], internet_max_bandwidth_out: 0 };
    const { load: run } = await load({ ...base, resource_changes: [{ address: 'alicloud_instance.db', mode: 'managed', type: 'alicloud_instance', name: 'db', change: { actions: ['update'], before, after: { ...before, security_groups: ['sg-spare'], internet_max_bandwidth_out: 5 }, after_unknown: { public_ip: true } } }] });
    const set = await run();
    expect(set.changes.map((change) => change.kind)).toEqual(['attachGroup', 'detachGroup', 'setPublicIp']);
    const { after } = applyChanges(estate(), set);
    const db = after.accounts[0]!.regions[0]!.instances.find((instance) => instance.id === 'i-db')!;
    expect(db).toMatchObject({ securityGroupIds: ['sg-spare'], publicIps: ['198.51.100.1'] });
  });

  it('EIP association to a new EIP, and an ENI with its attachment', async () => {
    const { load: run } = await load({
      ...base,
      resource_changes: [
        { address: 'alicloud_eip_association.a', mode: 'managed', type: 'alicloud_eip_association', name: 'a', change: { actions: ['create'], before: null, after: { allocation_id: 'eip-new', instance_id: 'i-db' }, after_unknown: { id: true, instance_type: true } } },
        { address: 'alicloud_network_interface.n', mode: 'managed', type: 'alicloud_network_interface', name: 'n', change: { actions: ['create'], before: null, after: { security_group_ids: ['sg-web'], vswitch_id: 'vsw-1' }, after_unknown: { id: true } } },
        { address: 'alicloud_network_interface_attachment.n', mode: 'managed', type: 'alicloud_network_interface_attachment', name: 'n', change: { actions: ['create'], before: null, after: { instance_id: 'i-db' }, after_unknown: { id: true, network_interface_id: true } } },
      ],
      configuration: { root_module: { resources: [{ address: 'alicloud_network_interface_attachment.n', mode: 'managed', type: 'alicloud_network_interface_attachment', name: 'n', expressions: { network_interface_id: { references: ['alicloud_network_interface.n.id', 'alicloud_network_interface.n'] } } }] } },
    });
    const set = await run();
    const result = applyChanges(estate(), set);
    expect(result.applied.map((entry) => entry.summary)).toEqual([
      'create network interface tf:alicloud_network_interface.n with sg-web',
      'bind EIP eip-new (198.51.100.1) to i-db',
      'attach network interface tf:alicloud_network_interface.n to i-db',
    ]);
    expect(set.assumptions).toEqual(['alicloud_eip_association.a: the EIP eip-new is not in the snapshot and its address is known only after apply; shown as 198.51.100.1']);
  });
});
