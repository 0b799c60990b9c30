import ipaddr from 'ipaddr.js';
import type { Direction, Estate, NetworkInterface, Peer, Policy, Protocol, SecurityGroup } from '../../src/model/snapshot.js';

/**
 * A rule-by-rule reference for single packets, written from the seeds (../shared/docs/seeds) and
 * sharing no code with src/analyze/net: only ipaddr.js (parsing) and the model types.
 *
 *  - Seed 004 ("Security group rule priority"), 001 (case 6) and 003 (scenario 4): priorities run
 *    1–100, a smaller value is evaluated first; at the same priority deny (drop) takes effect over
 *    allow; the first matching rule decides.
 *  - Seed 004/001: the rules of every group of an interface apply together ("in a security group or
 *    between different security groups"), so an interface's groups are pooled into one list.
 *  - Seed 004: advanced (enterprise) groups support only allow rules and no priority settings;
 *    their rules are evaluated as priority 1 (the fixed value the seed gives their rules).
 *  - Seed 001 ("Default policies differ"): with no matching rule, inbound is denied; outbound is
 *    allowed by a basic group and denied by an advanced one. (An interface never carries both
 *    types; the evaluator documents that if a snapshot shows it anyway, egress is allowed because a
 *    basic group is present — the same rule "some basic group → accept" covers it.)
 *  - Seed 001/003 ("Internal connectivity"): members of one basic group reach each other unless the
 *    group's internal access policy isolates them: innerAccessPolicy `accept` is an implicit accept
 *    from (ingress) / to (egress) the group's members, after every explicit rule, before the default.
 *  - Seed 001 case 5 / 002: a group as authorization object stands for the private addresses of the
 *    instances in it (here: every interface that lists the group, IPv4 and IPv6); a prefix list
 *    (IP address group) stands for its entries.
 *  - The model (src/model/snapshot.ts) normalizes "-1/-1" and port-less protocols to 1–65535 and
 *    marks rules it could not read with `problems`; such rules take no part in evaluation.
 *  - Seed 002 (Huawei, for accounts with provider huaweicloud): "First, traffic is matched based on
 *    the sequence number of security groups" (the port lists its groups in sequence order), then
 *    "Security group rules are matched by priority first", "Deny rules take precedence over allow
 *    rules of the same priority"; "If the traffic does not match any rule, the traffic is denied" —
 *    in both directions ("denies all traffic to or from the instances"); intra-group traffic only
 *    through a rule whose source is the group (Table 1), never implicitly. A multiport rule matches
 *    any of its ranges; a disabled rule (`enabled: false`) matches nothing; an IP address group
 *    stands for its entries (addresses, CIDRs, ranges first-last).
 */

export type PacketProtocol = 'tcp' | 'udp' | 'icmp' | 'icmpv6' | 'gre' | 'other';
type Family = 4 | 6;
interface Address {
  family: Family;
  value: bigint;
}
/** Half-open [start, end) within one family. */
interface Block {
  family: Family;
  start: bigint;
  end: bigint;
}
export interface Packet {
  protocol: PacketProtocol;
  /** Only meaningful for tcp and udp. */
  port: number;
  address: Address;
}

export const FAMILY_SIZE: Record<Family, bigint> = { 4: 1n << 32n, 6: 1n << 128n };

export function parseAddress(text: string): Address {
  const parsed = ipaddr.parse(text);
  return { family: parsed.kind() === 'ipv4' ? 4 : 6, value: bytesToBigint(parsed.toByteArray()) };
}

export function formatAddress(address: Address): string {
  const bytes: number[] = [];
  let value = address.value;
  for (let i = 0; i < (address.family === 4 ? 4 : 16); i++) {
    bytes.unshift(Number(value & 0xffn));
    value >>= 8n;
  }
  return ipaddr.fromByteArray(bytes).toString();
}

/** `first-last` (a Huawei address group entry) or a CIDR or bare address. */
function blockOfEntry(text: string): Block {
  const dash = text.indexOf('-');
  if (dash < 0) return blockOf(text);
  const first = blockOf(text.slice(0, dash));
  const last = blockOf(text.slice(dash + 1));
  return { family: first.family, start: first.start, end: last.end };
}

/** A CIDR or a bare address (a host). Host bits of a CIDR are dropped, as the cloud stores it. */
export function blockOf(text: string): Block {
  const [address, prefix] = text.includes('/') ? ipaddr.parseCIDR(text) : [ipaddr.parse(text), text.includes(':') ? 128 : 32];
  const family: Family = address.kind() === 'ipv4' ? 4 : 6;
  const size = 1n << BigInt((family === 4 ? 32 : 128) - prefix);
  const start = (bytesToBigint(address.toByteArray()) / size) * size;
  return { family, start, end: start + size };
}

