import { describe, expect, it } from 'vitest';
import type { Instance, NetworkInterface, SecurityGroup, Snapshot } from '../../src/model/snapshot.js';
import { applyChanges } from '../../src/whatif/apply.js';
import { parseChangeFile } from '../../src/whatif/change-file.js';
import type { Change } from '../../src/whatif/changes.js';
import { deepFreeze, estate } from './helpers.js';

const VPCS = new Map([['vpc-1', { accountId: '1111', regionId: 'cn-hangzhou' }]]);
const origin = { file: 'test' };

function region(snapshot: Snapshot) {
  return snapshot.accounts[0]!.regions[0]!;
}
const group = (s: Snapshot, id: string): SecurityGroup | undefined => region(s).securityGroups.find((g) => g.id === id);
const instance = (s: Snapshot, id: string): Instance | undefined => region(s).instances.find((i) => i.id === id);
const eni = (s: Snapshot, id: string): NetworkInterface | undefined => region(s).networkInterfaces.find((e) => e.id === id);
const eip = (s: Snapshot, id: string) => region(s).eips.find((e) => e.allocationId === id);

function changes(yaml: string): Change[] {
  return parseChangeFile(`changes:\n${yaml}`, 'c.yaml', VPCS);
}

const NEW_INSTANCE: Change = {
  kind: 'createInstance',
  accountId: '1111',
  regionId: 'cn-hangzhou',
  instance: { id: 'i-new', name: 'new', status: 'Running', networkType: 'vpc', vpcId: 'vpc-1', securityGroupIds: ['sg-admin'], privateIps: [], publicIps: ['198.51.100.1'], tags: {} },
  primaryEni: { id: 'eni-new', name: '', description: '', type: 'Primary', status: 'InUse', instanceId: 'i-new', serviceManaged: false, vpcId: 'vpc-1', privateIps: [], ipv6Addresses: [], securityGroupIds: ['sg-admin'], tags: {} },
  origin,
};

interface Case {
  name: string;
  changes: Change[];
  check: (after: Snapshot) => void;
  touched: { groupIds: string[]; eniIds: string[]; instanceIds: string[] };
}

