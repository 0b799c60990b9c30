import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateEstate, sampleEstate } from '../../src/emulator/index.js';
import { fastInstance, fastNetworkInterface, fastSecurityGroup } from '../../src/model/record-fast-path.js';
import { SNAPSHOT_RECORD_SCHEMAS } from '../../src/model/snapshot.js';

const KINDS = [
  ['securityGroup', fastSecurityGroup, SNAPSHOT_RECORD_SCHEMAS.SecurityGroup],
  ['instance', fastInstance, SNAPSHOT_RECORD_SCHEMAS.Instance],
  ['networkInterface', fastNetworkInterface, SNAPSHOT_RECORD_SCHEMAS.NetworkInterface],
] as const;

type Kind = (typeof KINDS)[number][0];

/** The records of an estate as a snapshot file holds them: JSON, with the envelope members on each. */
function fileRecords(accounts: ReturnType<typeof sampleEstate>['accounts']): [Kind, unknown][] {
  const records: [Kind, unknown][] = [];
  for (const { accountId, regions } of accounts) {
    for (const region of regions) {
      const envelope = (kind: Kind) => ({ kind, accountId, regionId: region.regionId });
      for (const group of region.securityGroups) records.push(['securityGroup', JSON.parse(JSON.stringify({ ...envelope('securityGroup'), ...group }))]);
      for (const instance of region.instances) records.push(['instance', JSON.parse(JSON.stringify({ ...envelope('instance'), ...instance }))]);
      for (const eni of region.networkInterfaces) records.push(['networkInterface', JSON.parse(JSON.stringify({ ...envelope('networkInterface'), ...eni }))]);
    }
  }
  return records;
}

/** What the fast path returns must be byte for byte what zod returns; where zod rejects, the fast path must give up. */
function agreesWithZod(kind: Kind, record: unknown): void {
  const [, fast, schema] = KINDS.find(([name]) => name === kind)!;
  const copy = fast(record);
  const parsed = schema.safeParse(record);
  if (copy === undefined) return;
  expect(parsed.success, `zod rejects a ${kind} the fast path accepted: ${JSON.stringify(record).slice(0, 300)}`).toBe(true);
  expect(JSON.stringify(copy)).toBe(JSON.stringify(parsed.data));
  expect(copy).toEqual(parsed.data);
}

