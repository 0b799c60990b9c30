import type { Direction, Peer, Policy, PortRange, Rule, SecurityGroup } from '../../model/snapshot.js';
import type { SnapshotView } from '../view.js';
import { AddressSet, parsePlainV4 } from './address-set.js';
import { PortSet } from './port-set.js';
import {
  EVAL_PROTOCOLS,
  compiledMatch,
  dropFirst,
  isEvaluable,
  peerKindOf,
  portRangesOf,
  protocolsOf,
  pushParsed,
  ruleApplies,
  ruleRef,
  type EvalProtocol,
  type NicKind,
  type OrderedRule,
  type Ordering,
  type PeerKind,
  type RuleRef,
} from './rule-order.js';

/** What decides which of a group's rules take part in one evaluation. */
export interface RuleSelection {
  ordering: Ordering;
  nic: NicKind;
  /** Classic-network ENI: rules with a nicType apply only to that NIC. */
  classic: boolean;
  /** The ENI's own addresses, for rules narrowed to some of them (EMPTY = no narrowing to test). */
  ownAddresses: AddressSet;
  /** Keep only the rules this accepts (e.g. the rules that apply on every ENI of a group). */
  onlyRules?: ((rule: Rule) => boolean) | undefined;
}

/** A group's rules of one direction in its own evaluation order (priority, drop first, rule index). */
interface GroupOrder {
  entries: CompiledRule[];
}

/**
 * A rule compiled for evaluation: its match space resolved (peers as addresses) and reduced to
 * numbers (compiledMatch), one object per snapshot rule or implicit
 * intra-group accept, all of one shape so the evaluation loops stay monomorphic. A snapshot
 * rule's witness is built only when a finding or an explanation names it: eager RuleRefs and
 * their peer texts were most of the allocation of rule preparation.
 */
class CompiledRule implements OrderedRule {
  readonly mask: number;
  readonly portStart: number;
  readonly portEnd: number;
  readonly v4Start: number;
  readonly v4End: number;
  readonly policy: Policy;
  readonly peerKind: PeerKind;
  constructor(
    readonly uid: number,
    private readonly group: SecurityGroup,
    readonly rule: Rule | undefined,
    private readonly ruleIndex: number,
    readonly protocols: readonly EvalProtocol[],
    readonly ports: PortSet,
    readonly peers: AddressSet,
    /** Priority then drop-before-accept, as one number: the group's own evaluation order. */
    readonly rank: number,
    private witness: RuleRef | undefined,
    /** For one range of a multiport rule: that range, which its witness names. */
    private readonly range?: PortRange,
  ) {
    const match = compiledMatch(protocols, ports, peers);
    this.mask = match.mask;
    this.portStart = match.portStart;
    this.portEnd = match.portEnd;
    this.v4Start = match.v4Start;
    this.v4End = match.v4End;
    this.policy = rule ? rule.policy : (witness as RuleRef).policy;
    this.peerKind = rule ? peerKindOf(rule.direction === 'ingress' ? rule.source : rule.destination) : (witness as RuleRef).peerKind;
  }
  get ref(): RuleRef {
    return (this.witness ??= ruleRef(this.group, this.rule as Rule, this.ruleIndex, this.range));
  }
}

/**
 * A snapshot's rules compiled once for evaluation: each group's rules per direction in the
 * group's own order with their peers resolved (group references to the members' addresses,
 * prefix lists to their entries), the implicit intra-group accepts, and the uids evaluations
 * key shared per-atom results on. Owned by one PolicyEvaluator; everything here lives exactly
 * as long as it, so nothing outlives the snapshot it was built from.
 */
