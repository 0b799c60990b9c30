import { describe, expect, it } from 'vitest';
import { COMPARED_FIELDS, sameEip, sameInstance, sameNetworkInterface } from '../../src/analyze/drift/exposure-prune.js';
import { Eip, Instance, NetworkInterface } from '../../src/model/snapshot.js';

const instance = Instance.parse({ id: 'i-1', name: 'web', hostname: 'web-1', vpcId: 'vpc-1', vSwitchId: 'vsw-1', securityGroupIds: ['sg-1', 'sg-2'], privateIps: ['10.0.0.1'], publicIps: ['203.0.113.1'], eip: { ip: '203.0.113.9', allocationId: 'eip-1' }, tags: { env: 'prod' } });
const eni = NetworkInterface.parse({ id: 'eni-1', name: 'nic', description: 'd', type: 'Primary', status: 'InUse', instanceId: 'i-1', serviceManaged: true, serviceId: 'svc', vpcId: 'vpc-1', vSwitchId: 'vsw-1', privateIps: ['10.0.0.1'], ipv6Addresses: ['2001:db8::1'], securityGroupIds: ['sg-1'], publicIp: '203.0.113.2', tags: { env: 'prod' } });
const eip = Eip.parse({ allocationId: 'eip-1', ip: '203.0.113.9', status: 'InUse', name: 'e', boundInstanceType: 'EcsInstance', boundInstanceId: 'i-1' });

/** A value of the same type that differs from the given one. */
function other(value: unknown): unknown {
  if (typeof value === 'string') return `${value}-x`;
  if (typeof value === 'boolean') return !value;
  if (Array.isArray(value)) return [...(value as unknown[]), 'extra'];
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, other(v)]));
  return 'set';
}

const cases = [
  { name: 'instance', record: instance, shape: Instance.shape, fields: COMPARED_FIELDS.instance, same: (a: unknown, b: unknown) => sameInstance(a as Instance, b as Instance) },
  { name: 'networkInterface', record: eni, shape: NetworkInterface.shape, fields: COMPARED_FIELDS.networkInterface, same: (a: unknown, b: unknown) => sameNetworkInterface(a as NetworkInterface, b as NetworkInterface) },
  { name: 'eip', record: eip, shape: Eip.shape, fields: COMPARED_FIELDS.eip, same: (a: unknown, b: unknown) => sameEip(a as Eip, b as Eip) },
];

describe('record equality for exposure drift covers every schema field', () => {
  for (const { name, record, shape, fields, same } of cases) {
    it(`${name}: the compared fields are exactly the schema's`, () => {
      expect([...fields].sort()).toEqual(Object.keys(shape).sort());
    });
    it(`${name}: equal copies are the same, a change in any one field is not`, () => {
      expect(same(record, structuredClone(record))).toBe(true);
      for (const field of fields) {
        const changed = { ...structuredClone(record), [field]: other((record as Record<string, unknown>)[field]) };
        expect(same(record, changed), field).toBe(false);
        // Parsed records always carry defaulted fields; only optional ones can be absent.
        if ((shape as Record<string, { def: { type: string } }>)[field]?.def.type !== 'optional') continue;
        const removed = structuredClone(record) as Record<string, unknown>;
        delete removed[field];
        expect(same(record, removed), `${field} removed`).toBe(false);
      }
    });
  }
  it('tags: a different value or key is a change, key order is not', () => {
    expect(sameInstance(instance, { ...instance, tags: { env: 'dev' } })).toBe(false);
    expect(sameInstance(instance, { ...instance, tags: { team: 'prod' } })).toBe(false);
    expect(sameInstance({ ...instance, tags: { a: '1', b: '2' } }, { ...instance, tags: { b: '2', a: '1' } })).toBe(true);
  });
});
