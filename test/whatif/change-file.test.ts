import { describe, expect, it } from 'vitest';
import { parseChangeFile } from '../../src/whatif/change-file.js';
import { loadChangeSet } from '../../src/whatif/load.js';
import { SgauditError } from '../../src/model/errors.js';
import { estate, FIXTURES } from './helpers.js';
import { join } from 'node:path';

const VPCS = new Map([['vpc-1', { accountId: '1111', regionId: 'cn-hangzhou' }]]);

function problems(text: string): string[] {
  try {
    parseChangeFile(text, 'c.yaml', VPCS);
  } catch (error) {
    expect(error).toBeInstanceOf(SgauditError);
    expect((error as SgauditError).headline).toMatch(/^c\.yaml: \d+ problems? in the change file$/);
    return [...(error as SgauditError).details];
  }
  throw new Error('expected the change file to be refused');
}

describe('change file: valid entries', () => {
  const cases: { name: string; yaml: string; expected: unknown }[] = [
    {
      name: 'add-rule with Alibaba defaults (ingress, priority 1, accept)',
      yaml: 'changes: [{ add-rule: { group: sg-1, protocol: TCP, ports: 22, source: 0.0.0.0/0 } }]',
      expected: { kind: 'addRule', groupId: 'sg-1', rule: { direction: 'ingress', policy: 'accept', priority: 1, protocol: 'tcp', ports: { from: 22, to: 22 }, source: { cidr: '0.0.0.0/0' } } },
    },
    {
      name: 'port range as text, IPv6 source, drop',
      yaml: 'changes: [{ add-rule: { group: sg-1, protocol: udp, ports: "8000-9000", source: "2001:db8::/32", policy: drop, priority: 7 } }]',
      expected: { rule: { protocol: 'udp', ports: { from: 8000, to: 9000 }, source: { ipv6Cidr: '2001:db8::/32' }, policy: 'drop', priority: 7 } },
    },
    {
      name: 'ports as {from,to}, group and prefix-list peers, bare address is a /32',
      yaml: 'changes: [{ add-rule: { group: sg-1, protocol: tcp, ports: { from: 1, to: 1024 }, source: 10.1.2.3 } }, { add-rule: { group: sg-1, direction: egress, protocol: all, destination: pl-1 } }]',
      expected: { rule: { ports: { from: 1, to: 1024 }, source: { cidr: '10.1.2.3/32' } } },
    },
    {
      name: 'remove-rule by id',
      yaml: 'changes: [{ remove-rule: { group: sg-1, rule: sgr-9 } }]',
      expected: { kind: 'removeRule', groupId: 'sg-1', match: { ruleId: 'sgr-9' }, origin: { file: 'c.yaml', path: 'changes[0].remove-rule' } },
    },
    {
      name: 'remove-rule by fields',
      yaml: 'changes: [{ remove-rule: { group: sg-1, protocol: tcp, ports: 22, source: sg-2 } }]',
      expected: { match: { rule: { direction: 'ingress', protocol: 'tcp', ports: { from: 22, to: 22 }, source: { groupId: 'sg-2' }, priority: 1, policy: 'accept' } } },
    },
    {
      name: 'modify-rule sets only what it names',
      yaml: 'changes: [{ modify-rule: { group: sg-1, rule: sgr-9, set: { source: 10.0.0.0/8 } } }]',
      expected: { kind: 'modifyRule', match: { ruleId: 'sgr-9' }, set: { source: { cidr: '10.0.0.0/8' } } },
    },
    {
      name: 'create-group placed by its VPC',
      yaml: 'changes: [{ create-group: { id: sg-new, vpc: vpc-1, type: enterprise } }]',
      expected: { kind: 'createGroup', accountId: '1111', regionId: 'cn-hangzhou', group: { id: 'sg-new', type: 'enterprise', innerAccessPolicy: 'drop', vpcId: 'vpc-1', rules: [] } },
    },
    { name: 'delete-group', yaml: 'changes: [{ delete-group: sg-1 }]', expected: { kind: 'deleteGroup', groupId: 'sg-1' } },
    { name: 'attach-group', yaml: 'changes: [{ attach-group: { group: sg-1, to: i-1 } }]', expected: { kind: 'attachGroup', groupId: 'sg-1', target: 'i-1' } },
    { name: 'detach-group', yaml: 'changes: [{ detach-group: { group: sg-1, from: eni-1 } }]', expected: { kind: 'detachGroup', groupId: 'sg-1', target: 'eni-1' } },
    { name: 'bind-eip', yaml: 'changes: [{ bind-eip: { eip: 47.1.2.3, to: i-1 } }]', expected: { kind: 'bindEip', eip: '47.1.2.3', target: 'i-1' } },
    { name: 'unbind-eip (JSON)', yaml: '{"changes": [{"unbind-eip": {"eip": "eip-1"}}]}', expected: { kind: 'unbindEip', eip: 'eip-1' } },
  ];
  it.each(cases)('$name', ({ yaml, expected }) => {
    expect(parseChangeFile(yaml, 'c.yaml', VPCS)[0]).toMatchObject(expected as object);
  });
});

