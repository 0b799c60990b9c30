import type { Account, Eip, Instance, NetworkInterface, Peer, Rule, SecurityGroup } from '../model/snapshot.js';
import { sampleEstate } from './sample-estate.js';
import type { Estate } from '../model/snapshot.js';

/**
 * The Huawei Cloud account of the demo's mixed estate: what its checks find, and where Huawei's
 * ordering (groups in the port's sequence, seed 002) decides differently from Alibaba's pooling.
 * Written as the Huawei APIs describe resources (groups without VPC, ports with their groups in
 * sequence order, EIPs as floating addresses on ports), so collecting it gives it back exactly.
 */

const SAMPLE_HUAWEI_ACCOUNT = 'hw-0a1b2c3d4e5f6071';
const REGION = 'cn-north-4';
const VPC = 'hw-vpc-prod-0001';
const SUBNET = 'hw-subnet-prod-0001';
const CREATED = '2024-09-01T02:00:00Z';

function rule(id: string, direction: Rule['direction'], policy: Rule['policy'], priority: number, protocol: Rule['protocol'], ports: string, peer: Peer, extra: Partial<Rule> = {}): Rule {
  const ranges = ports.split(',').map((part) => {
    const [from, to] = part.split('-').map(Number);
    return { from: from ?? 1, to: to ?? from ?? 65535 };
  });
  const multiport = ranges.length > 1 ? { portRanges: ranges, portText: ports } : {};
  const span = { from: Math.min(...ranges.map((r) => r.from)), to: Math.max(...ranges.map((r) => r.to)) };
  return { id, direction, policy, priority, protocol, ports: span, ...multiport, ...(direction === 'ingress' ? { source: peer } : { destination: peer }), createdAt: CREATED, ...extra };
}

function group(id: string, name: string, description: string, rules: Rule[]): SecurityGroup {
  // Huawei's default rules: members reach each other only because a rule says so; egress is an explicit allow-all.
  const defaults = [
    rule(`${id}-self`, 'ingress', 'accept', 1, 'all', '1-65535', { groupId: id }, { description: 'default: members of the group' }),
    rule(`${id}-out`, 'egress', 'accept', 100, 'all', '1-65535', { cidr: '0.0.0.0/0' }, { description: 'default: all outbound' }),
  ];
  return { id, name, description, type: 'normal', innerAccessPolicy: 'drop', serviceManaged: false, tags: { team: 'platform' }, createdAt: CREATED, rules: [...rules, ...defaults] };
}

function server(id: string, name: string, ip: string, groups: string[], tier: string): { instance: Instance; port: NetworkInterface } {
  const portId = `hw-port-${id.slice(7)}`;
  return {
    instance: { id, name, status: 'ACTIVE', networkType: 'vpc', vpcId: VPC, securityGroupIds: groups, privateIps: [ip], publicIps: [], tags: { tier } },
    port: { id: portId, name: '', description: '', type: 'Primary', status: 'ACTIVE', instanceId: id, serviceManaged: false, vSwitchId: SUBNET, privateIps: [ip], ipv6Addresses: [], securityGroupIds: groups, tags: {} },
  };
}

const floating = (ip: string, portId: string): Eip => ({ allocationId: ip, ip, status: '', name: '', boundInstanceType: 'NetworkInterface', boundInstanceId: portId });

function huaweiSampleAccount(): Account {
  const groups = [
    group('hw-sg-web', 'web', 'Web tier: HTTP(S) for everyone, and SSH/RDP opened to the internet by a multiport rule', [
      rule('hw-rule-web-http', 'ingress', 'accept', 1, 'tcp', '80,443', { cidr: '0.0.0.0/0' }),
      rule('hw-rule-web-admin', 'ingress', 'accept', 50, 'tcp', '22,3389', { cidr: '0.0.0.0/0' }, { description: 'temporary admin access' }),
    ]),
    group('hw-sg-lockdown', 'ops-lockdown', 'Denies SSH from anywhere; only effective where it comes first in the port sequence', [
      rule('hw-rule-lockdown-ssh', 'ingress', 'drop', 1, 'tcp', '22', { cidr: '0.0.0.0/0' }),
    ]),
    group('hw-sg-db', 'database', 'MySQL for partners (IP address group) and the web tier; an allow-all rule that is disabled', [
      rule('hw-rule-db-partners', 'ingress', 'accept', 1, 'tcp', '3306', { addressGroupId: 'hw-ag-partners' }),
      rule('hw-rule-db-web', 'ingress', 'accept', 1, 'tcp', '3306', { groupId: 'hw-sg-web' }),
      rule('hw-rule-db-anything', 'ingress', 'accept', 1, 'all', '1-65535', { cidr: '0.0.0.0/0' }, { enabled: false, description: 'disabled after the incident' }),
    ]),
    group('hw-sg-unused', 'old-batch', 'Attached to nothing', [rule('hw-rule-batch', 'ingress', 'accept', 1, 'tcp', '8000-9000', { cidr: '10.0.0.0/8' })]),
  ];
  // web01 has the lockdown second in its sequence (SSH stays open); web02 has it first (SSH closed).
  const servers = [
    server('hw-ecs-web01', 'hw-web-01', '192.168.10.11', ['hw-sg-web', 'hw-sg-lockdown'], 'web'),
    server('hw-ecs-web02', 'hw-web-02', '192.168.10.12', ['hw-sg-lockdown', 'hw-sg-web'], 'web'),
    server('hw-ecs-db01', 'hw-db-01', '192.168.20.11', ['hw-sg-db'], 'database'),
  ];
  return {
    accountId: SAMPLE_HUAWEI_ACCOUNT,
    alias: 'huawei-prod',
    provider: 'huaweicloud',
    regions: [
      {
        regionId: REGION,
        securityGroups: groups,
        instances: servers.map((s) => s.instance),
        networkInterfaces: servers.map((s) => s.port),
        eips: [floating('121.36.10.11', 'hw-port-web01'), floating('121.36.10.12', 'hw-port-web02'), floating('121.36.10.13', 'hw-port-db01')],
        prefixLists: [],
        addressGroups: [
          { id: 'hw-ag-partners', name: 'partners', ipVersion: 'IPv4', entries: [{ address: '203.0.113.0/28', description: 'partner A' }, { address: '198.51.100.10-198.51.100.20', description: 'partner B' }] },
        ],
      },
    ],
  };
}

/** The demo's estate: the Alibaba sample accounts and the Huawei one, served by one emulator. */
export function mixedSampleEstate(): Estate {
  return { accounts: [...sampleEstate().accounts, huaweiSampleAccount()] };
}
