import type { Estate, NetworkInterface, Rule, SecurityGroup } from '../../src/model/snapshot.js';

export const ACCOUNT = '1111222233334444';
export const OTHER_ACCOUNT = '5555666677778888';
export const REGION = 'cn-hangzhou';

function rule(n: number): Rule {
  return { id: `sgr-${n}`, direction: n % 5 === 0 ? 'egress' : 'ingress', policy: 'accept', priority: 1 + (n % 100), protocol: 'tcp', ports: { from: 1000 + n, to: 1000 + n }, source: { cidr: `10.0.${n % 256}.0/24` } };
}

function group(id: string, rules = 0, extra: Partial<SecurityGroup> = {}): SecurityGroup {
  return {
    id, name: `name-${id}`, description: '', vpcId: 'vpc-1', type: 'normal', innerAccessPolicy: 'accept', serviceManaged: false, tags: {},
    rules: Array.from({ length: rules }, (_, i) => rule(i)), ...extra,
  };
}

function eni(n: number): NetworkInterface {
  return { id: `eni-${String(n).padStart(6, '0')}`, name: '', description: '', type: 'Secondary', status: 'Available', serviceManaged: false, privateIps: [`10.1.${n >> 8}.${n & 255}`], ipv6Addresses: [], securityGroupIds: ['sg-big'], tags: {} };
}

/** One account, one region, sized for paging tests; a second account holds a single group. */
export function pagingEstate(sizes: { extraGroups?: number; bigGroupRules?: number; enis?: number; eips?: number } = {}): Estate {
  return {
    accounts: [
      {
        accountId: ACCOUNT,
        regions: [
          {
            regionId: REGION,
            securityGroups: [group('sg-big', sizes.bigGroupRules ?? 0), ...Array.from({ length: sizes.extraGroups ?? 0 }, (_, i) => group(`sg-${String(i).padStart(5, '0')}`))],
            instances: [],
            networkInterfaces: Array.from({ length: sizes.enis ?? 0 }, (_, i) => eni(i)),
            eips: Array.from({ length: sizes.eips ?? 0 }, (_, i) => ({ allocationId: `eip-${String(i).padStart(5, '0')}`, ip: `47.0.${i >> 8}.${i & 255}`, status: 'Available', name: '' })),
            prefixLists: [],
            addressGroups: [],
          },
        ],
      },
      { accountId: OTHER_ACCOUNT, regions: [{ regionId: REGION, securityGroups: [group('sg-other-account', 3)], instances: [], networkInterfaces: [], eips: [], prefixLists: [], addressGroups: [] }] },
    ],
  };
}
