import {
  DescribeInstancesResponseBody,
  DescribeNetworkInterfacesResponseBody,
  DescribeSecurityGroupAttributeResponseBody,
  DescribeSecurityGroupsResponseBody,
} from '@alicloud/ecs20140526';
import { DescribeEipAddressesResponseBody } from '@alicloud/vpc20160428';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collectPermissions, normalizeEip, normalizeInstance, normalizeNetworkInterface, normalizeSecurityGroup } from '../../src/collect/alicloud/normalize.js';
import { repeatedIds } from '../../src/collect/alicloud/region.js';
import { parseConfigText } from '../../src/config/load.js';
import { Snapshot } from '../../src/model/snapshot.js';
import { analyzeWithBaseline } from '../../src/pipeline/analyze.js';
import { REPORT_FORMATS, renderReport } from '../../src/report/index.js';
import { fromWire } from './sdk-cast.js';

/**
 * Wire fuzzing (issue 16): random but plausible API pages — fields missing, `""` everywhere,
 * numbers as strings, unknown protocols, port ranges like -1/-1, 0/0, 70000/1, huge priorities,
 * duplicate ids, lists not wrapped — go through the SDK's own response models (as the collector
 * receives them), normalize → analyze → every report format without throwing, and a rule that
 * cannot be understood comes out as an `unparseable-rule` finding, never silently dropped.
 */

const config = parseConfigText('', undefined);

/** A value as a sloppy API might send it: the right thing, `""`, a number as a string, missing, or junk. */
const messy = <T>(good: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 6, arbitrary: good },
    { weight: 1, arbitrary: fc.constant('') },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constantFrom(null, 'null', '-', ' ', '\u001b[2J', 'N/A') },
  );

const ids = (prefix: string) => fc.constantFrom(...Array.from({ length: 6 }, (_, i) => `${prefix}-fz${i}`)); // few: duplicates happen
const priority = fc.oneof(fc.integer({ min: 1, max: 100 }), fc.constantFrom(0, -5, 110, 2 ** 31, Number.MAX_SAFE_INTEGER), fc.integer({ min: 1, max: 100 }).map(String), fc.constant('1e3'));
const protocol = fc.constantFrom('TCP', 'tcp', 'UDP', 'ICMP', 'ICMPv6', 'GRE', 'ALL', 'all', 'SCTP', 'ESP', 'foo', '6', '');
const portRange = fc.oneof(
  fc.tuple(fc.integer({ min: 1, max: 65535 }), fc.integer({ min: 1, max: 65535 })).map(([a, b]) => `${Math.min(a, b)}/${Math.max(a, b)}`),
  fc.constantFrom('-1/-1', '0/0', '70000/1', '22/22', '1/65535', '22', '22-80', '80/22', 'abc/x', '/', '', '-1/80', '1/70000'),
);
const cidr = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 32 })).map(([a, b, p]) => `${a}.${b}.0.0/${p}`),
  fc.constantFrom('0.0.0.0/0', '10.0.0.0/8', '1.0.0.0/1', '203.0.113.9', '999.1.1.1/8', '10.0.0.0/33', 'not-an-ip', '::/0', '2001:db8::/32'),
);
const ipv6 = fc.constantFrom('::/0', '2001:db8::/32', 'fe80::/10', '2001:db8::/129', 'zz::/8');

const permission = fc.record(
  {
    SecurityGroupRuleId: messy(ids('sgr')),
    Direction: messy(fc.constantFrom('ingress', 'egress', 'both', 'INGRESS')),
    Policy: messy(fc.constantFrom('Accept', 'Drop', 'accept', 'drop', 'Deny', 'allow')),
    Priority: messy(priority),
    IpProtocol: messy(protocol),
    PortRange: messy(portRange),
    SourcePortRange: messy(portRange),
    SourceCidrIp: messy(cidr),
    Ipv6SourceCidrIp: messy(ipv6),
    SourceGroupId: messy(ids('sg')),
    SourceGroupOwnerAccount: messy(fc.constantFrom('1234567890123456', '999', 'x')),
    SourcePrefixListId: messy(ids('pl')),
    DestCidrIp: messy(cidr),
    Ipv6DestCidrIp: messy(ipv6),
    DestGroupId: messy(ids('sg')),
    DestPrefixListId: messy(ids('pl')),
    NicType: messy(fc.constantFrom('intranet', 'internet', 'both')),
    Description: messy(fc.string({ maxLength: 20 })),
    CreateTime: messy(fc.constantFrom('2024-01-01T00:00:00Z', 'yesterday')),
  },
  { requiredKeys: [] },
);

/**
 * A list the API may wrap (`{ Permission: [...] }`), leave bare, leave out, or (rarely) send as
 * `""`, which the SDK's cast refuses: the collector records such a page as a failed call.
 */
