import type { Account, Eip, Estate, Instance, NetworkInterface, PrefixList, Region, Rule, SecurityGroup } from '../model/snapshot.js';
import { SgauditError } from '../model/errors.js';
import { KNOWN_REGIONS } from './estate-index.js';
import { createRandom } from './random.js';

/** Size of a synthetic estate; totals are spread over accounts × regions. */
export interface GenerateSpec {
  instances: number;
  groups: number;
  /** Average rules per group; a few groups get more than 1,000 so rule paging is exercised. */
  rulesPerGroup: number;
  /** Total ENIs including one primary per instance; the rest are secondary or service-managed. */
  enis?: number;
  eips?: number;
  accounts?: number;
  regions?: number;
  prefixLists?: number;
  seed?: number;
}

const SPEC_KEYS = ['instances', 'groups', 'rulesPerGroup', 'enis', 'eips', 'accounts', 'regions', 'prefixLists', 'seed'] as const;

/** Parses `instances=50000,groups=10000,rulesPerGroup=20,enis=60000,eips=10000`. */
export function parseGenerateSpec(text: string, seed?: number): GenerateSpec {
  const values: Partial<Record<(typeof SPEC_KEYS)[number], number>> = {};
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [key, raw] = part.split('=');
    if (!key || raw === undefined || !(SPEC_KEYS as readonly string[]).includes(key) || !/^\d+$/.test(raw)) {
      throw new SgauditError('USAGE', `--generate: cannot read "${part}"; expected key=number with key one of ${SPEC_KEYS.join(', ')}`);
    }
    values[key as (typeof SPEC_KEYS)[number]] = Number(raw);
  }
  const instances = values.instances ?? 100;
  return {
    instances,
    groups: values.groups ?? Math.max(1, Math.ceil(instances / 5)),
    rulesPerGroup: values.rulesPerGroup ?? 20,
    enis: values.enis,
    eips: values.eips,
    accounts: values.accounts,
    regions: values.regions,
    prefixLists: values.prefixLists,
    seed: values.seed ?? seed,
  };
}

const REGION_CODES: Record<string, string> = { 'cn-hangzhou': 'bp', 'cn-shanghai': 'uf', 'cn-beijing': '2z', 'ap-southeast-1': 't4', 'cn-shenzhen': 'wz', 'eu-central-1': 'gw' };
const GENERATED_REGIONS = ['cn-hangzhou', 'cn-shanghai', 'ap-southeast-1', 'cn-beijing', 'cn-shenzhen', 'eu-central-1', ...KNOWN_REGIONS];
const TIERS = ['web', 'api', 'app', 'worker', 'db', 'cache', 'mq', 'bastion', 'search', 'batch'];
const ENVS = ['prod', 'staging', 'dev', 'test'];
const TIER_PORTS: Record<string, number[]> = {
  web: [80, 443], api: [443, 8080, 8443], app: [8080, 9000], worker: [9100], db: [3306, 5432, 1433], cache: [6379, 11211],
  mq: [5672, 9092], bastion: [22, 3389], search: [9200, 9300], batch: [22],
};
const SERVICE_IDS = ['12345678910', '1413397765616316', '1628223145290785'];

/** Splits `total` into `parts` shares, deterministic and never negative (first parts get the remainder). */
function split(total: number, parts: number): number[] {
  const base = Math.floor(total / parts);
  return Array.from({ length: parts }, (_, i) => base + (i < total % parts ? 1 : 0));
}

/**
 * A deterministic synthetic estate. Built with plain loops and counters (no per-item closures
 * or intermediate copies) so 50,000 instances and 200,000 rules take a second or two.
 */