function bytesToBigint(bytes: number[]): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

export function blocksIntersect(a: readonly Block[] | 'all', b: readonly Block[] | 'all'): boolean {
  if (a === 'all') return b === 'all' || b.length > 0;
  if (b === 'all') return a.length > 0;
  return a.some((x) => b.some((y) => x.family === y.family && x.start < y.end && y.start < x.end));
}

function blocksContain(blocks: readonly Block[] | 'all', address: Address): boolean {
  if (blocks === 'all') return true;
  return blocks.some((b) => b.family === address.family && b.start <= address.value && address.value < b.end);
}

/** One entry of an interface's pooled list: a snapshot rule, a group's intra-group accept, or the default. */
export interface RefEntry {
  /** Huawei: the position of the entry's group in the port's sequence (matched in that order); 0 for Alibaba, which pools. */
  sequence: number;
  kind: 'rule' | 'inner-access' | 'default';
  groupId: string;
  ruleIndex?: number;
  ruleId?: string;
  policy: Policy;
  /** 0 = explicit rules, 1 = intra-group accepts, 2 = the default. */
  stage: 0 | 1 | 2;
  /** Effective priority (enterprise rules: 1); 0 for the implicit entries. */
  priority: number;
  protocol: Protocol;
  /** Inclusive ranges; several for a Huawei multiport rule. */
  ports: readonly { from: number; to: number }[];
  peers: readonly Block[] | 'all';
  /** How the peer was given (for the test's tally of what was exercised). */
  via: 'cidr' | 'prefixList' | 'addressGroup' | 'group' | 'implicit';
}

/**
 * The seeds' order: stage, then priority (smaller first), then drop before accept. Entries that
 * compare equal here are tied: the seeds do not say which of them is "the" matching rule.
 */
export function compareRank(a: RefEntry, b: RefEntry): number {
  return a.stage - b.stage || a.sequence - b.sequence || a.priority - b.priority || dropFirst(a.policy) - dropFirst(b.policy);
}

const dropFirst = (policy: Policy): number => (policy === 'drop' ? 0 : 1);

/**
 * The evaluator's documented tie-break among equally ranked entries (not a cloud semantic):
 * rule-book.ts "Remaining ties keep group then rule order", where the Alibaba pool lists the
 * groups sorted by id (evaluator.ts contextOf: "Alibaba pools the groups, so their order does not
 * change the outcome"), and rules of one group keep their index order. Intra-group accepts follow
 * the same group order.
 */
function compareTieBreak(a: RefEntry, b: RefEntry): number {
  return (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0) || (a.ruleIndex ?? 0) - (b.ruleIndex ?? 0);
}

export function sameEntry(a: { kind: string; groupId: string; ruleIndex?: number | undefined }, b: { kind: string; groupId: string; ruleIndex?: number | undefined }): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'default') return true;
  return a.groupId === b.groupId && (a.kind !== 'rule' || a.ruleIndex === b.ruleIndex);
}

/** Index of the estate, so the reference never looks anything up through the analyzer's view. */
export class ReferenceEstate {
  private readonly groups = new Map<string, SecurityGroup>();
  private readonly enis = new Map<string, NetworkInterface>();
  private readonly prefixLists = new Map<string, readonly Block[]>();
  private readonly addressGroups = new Map<string, readonly Block[]>();
  private readonly members = new Map<string, Block[]>();
  private readonly huaweiEnis = new Set<string>();

  constructor(estate: Estate) {
    for (const account of estate.accounts) {
      for (const region of account.regions) {
        for (const group of region.addressGroups) this.addressGroups.set(group.id, group.entries.map((entry) => blockOfEntry(entry.address)));
        if (account.provider === 'huaweicloud') for (const eni of region.networkInterfaces) this.huaweiEnis.add(eni.id);
        for (const group of region.securityGroups) this.groups.set(group.id, group);
        for (const list of region.prefixLists) this.prefixLists.set(list.id, list.entries.map((entry) => blockOf(entry.cidr)));
        for (const eni of region.networkInterfaces) {
          this.enis.set(eni.id, eni);
          for (const groupId of eni.securityGroupIds) {
            const list = this.members.get(groupId) ?? [];
            for (const ip of [...eni.privateIps, ...eni.ipv6Addresses]) list.push(blockOf(ip));
            this.members.set(groupId, list);
          }
        }
      }
    }
  }