export class RuleBook {
  private readonly members = new Map<string, AddressSet>();
  private readonly prefixLists = new Map<string, AddressSet>();
  private readonly addressGroups = new Map<string, AddressSet>();
  /** CIDR texts repeat across an estate's rules: one AddressSet per text, which also lets memos downstream key on identity. */
  private readonly cidrs = new Map<string, AddressSet>();
  private readonly orders = new Map<SecurityGroup, { ingress?: GroupOrder; egress?: GroupOrder }>();
  private readonly innerAccess = new Map<SecurityGroup, { ingress?: OrderedRule; egress?: OrderedRule }>();
  /** Rules repeat a few hundred port ranges: shared PortSets, single ports by port number. */
  private readonly portRanges = new Map<number, PortSet>();
  private readonly singlePorts = new Array<PortSet | undefined>(65536);
  private nextUid = 1;

  constructor(private readonly view: SnapshotView) {}

  /** The private (and IPv6) addresses of every ENI that carries the group, as far as the snapshot knows them. */
  groupMemberAddresses(groupId: string): AddressSet {
    const cached = this.members.get(groupId);
    if (cached) return cached;
    // Members are mostly plain IPv4 hosts: collect them as numbers and merge once, without a set per address.
    const hosts: number[] = [];
    const others: AddressSet[] = [];
    for (const located of this.view.enisByGroup.get(groupId) ?? []) {
      const { privateIps, ipv6Addresses } = located.item;
      for (let i = 0; i < privateIps.length; i++) addMemberAddress(privateIps[i] as string, hosts, others);
      for (let i = 0; i < ipv6Addresses.length; i++) addMemberAddress(ipv6Addresses[i] as string, hosts, others);
    }
    hosts.sort(numerically);
    const bounds: number[] = [];
    for (let i = 0; i < hosts.length; i++) {
      const host = hosts[i] as number;
      const last = bounds.length - 1;
      if (last > 0 && host <= (bounds[last] as number)) {
        if (host + 1 > (bounds[last] as number)) bounds[last] = host + 1;
      } else bounds.push(host, host + 1);
    }
    const result = others.length === 0 ? AddressSet.fromBounds(bounds, []) : AddressSet.unionAll([AddressSet.fromBounds(bounds, []), ...others]);
    this.members.set(groupId, result);
    return result;
  }

  /**
   * A group's evaluable rules of one direction (rules with problems left out) in the group's own
   * order, peers resolved: built once and shared with every evaluation, so checks that pre-filter
   * on peers read them here instead of resolving every rule again.
   */
  groupRules(group: SecurityGroup, direction: Direction): readonly OrderedRule[] {
    return this.groupOrder(group, direction).entries;
  }

  /**
   * Puts the explicit rules of an ENI's groups in evaluation order.
   *
   * Alibaba pools the rules of ALL groups of the ENI and sorts by priority (1 first; 110 on old
   * default groups); at equal priority drop beats accept. Enterprise (advanced) groups have no
   * priorities: their rules are evaluated as priority 1 (the fixed value seed 004 gives them).
   * Huawei (seed 002): "First, traffic is matched based on the sequence number of security
   * groups", then "by priority first" inside a group, and "Deny rules take precedence over allow
   * rules of the same priority": the groups come in the port's sequence (the order of `groups`)
   * and each brings its own order. Remaining ties keep group then rule order, so the witness is
   * deterministic.
   */
  orderRules(groups: readonly SecurityGroup[], direction: Direction, selection: RuleSelection): OrderedRule[] {
    if (selection.ordering === 'alibaba') return this.mergeAlibaba(groups, direction, selection);
    const { nic, classic, ownAddresses, onlyRules } = selection;
    const result: OrderedRule[] = [];
    for (const group of groups) {
      for (const entry of this.groupOrder(group, direction).entries) {
        const rule = entry.rule as Rule;
        if (!ruleApplies(rule, direction, nic, classic, ownAddresses)) continue;
        if (onlyRules && !onlyRules(rule)) continue;
        result.push(entry);
      }
    }
    return result;
  }

  /** The group's implicit accept from its own members (innerAccessPolicy accept), one per group and direction. */
  innerAccessRule(group: SecurityGroup, direction: Direction, members: AddressSet): OrderedRule {
    // Keyed by the group object: every pool of every ENI asks, and a text key per ask was measurable.
    let byDirection = this.innerAccess.get(group);
    if (!byDirection) this.innerAccess.set(group, (byDirection = {}));
    let rule = byDirection[direction];
    if (!rule) {
      byDirection[direction] = rule = new CompiledRule(this.nextUid++, group, undefined, -1, EVAL_PROTOCOLS, PortSet.ALL, members, 0, innerAccessRef(group, direction));
    }
    return rule;
  }

