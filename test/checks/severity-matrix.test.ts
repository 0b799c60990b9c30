import { describe, expect, it } from 'vitest';
import { classifyBreadth } from '../../src/analyze/net/breadth.js';
import { DEFAULT_BREADTH_THRESHOLDS } from '../../src/config/settings.js';
import type { BreadthClass, Severity } from '../../src/model/findings.js';
import { Estate } from '../../src/model/snapshot.js';
import { runCase, type FixtureCase } from './rule-tester.js';

/**
 * Severity = sensitivity × breadth, end to end through public-exposure: one interface, the rules
 * of one case, and the one finding's breadth class and severity. Boundaries of each class on both
 * families; narrow ranges add up (two disjoint /9s are a /8's worth).
 */
interface MatrixCase {
  name: string;
  sources: string[];
  traffic: { protocol: 'tcp' | 'udp' | 'icmp' | 'icmpv6' | 'all'; from: number; to: number };
  breadth: BreadthClass;
  severity: Severity;
}

const SSH = { protocol: 'tcp', from: 22, to: 22 } as const;
const APP = { protocol: 'tcp', from: 8443, to: 8443 } as const;
const ALL = { protocol: 'all', from: 1, to: 65535 } as const;
const ICMP = { protocol: 'icmp', from: 1, to: 65535 } as const;
const ICMPV6 = { protocol: 'icmpv6', from: 1, to: 65535 } as const;

const CASES: MatrixCase[] = [
  // IPv4 breadth boundaries on a sensitive port
  { name: 'ssh from a /8', sources: ['1.0.0.0/8'], traffic: SSH, breadth: 'internet', severity: 'critical' },
  { name: 'ssh from a /9', sources: ['1.0.0.0/9'], traffic: SSH, breadth: 'wide', severity: 'high' },
  { name: 'ssh from two disjoint /9s', sources: ['1.0.0.0/9', '5.128.0.0/9'], traffic: SSH, breadth: 'internet', severity: 'critical' },
  { name: 'ssh from 0.0.0.0/0', sources: ['0.0.0.0/0'], traffic: SSH, breadth: 'internet', severity: 'critical' },
  { name: 'ssh from 1.0.0.0/1', sources: ['1.0.0.0/1'], traffic: SSH, breadth: 'internet', severity: 'critical' },
  { name: 'ssh from a /16', sources: ['1.2.0.0/16'], traffic: SSH, breadth: 'wide', severity: 'high' },
  { name: 'ssh from a /17', sources: ['1.2.0.0/17'], traffic: SSH, breadth: 'allow-listed', severity: 'low' },
  { name: 'ssh from two disjoint /17s', sources: ['1.2.0.0/17', '9.9.128.0/17'], traffic: SSH, breadth: 'wide', severity: 'high' },
  { name: 'ssh from a partner /24 and two /32s', sources: ['203.0.113.0/24', '198.51.100.7/32', '198.51.100.9/32'], traffic: SSH, breadth: 'allow-listed', severity: 'low' },
  { name: 'ssh from 10.0.0.0/8 plus a public /24: only the public part counts', sources: ['10.0.0.0/8', '203.0.113.0/24'], traffic: SSH, breadth: 'allow-listed', severity: 'low' },
  // IPv6 breadth boundaries
  { name: 'ssh from an IPv6 /32', sources: ['2400::/32'], traffic: SSH, breadth: 'internet', severity: 'critical' },
  { name: 'ssh from an IPv6 /33', sources: ['2400::/33'], traffic: SSH, breadth: 'wide', severity: 'high' },
  { name: 'ssh from ::/0', sources: ['::/0'], traffic: SSH, breadth: 'internet', severity: 'critical' },
  { name: 'ssh from an IPv6 /48', sources: ['2400:1:2::/48'], traffic: SSH, breadth: 'wide', severity: 'high' },
  { name: 'ssh from an IPv6 /49', sources: ['2400:1:2::/49'], traffic: SSH, breadth: 'allow-listed', severity: 'low' },
  // other (non-sensitive, not allowed) ports
  { name: 'tcp 8443 from the internet', sources: ['0.0.0.0/0'], traffic: APP, breadth: 'internet', severity: 'high' },
  { name: 'tcp 8443 from a /16', sources: ['1.2.0.0/16'], traffic: APP, breadth: 'wide', severity: 'medium' },
  { name: 'tcp 8443 from a /32', sources: ['203.0.113.7/32'], traffic: APP, breadth: 'allow-listed', severity: 'info' },
  { name: 'tcp 8443 from an IPv6 /32', sources: ['2400::/32'], traffic: APP, breadth: 'internet', severity: 'high' },
  { name: 'tcp 8443 from an IPv6 /49', sources: ['2400:1:2::/49'], traffic: APP, breadth: 'allow-listed', severity: 'info' },
  // every protocol
  { name: 'ALL from the internet', sources: ['0.0.0.0/0'], traffic: ALL, breadth: 'internet', severity: 'critical' },
  { name: 'ALL from a /9', sources: ['1.0.0.0/9'], traffic: ALL, breadth: 'wide', severity: 'high' },
  { name: 'ALL from a /24', sources: ['203.0.113.0/24'], traffic: ALL, breadth: 'allow-listed', severity: 'low' },
  { name: 'ALL from ::/0', sources: ['::/0'], traffic: ALL, breadth: 'internet', severity: 'critical' },
  // ICMP is at most low
  { name: 'icmp from the internet', sources: ['0.0.0.0/0'], traffic: ICMP, breadth: 'internet', severity: 'low' },
  { name: 'icmp from a /16', sources: ['1.2.0.0/16'], traffic: ICMP, breadth: 'wide', severity: 'low' },
  { name: 'icmp from a /32', sources: ['203.0.113.7/32'], traffic: ICMP, breadth: 'allow-listed', severity: 'info' },
  { name: 'icmpv6 from ::/0', sources: ['::/0'], traffic: ICMPV6, breadth: 'internet', severity: 'low' },
];