const wrapped = <T>(key: string, items: fc.Arbitrary<T[]>) =>
  fc.oneof(
    { weight: 30, arbitrary: items.map((list) => ({ [key]: list })) },
    { weight: 4, arbitrary: items },
    { weight: 2, arbitrary: fc.constantFrom(undefined, {}) },
    { weight: 1, arbitrary: fc.constantFrom('', null, { [key]: '' }) },
  );

/** An object field: present or missing, rarely `""` or null (refused by the cast, as above). */
const maybe = <T>(value: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 30, arbitrary: value }, { weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom('', null) });

const group = fc.record(
  {
    SecurityGroupId: ids('sg'),
    SecurityGroupName: messy(fc.string({ maxLength: 12 })),
    Description: messy(fc.string({ maxLength: 12 })),
    VpcId: messy(fc.constantFrom('vpc-1', 'vpc-2')),
    SecurityGroupType: messy(fc.constantFrom('normal', 'enterprise', 'weird')),
    Tags: maybe(wrapped('Tag', fc.array(fc.record({ TagKey: messy(fc.string({ maxLength: 6 })), TagValue: messy(fc.string({ maxLength: 6 })) }, { requiredKeys: [] }), { maxLength: 3 }))),
  },
  { requiredKeys: ['SecurityGroupId'] },
);

const attributePage = fc.record(
  {
    RequestId: fc.constant('req'),
    InnerAccessPolicy: messy(fc.constantFrom('Accept', 'Drop', 'other')),
    Permissions: wrapped('Permission', fc.array(permission, { maxLength: 8 })),
    NextToken: messy(fc.constant('')),
  },
  { requiredKeys: ['RequestId'] },
);

const ipList = (key: string) => maybe(wrapped(key, fc.array(fc.constantFrom('47.1.2.3', '10.0.0.5', '', 'x'), { maxLength: 2 })));

const instance = fc.record(
  {
    InstanceId: ids('i'),
    InstanceName: messy(fc.string({ maxLength: 8 })),
    Status: messy(fc.constantFrom('Running', 'Stopped')),
    VpcAttributes: maybe(fc.record({ VpcId: messy(fc.constant('vpc-1')), PrivateIpAddress: ipList('IpAddress') }, { requiredKeys: [] })),
    PublicIpAddress: ipList('IpAddress'),
    EipAddress: maybe(fc.record({ IpAddress: messy(fc.constantFrom('47.9.9.9', '')), AllocationId: messy(ids('eip')) }, { requiredKeys: [] })),
    SecurityGroupIds: maybe(wrapped('SecurityGroupId', fc.array(ids('sg'), { maxLength: 3 }))),
    NetworkInterfaces: maybe(wrapped('NetworkInterface', fc.array(fc.record({ NetworkInterfaceId: messy(ids('eni')), Type: messy(fc.constantFrom('Primary', 'Secondary')) }, { requiredKeys: [] }), { maxLength: 2 }))),
  },
  { requiredKeys: ['InstanceId'] },
);

const eni = fc.record(
  {
    NetworkInterfaceId: ids('eni'),
    InstanceId: messy(ids('i')),
    Type: messy(fc.constantFrom('Primary', 'Secondary', 'Trunk', 'x')),
    PrivateIpAddress: messy(fc.constantFrom('10.0.0.5', '', 'bad')),
    SecurityGroupIds: maybe(wrapped('SecurityGroupId', fc.array(ids('sg'), { maxLength: 6 }))),
    AssociatedPublicIp: maybe(fc.record({ PublicIpAddress: messy(fc.constantFrom('47.1.1.1', '')) }, { requiredKeys: [] })),
    Ipv6Sets: maybe(wrapped('Ipv6Set', fc.array(fc.record({ Ipv6Address: messy(fc.constantFrom('2408:4000::1', 'fe80::1', '')) }, { requiredKeys: [] }), { maxLength: 2 }))),
  },
  { requiredKeys: ['NetworkInterfaceId'] },
);

const eip = fc.record(
  {
    AllocationId: ids('eip'),
    IpAddress: messy(fc.constantFrom('47.2.2.2', '', 'x')),
    InstanceId: messy(fc.oneof(ids('i'), ids('eni'))),
    InstanceType: messy(fc.constantFrom('EcsInstance', 'NetworkInterface', 'Nat', '')),
    Status: messy(fc.constantFrom('InUse', 'Available')),
  },
  { requiredKeys: ['AllocationId'] },
);

const estate = fc.record({
  // Ids repeat, group ids included: a group listed twice (a page boundary shifting under the
  // collector) is kept once, with the rules of its first listing, as collectSecurityGroups does.
  groups: fc.array(fc.tuple(group, fc.array(attributePage, { minLength: 1, maxLength: 2 })), { maxLength: 5 }),
  instances: fc.array(instance, { maxLength: 4 }),
  enis: fc.array(eni, { maxLength: 5 }),
  eips: fc.array(eip, { maxLength: 3 }),
});