  /** The addresses a peer stands for: a CIDR, a prefix list's entries, a group's members; nothing when unknown. */
  peerBlocks(peer: Peer | undefined): readonly Block[] {
    if (!peer) return [];
    if (peer.groupId) return this.members.get(peer.groupId) ?? [];
    if (peer.prefixListId) return this.prefixLists.get(peer.prefixListId) ?? [];
    if (peer.addressGroupId) return this.addressGroups.get(peer.addressGroupId) ?? [];
    return [peer.cidr, peer.ipv6Cidr].filter((text): text is string => Boolean(text)).map(blockOf);
  }

  /** The existing groups of an interface, each once. */
  groupsOf(eniId: string): SecurityGroup[] {
    const eni = this.enis.get(eniId);
    if (!eni) throw new Error(`reference: no ENI ${eniId}`);
    const result: SecurityGroup[] = [];
    for (const id of new Set(eni.securityGroupIds)) {
      const group = this.groups.get(id);
      if (group) result.push(group);
    }
    return result;
  }

  /** Every entry that takes part for this interface and direction, sorted by rank then the documented tie-break; the default last. */
  /** Whether the interface is in a Huawei account (seed 002's matching), else Alibaba's. */
  isHuawei(eniId: string): boolean {
    return this.huaweiEnis.has(eniId);
  }

  pool(eniId: string, direction: Direction): RefEntry[] {
    const groups = this.groupsOf(eniId);
    const huawei = this.isHuawei(eniId);
    const entries: RefEntry[] = [];
    groups.forEach((group, position) => {
      group.rules.forEach((rule, ruleIndex) => {
        if (rule.direction !== direction || (rule.problems?.length ?? 0) > 0 || rule.enabled === false) return;
        const peer = direction === 'ingress' ? rule.source : rule.destination;
        entries.push({
          kind: 'rule',
          groupId: group.id,
          ruleIndex,
          ruleId: rule.id,
          policy: rule.policy,
          stage: 0,
          sequence: huawei ? position : 0,
          priority: group.type === 'enterprise' ? 1 : rule.priority,
          protocol: rule.protocol,
          ports: rule.portRanges?.length ? rule.portRanges : [rule.ports],
          peers: this.peerBlocks(peer),
          via: peer?.groupId ? 'group' : peer?.prefixListId ? 'prefixList' : peer?.addressGroupId ? 'addressGroup' : 'cidr',
        });
      });
      if (!huawei && group.innerAccessPolicy === 'accept') {
        entries.push({ kind: 'inner-access', groupId: group.id, policy: 'accept', stage: 1, sequence: 0, priority: 0, protocol: 'all', ports: [{ from: 1, to: 65535 }], peers: this.members.get(group.id) ?? [], via: 'implicit' });
      }
    });
    const defaultAccept = !huawei && direction === 'egress' && (groups.length === 0 || groups.some((g) => g.type === 'normal'));
    entries.push({ kind: 'default', groupId: '', policy: defaultAccept ? 'accept' : 'drop', stage: 2, sequence: 0, priority: 0, protocol: 'all', ports: [{ from: 1, to: 65535 }], peers: 'all', via: 'implicit' });
    return entries.sort((a, b) => compareRank(a, b) || compareTieBreak(a, b));
  }
}

/** Whether the entry's protocol admits the packet's protocol: ALL admits every protocol, `other` only ALL. */
export function coversProtocol(entry: RefEntry, protocol: PacketProtocol): boolean {
  return entry.protocol === 'all' || entry.protocol === protocol;
}

/** Ports restrict only tcp and udp. */
export function isPorted(protocol: PacketProtocol): boolean {
  return protocol === 'tcp' || protocol === 'udp';
}

export function matches(entry: RefEntry, packet: Packet): boolean {
  if (!coversProtocol(entry, packet.protocol)) return false;
  if (isPorted(packet.protocol) && !entry.ports.some((range) => range.from <= packet.port && packet.port <= range.to)) return false;
  return blocksContain(entry.peers, packet.address);
}

interface ReferenceDecision {
  decision: Policy;
  /** Every matching entry of the first matching rank: any of them is a correct witness. */
  tied: RefEntry[];
  /** The first of `tied` by the documented tie-break. */
  first: RefEntry;
}

/** First match decides; the default always matches, so there is always a decision. */
export function referenceDecision(pool: readonly RefEntry[], packet: Packet): ReferenceDecision {
  const matching = pool.filter((entry) => matches(entry, packet));
  const first = matching[0];
  if (!first) throw new Error('reference: the default must match every packet');
  return { decision: first.policy, tied: matching.filter((entry) => compareRank(entry, first) === 0), first };
}
