import { BREADTH_LABEL, type Breadth, type BreadthClass } from '../../model/findings.js';
import type { BreadthThresholds } from '../../config/settings.js';
import type { AddressSet } from './address-set.js';

export interface AddressCount {
  ipv4: number;
  ipv6: bigint;
}

/** Exact number of IPv4 and IPv6 addresses in the set. */
export function countAddresses(set: AddressSet): AddressCount {
  let ipv4 = 0;
  for (let i = 0; i < set.v4.length; i += 2) ipv4 += (set.v4[i + 1] as number) - (set.v4[i] as number);
  let ipv6 = 0n;
  for (let i = 0; i < set.v6.length; i += 2) ipv6 += (set.v6[i + 1] as bigint) - (set.v6[i] as bigint);
  return { ipv4, ipv6 };
}

export function classifyBreadth(count: AddressCount, thresholds: BreadthThresholds): BreadthClass {
  if (count.ipv4 >= 2 ** (32 - thresholds.internetIpv4Prefix) || count.ipv6 >= 1n << BigInt(128 - thresholds.internetIpv6Prefix)) return 'internet';
  if (count.ipv4 >= 2 ** (32 - thresholds.wideIpv4Prefix) || count.ipv6 >= 1n << BigInt(128 - thresholds.wideIpv6Prefix)) return 'wide';
  return 'allow-listed';
}

/**
 * The breadth of a set of public sources, with a summary a reader takes in at a glance:
 * `internet: 0.0.0.0/0`, `wide: 65,536 public addresses (198.51.0.0/16)`,
 * `allow-list: 3 public addresses (203.0.113.7/32, …)`. `shown` is how the finding prints its
 * sources (the filled form reads better than the exact public cover).
 */
export function breadthOf(publicSources: AddressSet, shown: readonly string[], thresholds: BreadthThresholds): Breadth {
  const count = countAddresses(publicSources);
  const kind = classifyBreadth(count, thresholds);
  const listed = shown.length > 3 ? `${shown.slice(0, 3).join(', ')}, …` : shown.join(', ');
  const summary = kind === 'internet' ? `internet: ${listed}` : `${BREADTH_LABEL[kind]}: ${describeCount(count)} (${listed})`;
  return { class: kind, publicIpv4: count.ipv4, publicIpv6: count.ipv6.toString(), summary };
}

/** `65,536`: what toLocaleString('en-US') prints, without asking Intl for every finding. */
function grouped(count: number): string {
  return String(count).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** `3 public addresses`, `65,536 public addresses`, `2^80 public IPv6 addresses`. */
export function describeCount({ ipv4, ipv6 }: AddressCount): string {
  const parts: string[] = [];
  if (ipv4 > 0) parts.push(`${grouped(ipv4)} public ${ipv4 === 1 ? 'address' : 'addresses'}`);
  if (ipv6 > 0n) parts.push(`${ipv6 < 1n << 32n ? grouped(Number(ipv6)) : `~2^${ipv6.toString(2).length - 1}`} public IPv6 ${ipv6 === 1n ? 'address' : 'addresses'}`);
  return parts.length === 0 ? 'no public addresses' : parts.join(' + ');
}