const cases: Case[] = [
  {
    name: 'add-rule: a synthetic id, the group’s ENIs (and an instance without an ENI record) touched',
    changes: changes('  - add-rule: { group: sg-web, protocol: tcp, ports: 3389, source: 0.0.0.0/0 }'),
    check: (after) => expect(group(after, 'sg-web')!.rules.at(-1)).toEqual({ id: 'whatif-1', direction: 'ingress', policy: 'accept', priority: 1, protocol: 'tcp', ports: { from: 3389, to: 3389 }, source: { cidr: '0.0.0.0/0' } }),
    touched: { groupIds: ['sg-web'], eniIds: ['eni-web', 'i-legacy#primary'], instanceIds: ['i-web', 'i-legacy'] },
  },
  {
    name: 'remove-rule by id',
    changes: changes('  - remove-rule: { group: sg-db, rule: sgr-db-mysql }'),
    check: (after) => expect(group(after, 'sg-db')!.rules).toEqual([]),
    touched: { groupIds: ['sg-db'], eniIds: ['eni-db', 'eni-db2', 'eni-free'], instanceIds: ['i-db'] },
  },
  {
    name: 'remove-rule by fields',
    changes: changes('  - remove-rule: { group: sg-admin, protocol: tcp, ports: 22, source: 0.0.0.0/0 }'),
    check: (after) => expect(group(after, 'sg-admin')!.rules).toEqual([]),
    touched: { groupIds: ['sg-admin'], eniIds: ['eni-admin'], instanceIds: ['i-admin'] },
  },
  {
    name: 'modify-rule keeps the id and replaces the peer',
    changes: changes('  - modify-rule: { group: sg-db, rule: sgr-db-mysql, set: { source: 10.0.0.0/8, ports: 3306-3307 } }'),
    check: (after) => expect(group(after, 'sg-db')!.rules).toEqual([{ id: 'sgr-db-mysql', direction: 'ingress', policy: 'accept', priority: 1, protocol: 'tcp', ports: { from: 3306, to: 3307 }, source: { cidr: '10.0.0.0/8' } }]),
    touched: { groupIds: ['sg-db'], eniIds: ['eni-db', 'eni-db2', 'eni-free'], instanceIds: ['i-db'] },
  },
  {
    name: 'create-group, then attach it to an instance without an ENI record (the instance’s list is the primary ENI’s)',
    changes: changes('  - create-group: { id: sg-new, vpc: vpc-1, rules: [{ protocol: tcp, ports: 22, source: 0.0.0.0/0 }] }\n  - attach-group: { group: sg-new, to: i-legacy }'),
    check: (after) => {
      expect(group(after, 'sg-new')).toMatchObject({ vpcId: 'vpc-1', type: 'normal', innerAccessPolicy: 'accept', rules: [{ id: 'whatif-1' }] });
      expect(instance(after, 'i-legacy')!.securityGroupIds).toEqual(['sg-web', 'sg-new']);
    },
    touched: { groupIds: ['sg-new'], eniIds: ['i-legacy#primary'], instanceIds: ['i-legacy'] },
  },
  {
    name: 'attach-group to an instance: its primary ENI and the instance record, in step',
    changes: changes('  - attach-group: { group: sg-admin, to: i-web }'),
    check: (after) => {
      expect(eni(after, 'eni-web')!.securityGroupIds).toEqual(['sg-web', 'sg-admin']);
      expect(instance(after, 'i-web')!.securityGroupIds).toEqual(['sg-web', 'sg-admin']);
    },
    touched: { groupIds: ['sg-admin'], eniIds: ['eni-web'], instanceIds: ['i-web'] },
  },
  {
    name: 'detach-group from a secondary ENI leaves the instance record alone',
    changes: changes('  - attach-group: { group: sg-spare, to: eni-db2 }\n  - detach-group: { group: sg-db, from: eni-db2 }'),
    check: (after) => {
      expect(eni(after, 'eni-db2')!.securityGroupIds).toEqual(['sg-spare']);
      expect(instance(after, 'i-db')!.securityGroupIds).toEqual(['sg-db']);
    },
    touched: { groupIds: ['sg-spare', 'sg-db'], eniIds: ['eni-db2'], instanceIds: ['i-db'] },
  },
  {
    name: 'delete-group',
    changes: changes('  - delete-group: sg-spare'),
    check: (after) => expect(group(after, 'sg-spare')).toBeUndefined(),
    touched: { groupIds: ['sg-spare'], eniIds: [], instanceIds: [] },
  },
  {
    name: 'bind-eip by address to an instance',
    changes: changes('  - bind-eip: { eip: 47.96.3.30, to: i-db }'),
    check: (after) => {
      expect(eip(after, 'eip-free')).toMatchObject({ boundInstanceType: 'EcsInstance', boundInstanceId: 'i-db', status: 'InUse' });
      expect(instance(after, 'i-db')!.eip).toEqual({ ip: '47.96.3.30', allocationId: 'eip-free' });
    },
    touched: { groupIds: [], eniIds: ['eni-db'], instanceIds: ['i-db'] },
  },
  {
    name: 'bind-eip to a secondary ENI',
    changes: changes('  - bind-eip: { eip: eip-free, to: eni-db2 }'),
    check: (after) => expect(eip(after, 'eip-free')).toMatchObject({ boundInstanceType: 'NetworkInterface', boundInstanceId: 'eni-db2' }),
    touched: { groupIds: [], eniIds: ['eni-db2'], instanceIds: ['i-db'] },
  },
  {
    name: 'unbind-eip clears the EIP and the instance’s record',
    changes: changes('  - unbind-eip: { eip: eip-admin }'),
    check: (after) => {
      expect(eip(after, 'eip-admin')).toEqual({ allocationId: 'eip-admin', ip: '47.96.2.20', status: 'Available', name: '' });
      expect(instance(after, 'i-admin')!.eip).toBeUndefined();
    },
    touched: { groupIds: [], eniIds: ['eni-admin'], instanceIds: ['i-admin'] },
  },
  {
    name: 'createInstance adds the instance and its primary ENI',
    changes: [NEW_INSTANCE],
    check: (after) => {
      expect(instance(after, 'i-new')!.publicIps).toEqual(['198.51.100.1']);
      expect(eni(after, 'eni-new')!.securityGroupIds).toEqual(['sg-admin']);
    },
    touched: { groupIds: ['sg-admin'], eniIds: ['eni-new'], instanceIds: ['i-new'] },
  },
  {
    name: 'setPublicIp',
    changes: [{ kind: 'setPublicIp', instanceId: 'i-db', ip: '198.51.100.7', origin }],
    check: (after) => expect(instance(after, 'i-db')!.publicIps).toEqual(['198.51.100.7']),
    touched: { groupIds: [], eniIds: ['eni-db'], instanceIds: ['i-db'] },
  },
  {
    name: 'deleteInstance removes its primary ENI, detaches the secondary one and frees its EIP',
    changes: [{ kind: 'deleteInstance', instanceId: 'i-admin', origin }, { kind: 'deleteInstance', instanceId: 'i-db', origin }],
    check: (after) => {
      expect(instance(after, 'i-admin')).toBeUndefined();
      expect(eni(after, 'eni-admin')).toBeUndefined();
      expect(eip(after, 'eip-admin')!.boundInstanceId).toBeUndefined();
      expect(eni(after, 'eni-db2')!.instanceId).toBeUndefined();
    },
    touched: { groupIds: ['sg-admin', 'sg-db'], eniIds: ['eni-admin', 'eni-db', 'eni-db2'], instanceIds: ['i-admin', 'i-db'] },
  },
  {
    name: 'createInterface attached, then detach and attach interfaces, delete one',
    changes: [
      { kind: 'createInterface', accountId: '1111', regionId: 'cn-hangzhou', eni: { id: 'eni-x', name: '', description: '', type: 'Secondary', status: 'InUse', instanceId: 'i-web', serviceManaged: false, privateIps: [], ipv6Addresses: [], securityGroupIds: ['sg-spare'], tags: {} }, origin },
      { kind: 'detachInterface', eniId: 'eni-db2', instanceId: 'i-db', origin },
      { kind: 'attachInterface', eniId: 'eni-free', instanceId: 'i-web', origin },
      { kind: 'deleteInterface', eniId: 'eni-db2', origin },
    ],
    check: (after) => {
      expect(eni(after, 'eni-x')!.instanceId).toBe('i-web');
      expect(eni(after, 'eni-free')!.instanceId).toBe('i-web');
      expect(eni(after, 'eni-db2')).toBeUndefined();
    },
    touched: { groupIds: ['sg-spare', 'sg-db'], eniIds: ['eni-x', 'eni-db2', 'eni-free'], instanceIds: ['i-web', 'i-db'] },
  },
];