function exposureCase({ name, sources, traffic }: MatrixCase): FixtureCase {
  return {
    checkId: 'public-exposure',
    file: `severity-matrix: ${name}`,
    description: name,
    settings: {},
    coverage: [],
    expect: [],
    estate: Estate.parse({
      accounts: [
        {
          accountId: '100',
          regions: [
            {
              regionId: 'cn-hangzhou',
              securityGroups: [
                {
                  id: 'sg-a',
                  name: 'a',
                  type: 'normal',
                  innerAccessPolicy: 'accept',
                  rules: sources.map((source, index) => ({
                    id: `r-${index}`,
                    direction: 'ingress',
                    policy: 'accept',
                    priority: 1,
                    protocol: traffic.protocol,
                    ports: { from: traffic.from, to: traffic.to },
                    source: source.includes(':') ? { ipv6Cidr: source } : { cidr: source },
                  })),
                },
              ],
              networkInterfaces: [{ id: 'eni-1', type: 'Primary', securityGroupIds: ['sg-a'], privateIps: ['10.0.0.1'], publicIp: '47.1.1.1', ipv6Addresses: ['2408:4000:1::10'] }],
            },
          ],
        },
      ],
    }),
  };
}

describe('severity = sensitivity × breadth (public-exposure)', () => {
  it.each(CASES.map((entry) => [entry.name, entry] as const))('%s', (_name, entry) => {
    const findings = runCase(exposureCase(entry));
    expect(findings.map((finding) => ({ protocol: finding.detail.protocol, breadth: finding.breadth?.class, severity: finding.severity }))).toEqual([
      { protocol: entry.traffic.protocol, breadth: entry.breadth, severity: entry.severity },
    ]);
  });

  it('counts the public addresses exactly', () => {
    const [finding] = runCase(exposureCase({ name: 'count', sources: ['203.0.113.0/24', '198.51.100.7/32', '10.0.0.0/8'], traffic: SSH, breadth: 'allow-listed', severity: 'low' }));
    expect(finding?.breadth).toMatchObject({ class: 'allow-listed', publicIpv4: 257, publicIpv6: '0' });
    expect(finding?.breadth?.summary).toMatch(/^allow-list: 257 public addresses \(/);
  });
});

describe('classifyBreadth at the thresholds', () => {
  const table: [string, number, bigint, BreadthClass][] = [
    ['2^24 IPv4', 2 ** 24, 0n, 'internet'],
    ['2^24 - 1 IPv4', 2 ** 24 - 1, 0n, 'wide'],
    ['2^16 IPv4', 2 ** 16, 0n, 'wide'],
    ['2^16 - 1 IPv4', 2 ** 16 - 1, 0n, 'allow-listed'],
    ['2^96 IPv6', 0, 1n << 96n, 'internet'],
    ['2^96 - 1 IPv6', 0, (1n << 96n) - 1n, 'wide'],
    ['2^80 IPv6', 0, 1n << 80n, 'wide'],
    ['2^80 - 1 IPv6', 0, (1n << 80n) - 1n, 'allow-listed'],
    ['nothing', 0, 0n, 'allow-listed'],
  ];
  it.each(table)('%s', (_name, ipv4, ipv6, expected) => {
    expect(classifyBreadth({ ipv4, ipv6 }, DEFAULT_BREADTH_THRESHOLDS)).toBe(expected);
  });

  it('follows configured thresholds', () => {
    const strict = { ...DEFAULT_BREADTH_THRESHOLDS, internetIpv4Prefix: 16, wideIpv4Prefix: 24 };
    expect(classifyBreadth({ ipv4: 2 ** 16, ipv6: 0n }, strict)).toBe('internet');
    expect(classifyBreadth({ ipv4: 256, ipv6: 0n }, strict)).toBe('wide');
  });
});
