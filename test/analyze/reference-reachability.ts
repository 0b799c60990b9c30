import ipaddr from 'ipaddr.js';
import type { SnapshotView } from '../../src/analyze/view.js';
import type { NetworkInterface, Peer, Rule } from '../../src/model/snapshot.js';

/**
 * An independent reachability computation for the acceptance-style tests: for one interface and
 * one packet shape (protocol, destination port), which public source addresses does the pooled
 * rule list accept? Written directly from the seeds — pool every rule of every group, order by
 * priority with drop before accept, the first match decides — on plain [start, end) bigint
 * intervals, sharing no code with the evaluator (only ipaddr.js for parsing).
 */
type Intervals = [bigint, bigint][];

const V4_SIZE = 1n << 32n;
const V6_SIZE = 1n << 128n;

function normalize(list: Intervals): Intervals {
  const sorted = [...list].filter(([a, b]) => a < b).sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  const out: Intervals = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = last[1] > b ? last[1] : b;
    else out.push([a, b]);
  }
  return out;
}

function subtract(from: Intervals, remove: Intervals): Intervals {
  let result = from;
  for (const [ra, rb] of remove) {
    const next: Intervals = [];
    for (const [a, b] of result) {
      if (rb <= a || ra >= b) next.push([a, b]);
      else {
        if (a < ra) next.push([a, ra]);
        if (rb < b) next.push([rb, b]);
      }
    }
    result = next;
  }
  return result;
}

function intersect(a: Intervals, b: Intervals): Intervals {
  const out: Intervals = [];
  for (const [x1, x2] of a) for (const [y1, y2] of b) {
    const lo = x1 > y1 ? x1 : y1;
    const hi = x2 < y2 ? x2 : y2;
    if (lo < hi) out.push([lo, hi]);
  }
  return normalize(out);
}

export function size(list: Intervals): bigint {
  return list.reduce((total, [a, b]) => total + (b - a), 0n);
}

interface Space {
  v4: Intervals;
  v6: Intervals;
}

function cidrSpace(text: string): Space {
  const empty: Space = { v4: [], v6: [] };
  try {
    const [address, prefix] = text.includes('/') ? ipaddr.parseCIDR(text) : [ipaddr.parse(text), text.includes(':') ? 128 : 32];
    const bits = address.kind() === 'ipv4' ? 32 : 128;
    let value = 0n;
    for (const byte of address.toByteArray()) value = (value << 8n) | BigInt(byte);
    const block = 1n << BigInt(bits - prefix);
    const start = (value / block) * block;
    return address.kind() === 'ipv4' ? { v4: [[start, start + block]], v6: [] } : { v4: [], v6: [[start, start + block]] };
  } catch {
    return empty;
  }
}

function union(spaces: Space[]): Space {
  return { v4: normalize(spaces.flatMap((s) => s.v4)), v6: normalize(spaces.flatMap((s) => s.v6)) };
}

/** Public space from the IANA special-purpose blocks sgaudit documents as non-public. */
export function publicSpace(nonPublicV4: readonly string[], nonPublicV6: readonly string[]): Space {
  const v4Private = union(nonPublicV4.map(cidrSpace)).v4;
  const v6Private = union([...nonPublicV6, '::ffff:0:0/96'].map(cidrSpace)).v6;
  const v4 = subtract([[0n, V4_SIZE]], v4Private);
  // ::ffff:a.b.c.d is public exactly when a.b.c.d is.
  const mapped: Intervals = v4.map(([a, b]) => [0xffff00000000n + a, 0xffff00000000n + b]);
  return { v4, v6: normalize([...subtract([[0n, V6_SIZE]], v6Private), ...mapped]) };
}

function peerSpace(view: SnapshotView, peer: Peer | undefined): { space: Space; publicKind: boolean } {
  if (!peer) return { space: { v4: [], v6: [] }, publicKind: false };
  if (peer.groupId) {
    const members = (view.enisByGroup.get(peer.groupId) ?? []).flatMap(({ item }) => [...item.privateIps, ...item.ipv6Addresses]);
    return { space: union(members.map(cidrSpace)), publicKind: false };
  }
  if (peer.prefixListId) {
    const list = view.prefixLists.get(peer.prefixListId);
    return { space: union((list?.item.entries ?? []).map((entry) => cidrSpace(entry.cidr))), publicKind: true };
  }
  return { space: union([peer.cidr, peer.ipv6Cidr].filter((t): t is string => Boolean(t)).map(cidrSpace)), publicKind: true };
}

function matches(rule: Rule, protocol: string, port: number): boolean {
  if (rule.protocol !== 'all' && rule.protocol !== protocol) return false;
  if (protocol !== 'tcp' && protocol !== 'udp') return true;
  return rule.ports.from <= port && port <= rule.ports.to;
}

/** The public sources (per family) that the interface's pooled ingress rules accept for one packet shape. */
export function acceptedPublicSources(view: SnapshotView, eni: NetworkInterface, protocol: string, port: number, publicSpaceOf: Space): Space {
  const rules: { rule: Rule; priority: number }[] = [];
  for (const groupId of new Set(eni.securityGroupIds)) {
    const group = view.groups.get(groupId)?.item;
    if (!group) continue;
    for (const rule of group.rules) {
      if (rule.direction !== 'ingress' || (rule.problems?.length ?? 0) > 0) continue;
      rules.push({ rule, priority: group.type === 'enterprise' ? 1 : rule.priority });
    }
  }
  rules.sort((a, b) => a.priority - b.priority || (a.rule.policy === 'drop' ? 0 : 1) - (b.rule.policy === 'drop' ? 0 : 1));
  let undecided: Space = { v4: [[0n, V4_SIZE]], v6: [[0n, V6_SIZE]] };
  const accepted: Space = { v4: [], v6: [] };
  for (const { rule } of rules) {
    if (!matches(rule, protocol, port)) continue;
    const { space, publicKind } = peerSpace(view, rule.source);
    if (rule.policy === 'accept' && publicKind) {
      accepted.v4.push(...intersect(undecided.v4, space.v4));
      accepted.v6.push(...intersect(undecided.v6, space.v6));
    }
    undecided = { v4: subtract(undecided.v4, space.v4), v6: subtract(undecided.v6, space.v6) };
  }
  return { v4: intersect(normalize(accepted.v4), publicSpaceOf.v4), v6: intersect(normalize(accepted.v6), publicSpaceOf.v6) };
}