describe('record fast path = the stripping record schemas', () => {
  const estates = [
    ['the sample estate', sampleEstate().accounts],
    ['a generated estate', generateEstate({ instances: 600, groups: 120, rulesPerGroup: 20, enis: 720, eips: 120, seed: 11 }).accounts],
  ] as const;

  it.each(estates)('copies every group, instance and interface of %s exactly as zod does', (_name, accounts) => {
    const records = fileRecords(accounts);
    expect(records.length).toBeGreaterThan(20);
    for (const [kind, record] of records) {
      const [, fast] = KINDS.find(([name]) => name === kind)!;
      expect(fast(record), `${kind} ${(record as { id: string }).id} fell through to zod`).toBeDefined();
      agreesWithZod(kind, record);
    }
  });

  // Members as a newer sgaudit, a hand edit or a corrupt file might leave them: right, wrong or odd.
  const text = fc.oneof(fc.string(), fc.constantFrom('tcp', 'all', 'ingress', 'accept', 'normal', 'vpc', 'classic', 'internet', '__proto__'));
  const odd = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(text, { maxLength: 2 }), fc.dictionary(text, text, { maxKeys: 2 }), fc.constant(2 ** 60));
  const member = (good: fc.Arbitrary<unknown>, goodWeight = 4) => fc.option(fc.oneof({ weight: goodWeight, arbitrary: good }, { weight: 1, arbitrary: odd }), { nil: undefined, freq: 3 });
  // Members the schema requires: usually right (a group reaches the fast path only when all of them and
  // every rule's are), sometimes odd or missing.
  const required = (good: fc.Arbitrary<unknown>) => fc.oneof({ weight: 30, arbitrary: good }, { weight: 1, arbitrary: odd }, { weight: 1, arbitrary: fc.constant(undefined) });
  const withExtras = (record: fc.Arbitrary<Record<string, unknown>>) =>
    fc.tuple(record, fc.dictionary(fc.constantFrom('kind', 'accountId', 'future', 'note', '__proto__'), odd, { maxKeys: 2 })).map(([base, extra]) => {
      const value: Record<string, unknown> = {};
      for (const [key, item] of Object.entries({ ...extra, ...base })) if (item !== undefined) Object.defineProperty(value, key, { value: item, enumerable: true, writable: true, configurable: true });
      return value;
    });
  const tags = fc.dictionary(text, fc.oneof({ weight: 5, arbitrary: fc.string() }, { weight: 1, arbitrary: odd }), { maxKeys: 3 });
  const strings = fc.array(fc.oneof({ weight: 5, arbitrary: fc.string() }, { weight: 1, arbitrary: odd }), { maxLength: 3 });
  const peer = withExtras(fc.record({ cidr: member(fc.string()), ipv6Cidr: member(fc.string()), groupId: member(fc.string()), ownerAccount: member(fc.string()), prefixListId: member(fc.string()), addressGroupId: member(fc.string()) }));
  const ports = withExtras(fc.record({ from: required(fc.integer({ min: -1, max: 70000 })), to: required(fc.integer({ min: -1, max: 70000 })) }));
  const problem = withExtras(fc.record({ field: member(fc.string()), value: member(fc.string()), problem: member(fc.string()) }));
  const rule = withExtras(
    fc.record({
      id: member(fc.string()),
      direction: required(fc.constantFrom('ingress', 'egress')),
      policy: required(fc.constantFrom('accept', 'drop')),
      priority: required(fc.integer({ min: -5, max: 200 })),
      protocol: required(fc.constantFrom('tcp', 'udp', 'icmp', 'icmpv6', 'gre', 'all')),
      ports: required(ports),
      portRanges: member(fc.array(ports, { maxLength: 3 })),
      portText: member(fc.string()),
      enabled: member(fc.boolean()),
      portListId: member(fc.string()),
      source: member(peer),
      destination: member(peer),
      nicType: member(fc.constantFrom('internet', 'intranet')),
      description: member(fc.string()),
      createdAt: member(fc.string()),
      problems: member(fc.array(problem, { maxLength: 2 })),
    }),
  );
  const group = withExtras(
    fc.record({
      id: required(fc.string()),
      name: required(fc.string()),
      description: member(fc.string()),
      vpcId: member(fc.string()),
      type: required(fc.constantFrom('normal', 'enterprise')),
      innerAccessPolicy: required(fc.constantFrom('accept', 'drop')),
      serviceManaged: member(fc.boolean()),
      tags: member(tags),
      createdAt: member(fc.string()),
      rules: required(fc.array(rule, { maxLength: 3 })),
    }),
  );
  const instance = withExtras(
    fc.record({
      id: required(fc.string()),
      name: member(fc.string()),
      hostname: member(fc.string()),
      status: member(fc.string()),
      networkType: member(fc.constantFrom('vpc', 'classic')),
      vpcId: member(fc.string()),
      vSwitchId: member(fc.string()),
      securityGroupIds: member(strings),
      privateIps: member(strings),
      publicIps: member(strings),
      eip: member(withExtras(fc.record({ ip: member(fc.string()), allocationId: member(fc.string()) }))),
      tags: member(tags),
    }),
  );
  const eni = withExtras(
    fc.record({
      id: required(fc.string()),
      name: member(fc.string()),
      description: member(fc.string()),
      type: member(fc.string()),
      status: member(fc.string()),
      instanceId: member(fc.string()),
      serviceManaged: member(fc.boolean()),
      serviceId: member(fc.string()),
      vpcId: member(fc.string()),
      vSwitchId: member(fc.string()),
      privateIps: member(strings),
      ipv6Addresses: member(strings),
      securityGroupIds: required(strings),
      publicIp: member(fc.string()),
      tags: member(tags),
    }),
  );

  it.each([
    ['securityGroup', group],
    ['instance', instance],
    ['networkInterface', eni],
  ] as const)('agrees with zod on random %s records (odd members, unknown members, the envelope)', (kind, records) => {
    let copied = 0;
    fc.assert(
      fc.property(records, (record) => {
        agreesWithZod(kind, record);
        if (KINDS.find(([name]) => name === kind)![1](record)) copied++;
      }),
      { numRuns: 1500 },
    );
    // The generators reach the fast path often enough to mean something (and zod the rest).
    expect(copied).toBeGreaterThan(20);
  });
});
