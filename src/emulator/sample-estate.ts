import type { Eip, Estate, Instance, NetworkInterface, Peer, PrefixList, Rule, SecurityGroup } from '../model/snapshot.js';

/**
 * The built-in estate behind `sgaudit demo`: two accounts, two regions, ~20 groups and ~14
 * instances, arranged so every check in DESIGN.md's catalog has something to find (and some
 * near-misses it must NOT report). Each group's description says what it is there to show.
 */

export const SAMPLE_ACCOUNTS = { production: '1234567890123456', shared: '6543210987654321' } as const;
const HZ = 'cn-hangzhou';
const SG = 'ap-southeast-1';
const VPC_HZ = 'vpc-bp1prod0000000000001';
const VSW_HZ = 'vsw-bp1prod0000000000001';
const VPC_SG = 'vpc-t4nprod0000000000001';
const VSW_SG = 'vsw-t4nprod0000000000001';
const VPC_SHARED = 'vpc-bp1shared000000000001';
const VSW_SHARED = 'vsw-bp1shared000000000001';
const CREATED = '2023-03-14T08:00:00Z';
const LEGACY_CREATED = '2019-06-02T03:11:00Z';

export const HOSTILE = {
  script: '<script>alert(1)</script>',
  attribute: '"><img src=x onerror=alert(1)>',
  template: '{{7*7}}',
} as const;

let ruleCounter = 0;
function rule(
  direction: Rule['direction'],
  policy: Rule['policy'],
  priority: number,
  protocol: Rule['protocol'],
  ports: string,
  peer: Peer,
  extra: Partial<Rule> = {},
): Rule {
  ruleCounter += 1;
  const [from, to] = ports === '-1/-1' ? [1, 65535] : ports.split('/').map(Number);
  return {
    id: `sgr-sample${String(ruleCounter).padStart(4, '0')}`,
    direction,
    policy,
    priority,
    protocol,
    ports: { from: from ?? 1, to: to ?? from ?? 65535 },
    ...(direction === 'ingress' ? { source: peer } : { destination: peer }),
    createdAt: CREATED,
    ...extra,
  };
}
const inbound = (policy: Rule['policy'], priority: number, protocol: Rule['protocol'], ports: string, peer: Peer, extra: Partial<Rule> = {}) =>
  rule('ingress', policy, priority, protocol, ports, peer, extra);

function group(id: string, name: string, description: string, rules: Rule[], extra: Partial<SecurityGroup> = {}): SecurityGroup {
  return {
    id, name, description, vpcId: VPC_HZ, type: 'normal', innerAccessPolicy: 'accept', serviceManaged: false, tags: {}, createdAt: CREATED, rules,
    ...extra,
  };
}

interface VmSpec {
  id: string;
  name: string;
  ip: string;
  groups: string[];
  publicIp?: string;
  eip?: { ip: string; allocationId: string };
  tags?: Record<string, string>;
  ipv6?: string[];
  vpcId?: string;
  vSwitchId?: string;
  classic?: boolean;
}

/** An instance and its primary ENI, which carry the same groups (the API shows them in both places). */
function vm(spec: VmSpec): { instance: Instance; eni: NetworkInterface } {
  const vpcId = spec.classic ? undefined : (spec.vpcId ?? VPC_HZ);
  const vSwitchId = spec.classic ? undefined : (spec.vSwitchId ?? VSW_HZ);
  const instance: Instance = {
    id: spec.id, name: spec.name, hostname: spec.name, status: 'Running', networkType: spec.classic ? 'classic' : 'vpc',
    securityGroupIds: spec.groups, privateIps: [spec.ip], publicIps: spec.publicIp ? [spec.publicIp] : [], tags: spec.tags ?? {},
    ...(vpcId ? { vpcId } : {}), ...(vSwitchId ? { vSwitchId } : {}), ...(spec.eip ? { eip: spec.eip } : {}),
  };
  const eni: NetworkInterface = {
    id: `eni-${spec.id.slice(2)}`, name: '', description: '', type: 'Primary', status: 'InUse', instanceId: spec.id, serviceManaged: false,
    privateIps: [spec.ip], ipv6Addresses: spec.ipv6 ?? [], securityGroupIds: spec.groups, tags: {},
    ...(vpcId ? { vpcId } : {}), ...(vSwitchId ? { vSwitchId } : {}),
  };
  return { instance, eni };
}