export function generateEstate(spec: GenerateSpec): Estate {
  portCache.clear();
  peerCache.clear();
  const random = createRandom(spec.seed ?? 42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const accountCount = Math.max(1, spec.accounts ?? 1);
  const regionCount = Math.max(1, Math.min(GENERATED_REGIONS.length, spec.regions ?? 3));
  const slots = accountCount * regionCount;
  const enisTotal = spec.enis ?? Math.round(spec.instances * 1.2);
  const eipsTotal = spec.eips ?? Math.round(spec.instances / 5);
  const instanceShares = split(spec.instances, slots);
  const groupShares = split(spec.groups, slots);
  const eniShares = split(enisTotal, slots);
  const eipShares = split(eipsTotal, slots);
  const prefixShares = split(spec.prefixLists ?? Math.max(slots * 2, Math.round(spec.groups / 200)), slots);
  let counter = 0;
  const nextId = (prefix: string, code: string) => {
    counter += 1;
    return `${prefix}-${code}${counter.toString(36).padStart(10, '0')}${Math.floor(random() * 1296).toString(36).padStart(2, '0')}`;
  };

  const accounts: Account[] = [];
  for (let a = 0; a < accountCount; a++) {
    const accountId = accountIdFor(spec.seed ?? 42, a);
    const regions: Region[] = [];
    for (let r = 0; r < regionCount; r++) {
      const slot = a * regionCount + r;
      const regionId = GENERATED_REGIONS[r] ?? 'cn-hangzhou';
      const code = REGION_CODES[regionId] ?? 'xx';
      regions.push(
        generateRegion({
          regionId, code, slot, accountId,
          instances: instanceShares[slot] ?? 0, groups: groupShares[slot] ?? 0, enis: eniShares[slot] ?? 0, eips: eipShares[slot] ?? 0,
          prefixLists: prefixShares[slot] ?? 0, rulesPerGroup: spec.rulesPerGroup, random, pick, nextId,
          otherAccountId: accountCount > 1 ? accountIdFor(spec.seed ?? 42, (a + 1) % accountCount) : '1999999999999999',
        }),
      );
    }
    accounts.push({ accountId, alias: `generated-${a + 1}`, regions });
  }
  return { accounts };
}

/** 16-digit account ids like Alibaba's, distinct per seed and index. */
function accountIdFor(seed: number, index: number): string {
  return `15${String((seed % 100_000) * 1000 + index).padStart(14, '0')}`;
}

interface RegionPlan {
  regionId: string;
  code: string;
  slot: number;
  accountId: string;
  otherAccountId: string;
  instances: number;
  groups: number;
  enis: number;
  eips: number;
  prefixLists: number;
  rulesPerGroup: number;
  random: () => number;
  pick: <T>(items: readonly T[]) => T;
  nextId: (prefix: string, code: string) => string;
}

function privateIp(slot: number, n: number): string {
  return `10.${(slot * 16 + (n >>> 16)) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

function publicIp(first: number, n: number): string {
  return `${first}.${96 + ((n >>> 16) & 31)}.${(n >>> 8) & 255}.${(n & 254) + 1}`;
}

function generateRegion(plan: RegionPlan): Region {
  const { random, pick, nextId, code, slot } = plan;
  const vpcCount = Math.max(1, Math.ceil(plan.instances / 2000));
  const vpcs = Array.from({ length: vpcCount }, () => ({ id: nextId('vpc', code), vswitches: [nextId('vsw', code), nextId('vsw', code), nextId('vsw', code)] }));

  const prefixLists: PrefixList[] = [];
  for (let p = 0; p < plan.prefixLists; p++) {
    const ipv6 = p % 5 === 4;
    const entries = [];
    const count = 2 + Math.floor(random() * 6);
    for (let e = 0; e < count; e++) {
      const publicEntry = p % 3 === 0 && e === 0;
      entries.push({
        cidr: ipv6 ? `2408:4000:${(p * 16 + e).toString(16)}::/48` : publicEntry ? `203.0.${(p + e) & 255}.0/24` : `10.${(slot * 16 + e) & 255}.${p & 255}.0/24`,
        description: publicEntry ? 'partner office' : `segment ${e + 1}`,
      });
    }
    prefixLists.push({ id: nextId('pl', code), name: `${ipv6 ? 'v6' : 'v4'}-ranges-${p + 1}`, addressFamily: ipv6 ? 'IPv6' : 'IPv4', entries });
  }

  const groups: SecurityGroup[] = [];
  const groupTiers: string[] = [];
  for (let g = 0; g < plan.groups; g++) {
    const tier = TIERS[g % TIERS.length] ?? 'app';
    const env = pick(ENVS);
    const enterprise = random() < 0.1;
    const vpc = vpcs[g % vpcCount];
    groups.push({
      id: nextId('sg', code),
      name: `${tier}-${env}-${String(g + 1).padStart(4, '0')}`,
      description: `${tier} tier, ${env}`,
      vpcId: vpc?.id,
      type: enterprise ? 'enterprise' : 'normal',
      innerAccessPolicy: enterprise ? 'drop' : 'accept',
      serviceManaged: random() < 0.01,
      tags: random() < 0.6 ? { env, tier: tier === 'db' || tier === 'cache' ? 'internal' : tier } : {},
      rules: [],
    });
    groupTiers.push(tier);
  }
  // A few groups with more than 1,000 rules, so rule paging (500 default, 1,000 max) is exercised.
  const bigGroups = plan.groups >= 50 ? Math.max(1, Math.floor(plan.groups / 2000)) : 0;
  const totalRules = plan.groups * plan.rulesPerGroup;
  const bigRules = bigGroups * 1200;
  const perSmallGroup = plan.groups - bigGroups > 0 ? Math.max(0, (totalRules - bigRules) / (plan.groups - bigGroups)) : 0;
  for (let g = 0; g < groups.length; g++) {
    const group = groups[g] as SecurityGroup;
    const count = g < bigGroups ? 1200 : Math.max(0, Math.round(perSmallGroup * (0.5 + random())));
    const ports = TIER_PORTS[groupTiers[g] ?? 'app'] ?? [22];
    for (let k = 0; k < count; k++) group.rules.push(generateRule(plan, group, ports, groups, prefixLists, k));
  }

  const instances: Instance[] = [];
  const networkInterfaces: NetworkInterface[] = [];
  let ipCounter = 1;
  const groupsFor = (n: number): string[] => {
    if (groups.length === 0) return [];
    const first = groups[Math.floor(random() * groups.length)] as SecurityGroup;
    const ids = [first.id];
    if (random() < 0.3) {
      const second = groups[Math.floor(random() * groups.length)] as SecurityGroup;
      if (second.vpcId === first.vpcId && second.id !== first.id) ids.push(second.id);
    }
    return n > 0 ? ids : ids.slice(0, 1);
  };
  for (let i = 0; i < plan.instances; i++) {
    const tier = pick(TIERS);
    const vpc = vpcs[i % vpcCount] ?? { id: '', vswitches: [''] };
    const securityGroupIds = groupsFor(i);
    const ip = privateIp(slot, ipCounter++);
    const hasPublic = random() < 0.1;
    const instance: Instance = {
      id: nextId('i', code),
      name: `${tier}-${String(i + 1).padStart(5, '0')}`,
      hostname: `${tier}-${i + 1}`,
      status: random() < 0.95 ? 'Running' : 'Stopped',
      networkType: 'vpc',
      vpcId: vpc.id,
      vSwitchId: pick(vpc.vswitches),
      securityGroupIds,
      privateIps: [ip],
      publicIps: hasPublic ? [publicIp(47, slot * 65536 + i)] : [],
      tags: random() < 0.5 ? { app: tier, tier: tier === 'db' || tier === 'cache' ? 'internal' : 'frontend' } : {},
    };
    instances.push(instance);
    if (networkInterfaces.length < plan.enis) {
      networkInterfaces.push({
        id: nextId('eni', code), name: '', description: '', type: 'Primary', status: 'InUse', instanceId: instance.id,
        serviceManaged: false, vpcId: instance.vpcId, vSwitchId: instance.vSwitchId, privateIps: [ip],
        ipv6Addresses: random() < 0.05 ? [`2408:4005:${slot.toString(16)}:${(i >>> 16).toString(16)}::${(i & 0xffff).toString(16)}`] : [],
        securityGroupIds, tags: {},
      });
    }
  }
  const secondaryCount = Math.max(0, plan.enis - networkInterfaces.length);
  for (let s = 0; s < secondaryCount; s++) {
    const managed = random() < 0.2 || instances.length === 0;
    const owner = managed ? undefined : instances[Math.floor(random() * instances.length)];
    const vpc = vpcs[s % vpcCount] ?? { id: '', vswitches: [''] };
    networkInterfaces.push({
      id: nextId('eni', code),
      name: managed ? `rds-endpoint-${s + 1}` : `secondary-${s + 1}`,
      description: managed ? 'created by RDS' : '',
      type: 'Secondary',
      status: managed ? 'InUse' : owner ? 'InUse' : 'Available',
      instanceId: owner?.id,
      serviceManaged: managed,
      serviceId: managed ? pick(SERVICE_IDS) : undefined,
      vpcId: owner?.vpcId ?? vpc.id,
      vSwitchId: owner?.vSwitchId ?? pick(vpc.vswitches),
      privateIps: [privateIp(slot, ipCounter++)],
      ipv6Addresses: random() < 0.05 ? [`2408:4005:${slot.toString(16)}:ffff::${s.toString(16)}`] : [],
      securityGroupIds: groupsFor(1),
      tags: {},
    });
  }
  for (const eni of networkInterfaces) if (eni.serviceId === undefined) delete eni.serviceId;
  for (const eni of networkInterfaces) if (eni.instanceId === undefined) delete eni.instanceId;

  const eips: Eip[] = [];
  const secondaries = networkInterfaces.filter((eni) => eni.type === 'Secondary' && eni.instanceId !== undefined);
  for (let e = 0; e < plan.eips; e++) {
    const ip = publicIp(39, slot * 65536 + e);
    const allocationId = nextId('eip', code);
    const roll = random();
    if (roll < 0.8 && instances.length > 0) {
      const instance = instances[Math.floor(random() * instances.length)] as Instance;
      if (!instance.eip) {
        instance.eip = { ip, allocationId };
        eips.push({ allocationId, ip, status: 'InUse', name: '', boundInstanceType: 'EcsInstance', boundInstanceId: instance.id });
        continue;
      }
    } else if (roll < 0.9 && secondaries.length > 0) {
      const eni = secondaries[Math.floor(random() * secondaries.length)] as NetworkInterface;
      if (eni.publicIp === undefined) {
        eni.publicIp = ip;
        eips.push({ allocationId, ip, status: 'InUse', name: '', boundInstanceType: 'NetworkInterface', boundInstanceId: eni.id });
        continue;
      }
    }
    eips.push({ allocationId, ip, status: 'Available', name: `spare-${e + 1}` });
  }

  return { regionId: plan.regionId, securityGroups: groups, instances, networkInterfaces, eips, prefixLists, addressGroups: [] };
}

/**
 * Rules share their (immutable) port and peer objects: a million rules then cost a million rule
 * objects instead of three million, which keeps a 250,000-instance estate out of GC trouble.
 * Treat generated estates as read-only.
 */
const portCache = new Map<number, Rule['ports']>();
const peerCache = new Map<string, NonNullable<Rule['source']>>();
function sharedPorts(from: number, to: number): Rule['ports'] {
  const key = from * 65536 + to;
  let ports = portCache.get(key);
  if (!ports) portCache.set(key, (ports = { from, to }));
  return ports;
}
function sharedPeer(kind: 'cidr' | 'ipv6Cidr' | 'groupId' | 'prefixListId', value: string): NonNullable<Rule['source']> {
  const key = `${kind}:${value}`;
  let peer = peerCache.get(key);
  if (!peer) peerCache.set(key, (peer = { [kind]: value }));
  return peer;
}

const DESCRIPTIONS: Record<Rule['protocol'], string> = { tcp: 'allow tcp', udp: 'allow udp', icmp: 'allow ping', icmpv6: 'allow ping6', gre: 'allow gre tunnel', all: 'allow everything' };

const PUBLIC_SOURCES = ['0.0.0.0/0', '0.0.0.0/0', '0.0.0.0/0', '1.0.0.0/1', '198.51.100.0/24', '203.0.113.7/32'];

function generateRule(plan: RegionPlan, group: SecurityGroup, tierPorts: number[], groups: SecurityGroup[], prefixLists: PrefixList[], k: number): Rule {
  const { random, pick } = plan;
  const enterprise = group.type === 'enterprise';
  const ingress = k === 0 || random() < 0.8;
  const protocolRoll = random();
  const protocol: Rule['protocol'] = protocolRoll < 0.72 ? 'tcp' : protocolRoll < 0.82 ? 'udp' : protocolRoll < 0.9 ? 'icmp' : protocolRoll < 0.97 ? 'all' : protocolRoll < 0.99 ? 'icmpv6' : 'gre';
  let ports = sharedPorts(1, 65535);
  if (protocol === 'tcp' || protocol === 'udp') {
    const roll = random();
    if (roll < 0.75) {
      const port = roll < 0.5 ? pick(tierPorts) : 1024 + Math.floor(random() * 60000);
      ports = sharedPorts(port, port);
    } else if (roll < 0.95) {
      const from = 1024 + Math.floor(random() * 50000);
      ports = sharedPorts(from, from + Math.floor(random() * 1000));
    }
  }
  const rule: Rule = {
    id: `sgr-${plan.code}${(k + 1).toString(36)}${group.id.slice(-10)}`,
    direction: ingress ? 'ingress' : 'egress',
    policy: enterprise || random() < 0.92 ? 'accept' : 'drop',
    priority: enterprise ? 1 : 1 + Math.floor(random() * 100),
    protocol,
    ports,
  };
  const peerRoll = random();
  let peer: Rule['source'];
  if (peerRoll < 0.5) peer = sharedPeer('cidr', `10.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}.0/24`);
  else if (peerRoll < 0.68) peer = sharedPeer('cidr', pick(PUBLIC_SOURCES));
  else if (peerRoll < 0.73) peer = sharedPeer('ipv6Cidr', random() < 0.5 ? '::/0' : '2408:4000::/32');
  else if (peerRoll < 0.9 && groups.length > 0) {
    const other = pick(groups);
    peer = random() < 0.03 ? { groupId: `sg-${plan.code}foreign${Math.floor(random() * 1000)}`, ownerAccount: plan.otherAccountId } : sharedPeer('groupId', other.id);
  } else if (prefixLists.length > 0) peer = sharedPeer('prefixListId', pick(prefixLists).id);
  else peer = sharedPeer('cidr', '172.16.0.0/12');
  if (ingress) rule.source = peer;
  else rule.destination = peer;
  if (random() < 0.3) rule.description = ingress ? DESCRIPTIONS[protocol] : 'outbound';
  return rule;
}