  /**
   * Alibaba pools the groups: ordered by priority, drop first, then group position, then rule
   * index. Each group's own order is cached, so pooling is a k-way merge (k is the number of
   * groups, rarely more than 5) that keeps the first group on ties.
   */
  private mergeAlibaba(groups: readonly SecurityGroup[], direction: Direction, selection: RuleSelection): OrderedRule[] {
    const { nic, classic, ownAddresses, onlyRules } = selection;
    // One group, no per-ENI narrowing: every cached entry applies (entries hold only this
    // direction's rules without problems; nicType matters only on classic ENIs).
    if (groups.length === 1 && !classic && ownAddresses.isEmpty() && !onlyRules) return [...this.groupOrder(groups[0] as SecurityGroup, direction).entries];
    const lists = groups.map((group) => this.groupOrder(group, direction).entries);
    const positions = lists.map(() => 0);
    const result: OrderedRule[] = [];
    for (;;) {
      let best = -1;
      let bestRank = Infinity;
      for (let g = 0; g < lists.length; g++) {
        const entry = (lists[g] as CompiledRule[])[positions[g] as number];
        if (entry && entry.rank < bestRank) {
          best = g;
          bestRank = entry.rank;
        }
      }
      if (best < 0) return result;
      const entry = (lists[best] as CompiledRule[])[positions[best] as number] as CompiledRule;
      positions[best] = (positions[best] as number) + 1;
      // Group orders hold snapshot rules only.
      const rule = entry.rule as Rule;
      if (!ruleApplies(rule, direction, nic, classic, ownAddresses)) continue;
      if (onlyRules && !onlyRules(rule)) continue;
      result.push(entry);
    }
  }

  private groupOrder(group: SecurityGroup, direction: Direction): GroupOrder {
    let byDirection = this.orders.get(group);
    if (!byDirection) this.orders.set(group, (byDirection = {}));
    let order = byDirection[direction];
    if (!order) {
      const entries: CompiledRule[] = [];
      const { rules } = group;
      for (let ruleIndex = 0; ruleIndex < rules.length; ruleIndex++) {
        const rule = rules[ruleIndex] as Rule;
        if (rule.direction !== direction || !isEvaluable(rule)) continue;
        // Priorities are integers, maybe > 100 on old groups.
        const priority = group.type === 'enterprise' ? 1 : rule.priority;
        const rank = priority * 2 + dropFirst(rule.policy);
        // A multiport rule matches each of its ranges alike: one compiled rule per range, same rank and rule.
        if (rule.portRanges && rule.portRanges.length > 0) for (const range of portRangesOf(rule)) entries.push(this.compile(group, rule, ruleIndex, rank, range));
        else entries.push(this.compile(group, rule, ruleIndex, rank));
      }
      // Stable sort: equal ranks keep rule index order.
      entries.sort((a, b) => a.rank - b.rank);
      byDirection[direction] = order = { entries };
    }
    return order;
  }

  private compile(group: SecurityGroup, rule: Rule, ruleIndex: number, rank: number, range?: PortRange): CompiledRule {
    const peers = this.resolvePeer(rule.direction === 'ingress' ? rule.source : rule.destination);
    const { from, to } = range ?? rule.ports;
    return new CompiledRule(this.nextUid++, group, rule, ruleIndex, protocolsOf(rule.protocol), this.portRange(from, to), peers, rank, undefined, range);
  }