export function sampleEstate(): Estate {
  ruleCounter = 0;
  const any4: Peer = { cidr: '0.0.0.0/0' };
  const office: Peer = { cidr: '10.0.0.0/8' };

  const partners: PrefixList = {
    id: 'pl-bp1partners000000001', name: 'partner-networks', addressFamily: 'IPv4',
    entries: [
      { cidr: '10.20.0.0/16', description: 'VPN to partner A' },
      { cidr: '203.0.113.0/24', description: 'partner B office (public range)' },
    ],
  };
  const monitoringRanges: PrefixList = {
    id: 'pl-bp1monitoring0000001', name: 'monitoring-collectors', addressFamily: 'IPv4',
    entries: [{ cidr: '10.8.0.0/24', description: 'prometheus' }],
  };

  const hzGroups: SecurityGroup[] = [
    group('sg-bp1web00000000000001', 'web-frontend', 'Public web tier: 80/443 open on purpose; its SSH accept is overridden by baseline-deny', [
      inbound('accept', 1, 'tcp', '443/443', any4, { description: 'HTTPS from anywhere' }),
      inbound('accept', 1, 'tcp', '80/80', any4, { description: 'HTTP from anywhere' }),
      inbound('accept', 50, 'tcp', '22/22', any4, { description: 'temporary SSH for migration' }),
      inbound('accept', 1, 'udp', '53/53', { cidr: '100.100.2.136/32' }, { description: 'resolver (shared address space, not public)' }),
    ], { tags: { tier: 'frontend', owner: 'web-team' } }),
    group('sg-bp1baseline000000001', 'baseline-deny', 'Org-wide drops at priority 1: shadows accepts in other groups of the same ENI', [
      inbound('drop', 1, 'tcp', '22/22', any4, { description: 'no SSH from the internet' }),
      inbound('drop', 1, 'tcp', '3389/3389', any4, { description: 'no RDP from the internet' }),
    ]),
    group('sg-bp1app00000000000001', 'app-tier', 'Accept and drop of 8080 at equal priority: drop wins the tie', [
      inbound('accept', 10, 'tcp', '8080/8080', any4, { description: 'opened by mistake' }),
      inbound('drop', 10, 'tcp', '8080/8080', any4, { description: 'closed again at the same priority' }),
      inbound('accept', 20, 'tcp', '9000/9000', office, { description: 'app port from the office' }),
    ], { tags: { tier: 'app' } }),
    group('sg-bp1dbmysql0000000001', 'db-mysql', 'All ports accepted at priority 1 above a 3306 drop at priority 5: MySQL is exposed, the drop never decides', [
      inbound('accept', 1, 'tcp', '1/65535', any4, { description: 'debug: open everything' }),
      inbound('drop', 5, 'tcp', '3306/3306', any4, { description: 'block MySQL from the internet' }),
    ], { tags: { tier: 'internal', service: 'orders-db' } }),
    group('sg-bp1legacyops00000001', 'legacy-ops', 'SSH from 1.0.0.0/1: half the internet, not 0.0.0.0/0, still public exposure', [
      inbound('accept', 1, 'tcp', '22/22', { cidr: '1.0.0.0/1' }, { description: 'ops VPN (misconfigured mask)' }),
    ]),
    group('sg-bp1defaultlegacy0001', 'sg-default-2019', 'Default group from before 2020-05-27 with priority 110 rules', [
      inbound('accept', 110, 'tcp', '22/22', any4, { createdAt: LEGACY_CREATED }),
      inbound('accept', 110, 'tcp', '3389/3389', any4, { createdAt: LEGACY_CREATED }),
      inbound('accept', 110, 'icmp', '-1/-1', any4, { createdAt: LEGACY_CREATED }),
    ], { createdAt: LEGACY_CREATED }),
    group('sg-bp1ipv6api000000001', 'api-ipv6', 'API reachable over IPv6 from ::/0 on an ENI with a global IPv6 address', [
      inbound('accept', 1, 'tcp', '8443/8443', { ipv6Cidr: '::/0' }, { description: 'IPv6 API' }),
      inbound('accept', 1, 'tcp', '443/443', { ipv6Cidr: '::/0' }, { description: 'IPv6 HTTPS' }),
    ]),
    group('sg-bp1partner000000001', 'partner-db-access', 'PostgreSQL from a prefix list that contains a public range', [
      inbound('accept', 1, 'tcp', '5432/5432', { prefixListId: partners.id }, { description: 'partners via prefix list' }),
    ]),
    group('sg-bp1eniadmin00000001', 'search-admin-eni', 'Own group of a secondary ENI that has an EIP: opens Elasticsearch', [
      inbound('accept', 1, 'tcp', '9200/9200', any4, { description: 'Kibana needs this (does it?)' }),
    ]),
    group('sg-bp1internal00000001', 'internal-datastores', 'Would expose MySQL and Redis to the internet, but no member has a public address (latent)', [
      inbound('accept', 1, 'tcp', '3306/3306', any4),
      inbound('accept', 1, 'tcp', '6379/6379', any4),
    ], { tags: { tier: 'internal' } }),
    group('sg-bp1unused0000000001', 'old-batch', 'Attached to nothing; still referenced by monitoring rules', [
      inbound('accept', 1, 'tcp', '22/22', office),
    ]),
    group('sg-bp1rdsmanaged000001', 'rds-orders-endpoint', 'Used only by an ENI that RDS manages: not unused', [
      inbound('accept', 1, 'tcp', '3306/3306', { groupId: 'sg-bp1app00000000000001' }),
    ], { serviceManaged: false }),
    group('sg-bp1broad00000000001', 'flat-network', 'Broad private rules: protocol ALL from 10.0.0.0/8 and every TCP port from 172.16.0.0/12', [
      inbound('accept', 1, 'all', '-1/-1', office, { description: 'allow all from corp' }),
      inbound('accept', 1, 'tcp', '1/65535', { cidr: '172.16.0.0/12' }),
    ]),
    group('sg-bp1dangling00000001', 'dangling-refs', 'References a deleted group, a missing prefix list and a group in another account', [
      inbound('accept', 1, 'tcp', '8080/8080', { groupId: 'sg-bp1deleted000000001' }, { description: 'group was deleted last year' }),
      inbound('accept', 1, 'tcp', '22/22', { groupId: 'sg-bp1sharedbast000001', ownerAccount: SAMPLE_ACCOUNTS.shared }, { description: 'bastion in shared-services' }),
      inbound('accept', 1, 'tcp', '9100/9100', { prefixListId: 'pl-bp1deleted000000001' }),
    ]),
    group('sg-bp1monitoring000001', HOSTILE.attribute, HOSTILE.script, [
      inbound('accept', 1, 'tcp', '9100/9100', { prefixListId: monitoringRanges.id }, { description: HOSTILE.script }),
      inbound('accept', 1, 'tcp', '22/22', { groupId: 'sg-bp1unused0000000001' }),
      // On the wire this rule's PortRange is garbage: the collector must keep it and flag it unparseable.
      inbound('accept', 2, 'tcp', '1/65535', office, {
        description: 'imported from a template tool',
        problems: [{ field: 'PortRange', value: 'abc/x', problem: 'not a port range' }],
      }),
    ], { tags: { owner: HOSTILE.template, tier: 'monitoring' } }),
    group('sg-bp1k8senterprise001', 'k8s-nodes', 'Enterprise (advanced) group: accept-only, egress denied by default, no intra-group traffic', [
      inbound('accept', 1, 'tcp', '10250/10250', { cidr: '10.0.0.0/16' }),
      inbound('accept', 1, 'tcp', '30000/32767', { cidr: '10.0.0.0/16' }),
      rule('egress', 'accept', 1, 'tcp', '443/443', any4),
    ], { type: 'enterprise', innerAccessPolicy: 'drop' }),
  ];

  const vms = [
    vm({ id: 'i-bp1web0000000000001', name: 'web-01', ip: '10.0.1.11', groups: ['sg-bp1web00000000000001', 'sg-bp1baseline000000001'], publicIp: '47.96.10.11', tags: { tier: 'frontend' } }),
    vm({ id: 'i-bp1web0000000000002', name: 'web-02', ip: '10.0.1.12', groups: ['sg-bp1web00000000000001', 'sg-bp1baseline000000001'], eip: { ip: '47.96.20.12', allocationId: 'eip-bp1web02000000001' } }),
    vm({ id: 'i-bp1app0000000000001', name: 'app-01', ip: '10.0.2.21', groups: ['sg-bp1app00000000000001', 'sg-bp1internal00000001'], tags: { tier: 'app' } }),
    vm({ id: 'i-bp1dbmysql000000001', name: 'db-mysql-01', ip: '10.0.3.31', groups: ['sg-bp1dbmysql0000000001'], publicIp: '47.96.30.31', tags: { tier: 'internal', service: 'orders-db' } }),
    vm({ id: 'i-bp1opslegacy0000001', name: 'ops-legacy-01', ip: '10.0.4.41', groups: ['sg-bp1legacyops00000001', 'sg-bp1defaultlegacy0001'], eip: { ip: '47.96.40.41', allocationId: 'eip-bp1ops00000000001' } }),
    vm({ id: 'i-bp1apiv60000000001', name: 'api-v6-01', ip: '10.0.5.51', groups: ['sg-bp1ipv6api000000001'], ipv6: ['2408:4005:3e0:1a00::51'] }),
    vm({ id: 'i-bp1reporting0000001', name: 'reporting-01', ip: '10.0.6.61', groups: ['sg-bp1partner000000001'], publicIp: '47.96.60.61' }),
    vm({ id: 'i-bp1search000000001', name: 'search-01', ip: '10.0.7.71', groups: ['sg-bp1app00000000000001'] }),
    vm({
      id: 'i-bp1gateway00000001', name: 'gateway-01', ip: '10.0.8.81', publicIp: '47.96.80.81',
      groups: ['sg-bp1web00000000000001', 'sg-bp1baseline000000001', 'sg-bp1app00000000000001', 'sg-bp1broad00000000001', 'sg-bp1partner000000001', 'sg-bp1monitoring000001'],
    }),
    vm({ id: 'i-bp1k8snode00000001', name: 'k8s-node-01', ip: '10.0.9.91', groups: ['sg-bp1k8senterprise001'] }),
    vm({ id: 'i-bp1worker000000001', name: 'worker-01', ip: '10.0.10.101', groups: ['sg-bp1broad00000000001', 'sg-bp1dangling00000001', 'sg-bp1monitoring000001'] }),
  ];
  const searchAdminEni: NetworkInterface = {
    id: 'eni-bp1searchadmin00001', name: 'search-admin', description: 'second NIC for the admin network', type: 'Secondary', status: 'InUse',
    instanceId: 'i-bp1search000000001', serviceManaged: false, vpcId: VPC_HZ, vSwitchId: VSW_HZ, privateIps: ['10.0.7.72'], ipv6Addresses: [],
    securityGroupIds: ['sg-bp1eniadmin00000001'], publicIp: '47.96.70.72', tags: {},
  };
  const rdsEni: NetworkInterface = {
    id: 'eni-bp1rdsorders000001', name: 'rds-orders', description: 'created by RDS for rm-bp1orders', type: 'Secondary', status: 'InUse',
    serviceManaged: true, serviceId: '12345678910', vpcId: VPC_HZ, vSwitchId: VSW_HZ, privateIps: ['10.0.3.200'], ipv6Addresses: [],
    securityGroupIds: ['sg-bp1rdsmanaged000001'], tags: {},
  };
  const hzEips: Eip[] = [
    { allocationId: 'eip-bp1web02000000001', ip: '47.96.20.12', status: 'InUse', name: 'web-02', boundInstanceType: 'EcsInstance', boundInstanceId: 'i-bp1web0000000000002' },
    { allocationId: 'eip-bp1ops00000000001', ip: '47.96.40.41', status: 'InUse', name: 'ops', boundInstanceType: 'EcsInstance', boundInstanceId: 'i-bp1opslegacy0000001' },
    { allocationId: 'eip-bp1searchadm00001', ip: '47.96.70.72', status: 'InUse', name: 'search-admin', boundInstanceType: 'NetworkInterface', boundInstanceId: searchAdminEni.id },
    { allocationId: 'eip-bp1spare000000001', ip: '47.96.99.1', status: 'Available', name: 'spare' },
  ];

  // Singapore: a VPC web group and a classic-network group whose internet/intranet rules differ.
  const sgGroups: SecurityGroup[] = [
    group('sg-t4nweb000000000001', 'web-sgp', 'Singapore web tier', [
      inbound('accept', 1, 'tcp', '443/443', any4),
      inbound('accept', 1, 'icmp', '-1/-1', any4, { description: 'ping' }),
    ], { vpcId: VPC_SG }),
    group('sg-t4nclassic000000001', 'classic-legacy', 'Classic network: SSH open on the internet NIC, MySQL on the intranet NIC', [
      inbound('accept', 1, 'tcp', '22/22', any4, { nicType: 'internet' }),
      inbound('accept', 1, 'tcp', '3306/3306', { cidr: '10.0.0.0/8' }, { nicType: 'intranet' }),
    ], { vpcId: undefined, createdAt: LEGACY_CREATED }),
  ];
  for (const classic of sgGroups) if (classic.vpcId === undefined) delete classic.vpcId;
  const sgVms = [
    vm({ id: 'i-t4nweb000000000001', name: 'web-sgp-01', ip: '10.1.1.11', groups: ['sg-t4nweb000000000001'], publicIp: '8.219.10.11', vpcId: VPC_SG, vSwitchId: VSW_SG }),
    vm({ id: 'i-t4nclassic00000001', name: 'classic-01', ip: '10.116.5.4', groups: ['sg-t4nclassic000000001'], publicIp: '47.74.5.4', classic: true }),
  ];

  // Shared-services account: the bastion referenced cross-account by production.
  const sharedGroups: SecurityGroup[] = [
    group('sg-bp1sharedbast000001', 'shared-bastion', 'Bastion hosts reached from the corporate network', [
      inbound('accept', 1, 'tcp', '22/22', { cidr: '198.18.0.0/15' }, { description: 'benchmark range (reserved, not public)' }),
      inbound('accept', 2, 'tcp', '22/22', { cidr: '10.0.0.0/8' }),
    ], { vpcId: VPC_SHARED }),
  ];
  const sharedVms = [
    vm({ id: 'i-bp1bastion00000001', name: 'bastion-01', ip: '10.50.0.5', groups: ['sg-bp1sharedbast000001'], eip: { ip: '47.97.0.5', allocationId: 'eip-bp1bastion0000001' }, vpcId: VPC_SHARED, vSwitchId: VSW_SHARED }),
  ];

  return {
    accounts: [
      {
        accountId: SAMPLE_ACCOUNTS.production,
        alias: 'production',
        regions: [
          {
            regionId: HZ,
            securityGroups: hzGroups,
            instances: vms.map((v) => v.instance),
            networkInterfaces: [...vms.map((v) => v.eni), searchAdminEni, rdsEni],
            eips: hzEips,
            prefixLists: [partners, monitoringRanges],
            addressGroups: [],
          },
          {
            regionId: SG,
            securityGroups: sgGroups,
            instances: sgVms.map((v) => v.instance),
            networkInterfaces: sgVms.map((v) => v.eni),
            eips: [],
            prefixLists: [],
            addressGroups: [],
          },
        ],
      },
      {
        accountId: SAMPLE_ACCOUNTS.shared,
        alias: 'shared-services',
        regions: [
          {
            regionId: HZ,
            securityGroups: sharedGroups,
            instances: sharedVms.map((v) => v.instance),
            networkInterfaces: sharedVms.map((v) => v.eni),
            eips: [{ allocationId: 'eip-bp1bastion0000001', ip: '47.97.0.5', status: 'InUse', name: 'bastion', boundInstanceType: 'EcsInstance', boundInstanceId: 'i-bp1bastion00000001' }],
            prefixLists: [],
            addressGroups: [],
          },
        ],
      },
    ],
  };
}