/** One region's pages, as JSON. */
interface Pages {
  groups: [unknown, unknown[]][];
  instances: unknown[];
  enis: unknown[];
  eips: unknown[];
}

/** What the collector builds from one region's pages: the SDK models cast from the JSON, then normalized. */
function regionFromPages(pages: Pages) {
  const groupsBody = fromWire(DescribeSecurityGroupsResponseBody, { RequestId: 'r', SecurityGroups: { SecurityGroup: pages.groups.map(([wire]) => wire) } });
  const isRepeat = repeatedIds();
  const securityGroups = (groupsBody.securityGroups?.securityGroup ?? []).flatMap((wire, index) => {
    if (isRepeat(wire.securityGroupId)) return [];
    const attributes = (pages.groups[index]?.[1] ?? []).map((page: unknown) => fromWire(DescribeSecurityGroupAttributeResponseBody, page));
    return [normalizeSecurityGroup(wire, collectPermissions(attributes))];
  });
  const instances = (fromWire(DescribeInstancesResponseBody, { RequestId: 'r', Instances: { Instance: pages.instances } }).instances?.instance ?? []).map(normalizeInstance);
  const networkInterfaces = (fromWire(DescribeNetworkInterfacesResponseBody, { RequestId: 'r', NetworkInterfaceSets: { NetworkInterfaceSet: pages.enis } }).networkInterfaceSets?.networkInterfaceSet ?? []).map(
    normalizeNetworkInterface,
  );
  const eips = (fromWire(DescribeEipAddressesResponseBody, { RequestId: 'r', EipAddresses: { EipAddress: pages.eips } }).eipAddresses?.eipAddress ?? []).map(normalizeEip);
  return { regionId: 'cn-hangzhou', securityGroups, instances, networkInterfaces, eips, prefixLists: [] };
}

/** Pages the SDK's own cast refuses never reach the normalizers (the collector records the call as failed): skipped here. */
function castable(run: () => ReturnType<typeof regionFromPages>): ReturnType<typeof regionFromPages> | undefined {
  try {
    return run();
  } catch (error) {
    if (/cast|type|invalid/i.test(String((error as Error).message)) && (error as Error).stack?.includes('@darabonba')) return undefined;
    throw error;
  }
}

describe('wire fuzzing: normalize → analyze → report', () => {
  it('never throws, and every rule it could not understand is an unparseable-rule finding', () => {
    let analyzed = 0;
    let refused = 0;
    let unparseable = 0;
    let repeatedGroups = 0;
    fc.assert(
      fc.property(estate, (pages) => {
        // Through JSON, as the pages arrive over HTTP.
        const wire = JSON.parse(JSON.stringify(pages)) as Pages;
        const region = castable(() => regionFromPages(wire));
        if (!region) {
          refused++;
          return;
        }
        const snapshot = Snapshot.parse({
          schema: 'sgaudit/snapshot@1',
          id: 'fuzz',
          takenAt: '2026-11-25T00:00:00.000Z',
          tool: { name: 'sgaudit', version: 'fuzz' },
          provider: 'alicloud',
          coverage: [],
          accounts: [{ accountId: '1234567890123456', regions: [region] }],
        });
        const document = analyzeWithBaseline(snapshot, { config, now: new Date('2026-11-25T00:00:00.000Z') });
        analyzed++;
        // One record per group id, however often the listing named it.
        const groupIds = region.securityGroups.map((g) => g.id).filter(Boolean);
        expect(new Set(groupIds).size).toBe(groupIds.length);
        const listedIds = wire.groups.map(([listing]) => (listing as { SecurityGroupId?: unknown }).SecurityGroupId).filter((id) => typeof id === 'string' && id);
        repeatedGroups += listedIds.length - new Set(listedIds).size;
        const problemRules = region.securityGroups.flatMap((g) => g.rules.filter((rule) => rule.problems?.length).map((rule) => ({ group: g.id, rule })));
        const flagged = document.findings.filter((finding) => finding.check === 'unparseable-rule');
        unparseable += problemRules.length;
        // Each group with a rule it could not understand is reported (per rule or per group).
        for (const { group: groupId } of problemRules) expect(flagged.some((finding) => JSON.stringify(finding).includes(groupId))).toBe(true);
        for (const format of REPORT_FORMATS) expect(renderReport(format, document).length).toBeGreaterThan(0);
      }),
      { numRuns: 150, seed: Number(process.env.SGAUDIT_FUZZ_SEED ?? 16) },
    );
    // Most pages get through the cast; what it refuses is a failed call in the collector's coverage.
    expect(analyzed).toBeGreaterThan(refused);
    expect(unparseable).toBeGreaterThan(20);
    expect(repeatedGroups).toBeGreaterThan(20);
  });
});