describe('applyChanges: each kind', () => {
  it.each(cases)('$name', ({ changes, check, touched }) => {
    const before = estate();
    const json = JSON.stringify(before);
    const result = applyChanges(deepFreeze(before), { kind: 'change-file', changes, assumptions: [] });
    expect(JSON.stringify(before)).toBe(json);
    check(result.after);
    expect({ groupIds: [...result.touched.groupIds], eniIds: [...result.touched.eniIds], instanceIds: [...result.touched.instanceIds] }).toEqual(touched);
    expect(result.applied.map((entry) => entry.change)).toEqual(changes);
  });
});

describe('applyChanges: structural sharing', () => {
  it('copies only the path to what changed', () => {
    const before = deepFreeze(estate());
    const { after } = applyChanges(before, { kind: 'change-file', changes: changes('  - add-rule: { group: sg-web, protocol: tcp, ports: 22, source: 0.0.0.0/0 }'), assumptions: [] });
    const [b, a] = [region(before), region(after)];
    expect(a).not.toBe(b);
    expect(group(after, 'sg-web')).not.toBe(group(before, 'sg-web'));
    expect(group(after, 'sg-admin')).toBe(group(before, 'sg-admin'));
    expect(group(after, 'sg-web')!.rules[0]).toBe(group(before, 'sg-web')!.rules[0]);
    expect(a.instances).toBe(b.instances);
    expect(a.networkInterfaces).toBe(b.networkInterfaces);
    expect(after.coverage).toBe(before.coverage);
  });

  it('a group in a new region creates the region', () => {
    const change: Change = { kind: 'createGroup', accountId: '2222', regionId: 'cn-beijing', group: { id: 'sg-bj', name: '', description: '', type: 'normal', innerAccessPolicy: 'accept', serviceManaged: false, tags: {}, rules: [] }, origin };
    const { after } = applyChanges(deepFreeze(estate()), { kind: 'change-file', changes: [change], assumptions: [] });
    expect(after.accounts.map((account) => account.accountId)).toEqual(['1111', '2222']);
    expect(after.accounts[1]!.regions[0]!.securityGroups[0]!.id).toBe('sg-bj');
  });
});

