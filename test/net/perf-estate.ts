import type { Estate, NetworkInterface, Rule, SecurityGroup } from '../../src/model/snapshot.js';

/** A deterministic synthetic estate for timing the evaluator (mulberry32 PRNG, no dependencies). */
export function syntheticEstate(size: { groups: number; rulesPerGroup: number; enis: number; eips: number }): Estate {
  let seed = 42;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const ports = [22, 80, 443, 3306, 3389, 6379, 8080, 8443, 5432, 9200];
  const groups: SecurityGroup[] = [];
  for (let g = 0; g < size.groups; g++) {
    const rules: Rule[] = [];
    for (let r = 0; r < size.rulesPerGroup; r++) {
      const kind = random();
      const port = random() < 0.8 ? pick(ports) : 1 + Math.floor(random() * 60000);
      const wide = random() < 0.05;
      const source =
        kind < 0.3
          ? { cidr: '0.0.0.0/0' }
          : kind < 0.6
            ? { cidr: `10.${Math.floor(random() * 256)}.0.0/16` }
            : kind < 0.85
              ? { cidr: `47.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}.0/24` }
              : { groupId: `sg-${Math.floor(random() * size.groups)}` };
      rules.push({
        id: `sgr-${g}-${r}`,
        direction: random() < 0.85 ? 'ingress' : 'egress',
        policy: random() < 0.15 ? 'drop' : 'accept',
        priority: 1 + Math.floor(random() * 100),
        protocol: wide ? 'all' : random() < 0.9 ? 'tcp' : 'udp',
        ports: wide ? { from: 1, to: 65535 } : { from: port, to: random() < 0.1 ? port + 100 : port },
        ...(random() < 0.85 ? { source } : { destination: source }),
      } as Rule);
    }
    groups.push({ id: `sg-${g}`, name: `group-${g}`, description: '', type: 'normal', innerAccessPolicy: 'accept', serviceManaged: false, tags: {}, rules });
  }
  const enis: NetworkInterface[] = [];
  for (let e = 0; e < size.enis; e++) {
    const count = 1 + Math.floor(random() * 3);
    const ids = new Set<string>();
    for (let i = 0; i < count; i++) ids.add(`sg-${Math.floor(random() * size.groups)}`);
    enis.push({
      id: `eni-${e}`,
      name: '',
      description: '',
      type: 'Primary',
      status: 'InUse',
      serviceManaged: false,
      privateIps: [`10.${(e >> 16) & 255}.${(e >> 8) & 255}.${e & 255}`],
      ipv6Addresses: [],
      securityGroupIds: [...ids],
      ...(e < size.eips ? { publicIp: `47.100.${(e >> 8) & 255}.${e & 255}` } : {}),
      tags: {},
    });
  }
  return { accounts: [{ accountId: '100', regions: [{ regionId: 'cn-hangzhou', securityGroups: groups, instances: [], networkInterfaces: enis, eips: [], prefixLists: [], addressGroups: [] }] }] };
}