describe('change file: every problem, with its path', () => {
  const cases: { name: string; yaml: string; expected: string[] }[] = [
    { name: 'port out of range', yaml: 'changes: [{ add-rule: { group: sg-1, protocol: tcp, ports: 70000, source: 0.0.0.0/0 } }]', expected: ['changes[0].add-rule.ports: 70000 is not a port within 1-65535'] },
    { name: 'reversed range', yaml: 'changes: [{ add-rule: { group: sg-1, protocol: tcp, ports: "90-80", source: 0.0.0.0/0 } }]', expected: ['changes[0].add-rule.ports: 90-80 is not a port range within 1-65535'] },
    { name: 'tcp without ports', yaml: 'changes: [{ add-rule: { group: sg-1, protocol: tcp, source: 0.0.0.0/0 } }]', expected: ['changes[0].add-rule.ports: required for tcp (22, "8000-9000", or all)'] },
    { name: 'icmp with ports', yaml: 'changes: [{ add-rule: { group: sg-1, protocol: icmp, ports: 22, source: 0.0.0.0/0 } }]', expected: ['changes[0].add-rule.ports: icmp has no ports; leave ports out'] },
    { name: 'unknown protocol', yaml: 'changes: [{ add-rule: { group: sg-1, protocol: sctp, ports: 22, source: 0.0.0.0/0 } }]', expected: ['changes[0].add-rule.protocol: Invalid option: expected one of "tcp"|"udp"|"icmp"|"icmpv6"|"gre"|"all"'] },
    { name: 'ingress without source', yaml: 'changes: [{ add-rule: { group: sg-1, protocol: all } }]', expected: ['changes[0].add-rule.source: required for an ingress rule (a CIDR, sg-… or pl-…)'] },
    { name: 'bad CIDR and priority', yaml: 'changes: [{ add-rule: { group: sg-1, protocol: all, source: 10.0.0.0/33, priority: 0 } }]', expected: ['changes[0].add-rule.source: "10.0.0.0/33" is not an IPv4 or IPv6 CIDR, a security group id (sg-…) or a prefix list id (pl-…)', 'changes[0].add-rule.priority: must be 1-100'] },
    { name: 'misspelt change', yaml: 'changes: [{ atach-group: { group: sg-1, to: i-1 } }]', expected: ['changes[0].atach-group: unknown change (did you mean "attach-group"?)'] },
    { name: 'misspelt key', yaml: 'changes: [{ attach-group: { group: sg-1, too: i-1 } }]', expected: ['changes[0].attach-group.to: required (string)', 'changes[0].attach-group.too: unknown key'] },
    { name: 'two changes in one entry', yaml: 'changes: [{ delete-group: sg-1, unbind-eip: { eip: e } }]', expected: ['changes[0]: delete-group and unbind-eip in one entry; write one change per entry'] },
    { name: 'remove-rule without a rule', yaml: 'changes: [{ remove-rule: { group: sg-1 } }]', expected: ['changes[0].remove-rule.rule: required: the rule id (sgr-…), or the rule’s fields (protocol, ports, source …)'] },
    { name: 'modify-rule with nothing to set', yaml: 'changes: [{ modify-rule: { group: sg-1, rule: r, set: {} } }]', expected: ['changes[0].modify-rule.set: nothing to set'] },
    { name: 'create-group nowhere', yaml: 'changes: [{ create-group: { id: sg-new, vpc: vpc-9 } }]', expected: ['changes[0].create-group: account and region required (VPC vpc-9 is not in the snapshot)'] },
    { name: 'no changes', yaml: 'changes: []', expected: ['changes: no changes'] },
    { name: 'YAML syntax', yaml: 'changes: [', expected: ['line 1:11: Flow sequence in block collection must be sufficiently indented and end with a ]'] },
  ];
  it.each(cases)('$name', ({ yaml, expected }) => {
    expect(problems(yaml)).toEqual(expected);
  });
});

describe('loadChangeSet', () => {
  it('reads a YAML change file, in order, with origins', async () => {
    const set = await loadChangeSet(join(FIXTURES, 'every-change.yaml'), estate());
    expect(set.kind).toBe('change-file');
    expect(set.changes.map((change) => change.kind)).toEqual(['addRule', 'removeRule', 'modifyRule', 'createGroup', 'attachGroup', 'detachGroup', 'deleteGroup', 'bindEip', 'unbindEip']);
    expect(set.changes[3]!.origin).toEqual({ file: join(FIXTURES, 'every-change.yaml'), path: 'changes[3].create-group' });
  });

  it('names a missing file', async () => {
    await expect(loadChangeSet(join(FIXTURES, 'nope.yaml'), estate())).rejects.toThrow(/nope\.yaml: no such file or directory/);
  });
});