  /** The addresses a peer stands for. Unresolvable peers (unknown prefix list, bad CIDR) match nothing. */
  private resolvePeer(peer: Peer | undefined): AddressSet {
    if (!peer) return AddressSet.EMPTY;
    if (peer.groupId) return this.groupMemberAddresses(peer.groupId);
    if (peer.prefixListId) return this.prefixListAddresses(peer.prefixListId) ?? AddressSet.EMPTY;
    if (peer.addressGroupId) return this.addressGroupAddresses(peer.addressGroupId);
    const v4 = peer.cidr ? this.parseCidr(peer.cidr) : AddressSet.EMPTY;
    return peer.ipv6Cidr ? v4.union(this.parseCidr(peer.ipv6Cidr)) : v4;
  }

  private parseCidr(text: string): AddressSet {
    let parsed = this.cidrs.get(text);
    if (!parsed) this.cidrs.set(text, (parsed = AddressSet.parse(text) ?? AddressSet.EMPTY));
    return parsed;
  }

  /** The entries of a prefix list; undefined when the list is not in the snapshot. */
  private prefixListAddresses(prefixListId: string): AddressSet | undefined {
    const cached = this.prefixLists.get(prefixListId);
    if (cached) return cached;
    const list = this.view.prefixLists.get(prefixListId);
    if (!list) return undefined;
    const sets: AddressSet[] = [];
    for (const entry of list.item.entries) pushParsed(sets, entry.cidr);
    const result = AddressSet.unionAll(sets);
    this.prefixLists.set(prefixListId, result);
    return result;
  }

  /** The entries of a Huawei IP address group (addresses, CIDRs, ranges `first-last`); an unknown group matches nothing. */
  private addressGroupAddresses(addressGroupId: string): AddressSet {
    let result = this.addressGroups.get(addressGroupId);
    if (!result) {
      const sets: AddressSet[] = [];
      for (const entry of this.view.addressGroups.get(addressGroupId)?.item.entries ?? []) {
        const range = parseAddressRange(entry.address);
        if (range) sets.push(range);
        else pushParsed(sets, entry.address);
      }
      this.addressGroups.set(addressGroupId, (result = AddressSet.unionAll(sets)));
    }
    return result;
  }

  private portRange(from: number, to: number): PortSet {
    if (from === to && Number.isInteger(from) && from >= 0 && from < 65536) return (this.singlePorts[from] ??= PortSet.range(from, to));
    // Odd values (unparseable-rule reports them) are not worth a collision-proof key.
    if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to < 0 || to >= 131072) return PortSet.range(from, to);
    const key = from * 131072 + to;
    let range = this.portRanges.get(key);
    if (!range) this.portRanges.set(key, (range = PortSet.range(from, to)));
    return range;
  }
}

const numerically = (a: number, b: number): number => a - b;

/** `10.0.0.1-10.0.0.9` (or two IPv6 addresses): every address from the first to the last. */
function parseAddressRange(text: string): AddressSet | undefined {
  const dash = text.indexOf('-');
  if (dash < 0) return undefined;
  const first = AddressSet.parse(text.slice(0, dash).trim());
  const last = AddressSet.parse(text.slice(dash + 1).trim());
  if (!first || !last) return undefined;
  if (first.v4.length === 2 && last.v4.length === 2 && (first.v4[0] as number) <= (last.v4[0] as number)) return AddressSet.fromBounds([first.v4[0] as number, last.v4[1] as number], []);
  if (first.v6.length === 2 && last.v6.length === 2 && (first.v6[0] as bigint) <= (last.v6[0] as bigint)) return AddressSet.fromBounds([], [first.v6[0] as bigint, last.v6[1] as bigint]);
  return undefined;
}

function addMemberAddress(text: string, hosts: number[], others: AddressSet[]): void {
  const plain = parsePlainV4(text);
  if (plain && plain.prefix === 32) hosts.push(plain.address);
  else pushParsed(others, text);
}

function innerAccessRef(group: SecurityGroup, direction: Direction): RuleRef {
  return {
    kind: 'inner-access',
    groupId: group.id,
    groupName: group.name,
    policy: 'accept',
    direction,
    protocol: 'all',
    ports: { from: 1, to: 65535 },
    peer: group.id,
    peerKind: 'group',
    description: 'intra-group access (innerAccessPolicy accept)',
  };
}
