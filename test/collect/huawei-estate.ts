import { Estate, type Account, type NetworkInterface, type Rule, type SecurityGroup } from '../../src/model/snapshot.js';

const CREATED = '2025-03-01T08:00:00Z';

/**
 * A Huawei Cloud account written the way the Huawei APIs can describe it (groups without VPC,
 * rules with ids and creation times, ports with their groups in sequence order, EIPs as floating
 * addresses on ports), so that collecting it from the emulator must give it back exactly.
 * `rulesInBigGroup` rules in one group (paging within the project-wide rule listing) and
 * `servers` servers, each with a primary port and every fifth with a second port.
 */
export function huaweiEstate(options: { accountId: string; regionId: string; servers: number; rulesInBigGroup: number; groups: number }): Account {
  const { accountId, regionId } = options;
  const groups: SecurityGroup[] = [];
  for (let g = 0; g < options.groups; g++) {
    const count = g === 0 ? options.rulesInBigGroup : 40;
    const rules: Rule[] = [];
    for (let r = 0; r < count; r++) {
      const port = 1000 + r;
      const base = { id: `hw-rule-${g}-${r}`, createdAt: CREATED, priority: 1 + (r % 100) };
      if (r % 7 === 0) rules.push({ ...base, direction: 'ingress', policy: 'drop', protocol: 'tcp', ports: { from: port, to: port }, source: { cidr: `203.0.${r % 256}.0/24` } });
      else if (r % 7 === 1) rules.push({ ...base, direction: 'ingress', policy: 'accept', protocol: 'tcp', ports: { from: 22, to: port }, portRanges: [{ from: 22, to: 22 }, { from: 80, to: 80 }, { from: 900, to: port }], portText: `22,80,900-${port}`, source: { groupId: `hw-sg-${(g + 1) % options.groups}` } });
      else if (r % 7 === 2) rules.push({ ...base, direction: 'ingress', policy: 'accept', protocol: 'udp', ports: { from: port, to: port + 10 }, source: { addressGroupId: `hw-ag-${r % 3}` } });
      else if (r % 7 === 3) rules.push({ ...base, direction: 'ingress', policy: 'accept', protocol: 'all', ports: { from: 1, to: 65535 }, source: { ipv6Cidr: '2001:db8::/32' }, enabled: false });
      else if (r % 7 === 4) rules.push({ ...base, direction: 'ingress', policy: 'accept', protocol: 'icmp', ports: { from: 1, to: 65535 }, source: { cidr: '0.0.0.0/0' }, description: `ping ${r}` });
      else rules.push({ ...base, direction: 'egress', policy: 'accept', protocol: 'all', ports: { from: 1, to: 65535 }, destination: { cidr: '0.0.0.0/0' } });
    }
    groups.push({ id: `hw-sg-${g}`, name: `group ${g}`, description: g === 0 ? 'the big one' : '', type: 'normal', innerAccessPolicy: 'drop', serviceManaged: false, tags: g % 2 === 0 ? { env: 'prod' } : {}, createdAt: CREATED, rules });
  }
  const instances = [];
  const networkInterfaces: NetworkInterface[] = [];
  const eips = [];
  for (let s = 0; s < options.servers; s++) {
    const id = `hw-ecs-${String(s).padStart(4, '0')}`;
    const ip = `10.${Math.floor(s / 250)}.${s % 250}.10`;
    const sequence = [`hw-sg-${s % options.groups}`, `hw-sg-${(s + 3) % options.groups}`];
    networkInterfaces.push({ id: `hw-port-${s}`, name: '', description: '', type: 'Primary', status: 'ACTIVE', instanceId: id, serviceManaged: false, vSwitchId: 'hw-subnet-1', privateIps: [ip], ipv6Addresses: s % 10 === 0 ? [`2001:db8:1::${s.toString(16)}`] : [], securityGroupIds: sequence, tags: {} });
    if (s % 5 === 0) networkInterfaces.push({ id: `hw-port-${s}-b`, name: 'second', description: '', type: 'Secondary', status: 'ACTIVE', instanceId: id, serviceManaged: false, vSwitchId: 'hw-subnet-2', privateIps: [`172.16.${Math.floor(s / 250)}.${s % 250}`], ipv6Addresses: [], securityGroupIds: [sequence[1] as string], tags: {} });
    if (s % 10 === 0) eips.push({ allocationId: `121.36.${Math.floor(s / 250)}.${s % 250}`, ip: `121.36.${Math.floor(s / 250)}.${s % 250}`, status: '', name: '', boundInstanceType: 'NetworkInterface', boundInstanceId: `hw-port-${s}` });
    instances.push({ id, name: `server ${s}`, status: 'ACTIVE', networkType: 'vpc' as const, vpcId: 'hw-vpc-1', securityGroupIds: sequence, privateIps: [ip], publicIps: [], tags: s % 3 === 0 ? { tier: 'web' } : {} });
  }
  networkInterfaces.push({ id: 'hw-port-vip', name: 'vip', description: '', type: 'Secondary', status: 'DOWN', serviceManaged: true, serviceId: 'neutron:VIP_PORT', vSwitchId: 'hw-subnet-1', privateIps: ['10.9.9.9'], ipv6Addresses: [], securityGroupIds: ['hw-sg-1'], tags: {} });
  const addressGroups = [0, 1, 2].map((a) => ({ id: `hw-ag-${a}`, name: `partners ${a}`, ipVersion: 'IPv4' as const, entries: [{ address: `198.51.100.${a}/32`, description: 'office' }, { address: `192.0.2.${10 * a}-192.0.2.${10 * a + 5}`, description: '' }] }));
  return Estate.parse({ accounts: [{ accountId, alias: 'huawei prod', provider: 'huaweicloud', regions: [{ regionId, securityGroups: groups, instances, networkInterfaces, eips, addressGroups }] }] }).accounts[0] as Account;
}