describe('applyChanges: what Alibaba Cloud would refuse', () => {
  const cases: { name: string; yaml: string; error: string }[] = [
    { name: 'unknown group, with suggestions', yaml: '  - attach-group: { group: sg-wbe, to: i-admin }', error: 'c.yaml: changes[0].attach-group: no security group sg-wbe in the snapshot or created earlier in the change set (did you mean sg-web or sg-db?)' },
    { name: 'unknown target', yaml: '  - attach-group: { group: sg-web, to: i-admn }', error: 'c.yaml: changes[0].attach-group: no instance or network interface i-admn in the snapshot or created earlier in the change set (did you mean i-admin?)' },
    { name: 'rule that is not there', yaml: '  - remove-rule: { group: sg-web, rule: sgr-web-http }', error: 'c.yaml: changes[0].remove-rule: sg-web has no rule sgr-web-http (did you mean sgr-web-https?)' },
    { name: 'rule by fields that is not there', yaml: '  - modify-rule: { group: sg-web, protocol: tcp, ports: 80, source: 0.0.0.0/0, set: { priority: 2 } }', error: 'c.yaml: changes[0].modify-rule: sg-web has no rule ingress accept tcp/80 from 0.0.0.0/0, priority 1' },
    { name: 'group from another VPC', yaml: '  - attach-group: { group: sg-other, to: i-web }', error: 'c.yaml: changes[0].attach-group: sg-other belongs to vpc-2 and eni-web to vpc-1; a security group protects interfaces of its own VPC only' },
    { name: 'basic and advanced groups together', yaml: '  - attach-group: { group: sg-adv, to: i-web }', error: 'c.yaml: changes[0].attach-group: eni-web is in normal group sg-web; Alibaba Cloud does not put an interface in basic (normal) and advanced (enterprise) groups at once' },
    { name: 'drop rule in an advanced group', yaml: '  - add-rule: { group: sg-adv, protocol: all, source: 0.0.0.0/0, policy: drop }', error: 'c.yaml: changes[0].add-rule: sg-adv is an advanced (enterprise) security group, which takes accept rules only' },
    { name: 'already attached', yaml: '  - attach-group: { group: sg-web, to: eni-web }', error: 'c.yaml: changes[0].attach-group: sg-web is already attached to eni-web' },
    { name: 'detach the last group', yaml: '  - detach-group: { group: sg-web, from: i-web }', error: 'c.yaml: changes[0].detach-group: sg-web is the only group of eni-web; an interface must stay in at least one security group' },
    { name: 'delete a group in use', yaml: '  - delete-group: sg-admin', error: 'c.yaml: changes[0].delete-group: sg-admin still protects eni-admin; Alibaba Cloud refuses to delete a group in use (detach it first)' },
    { name: 'bind a bound EIP', yaml: '  - bind-eip: { eip: eip-admin, to: i-db }', error: 'c.yaml: changes[0].bind-eip: EIP eip-admin (47.96.2.20) is already bound to i-admin; unbind it first' },
    { name: 'unknown EIP', yaml: '  - bind-eip: { eip: eip-fre, to: i-db }', error: 'c.yaml: changes[0].bind-eip: no EIP eip-fre in the snapshot (did you mean eip-free?)' },
    { name: 'create an existing group', yaml: '  - create-group: { id: sg-web, vpc: vpc-1 }', error: 'c.yaml: changes[0].create-group: sg-web already exists' },
  ];
  it.each(cases)('$name', ({ yaml, error }) => {
    expect(() => applyChanges(deepFreeze(estate()), { kind: 'change-file', changes: changes(yaml), assumptions: [] })).toThrow(error);
  });
});
