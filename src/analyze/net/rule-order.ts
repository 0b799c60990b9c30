import type { Direction, NetworkInterface, Peer, Policy, Protocol, Rule, SecurityGroup } from '../../model/snapshot.js';
import type { SnapshotView } from '../view.js';
import { AddressSet, parsePlainV4 } from './address-set.js';
import { PortSet } from './port-set.js';

export type Ordering = 'alibaba' | 'huawei';
/** Classic-network instances have separate internet and intranet NICs with separate rules. */
export type NicKind = 'internet' | 'intranet';

/**
 * The protocols the evaluator distinguishes; the model's `all` expands to every one of them.
 * `other` stands for every IP protocol no rule can name (ESP, AH, SCTP …): only ALL admits it.
 */
export const EVAL_PROTOCOLS = ['tcp', 'udp', 'icmp', 'icmpv6', 'gre', 'other'] as const;
export type EvalProtocol = (typeof EVAL_PROTOCOLS)[number];
export const PORT_PROTOCOLS: ReadonlySet<EvalProtocol> = new Set(['tcp', 'udp']);

/**
 * How a rule's peer was given. `group` peers resolve to the private addresses of the group's
 * ENIs and are never "public" for exposure purposes; `any` is the implicit default rule.
 */
export type PeerKind = 'cidr' | 'prefixList' | 'group' | 'none' | 'any';

/** A rule as the evaluator used it: the witness every conclusion points to. */
export interface RuleRef {
  /** `rule` = a rule of the snapshot; `inner-access` = the group's implicit intra-group accept; `default` = the default policy. */
  kind: 'rule' | 'inner-access' | 'default';
  groupId: string;
  groupName?: string;
  /** The snapshot rule (kind `rule`) and its index in `group.rules`. */
  rule?: Rule;
  ruleIndex?: number;
  ruleId?: string;
  /** The rule's priority as stored; enterprise groups are unprioritised (evaluated as 1). */
  priority?: number;
  policy: Policy;
  direction: Direction;
  protocol: Protocol;
  ports: { from: number; to: number };
  /** Human form of the peer: a CIDR, `sg-…`, `account/sg-…`, `pl-…`, `any`. */
  peer: string;
  peerKind: PeerKind;
  description?: string;
}

/** A rule placed in evaluation order with its match space resolved. */
export interface OrderedRule {
  /** Unique per view: evaluations key shared per-atom results on it. */
  readonly uid: number;
  /** The witness; for snapshot rules built on first use (most rules never become one). */
  readonly ref: RuleRef;
  /** `ref.rule`, `ref.policy` and `ref.peerKind`, readable without building the witness. */
  readonly rule: Rule | undefined;
  readonly policy: Policy;
  readonly peerKind: PeerKind;
  readonly protocols: readonly EvalProtocol[];
  /** Only restricts tcp and udp. */
  readonly ports: PortSet;
  readonly peers: AddressSet;
}

export interface RuleOrderOptions {
  ordering: Ordering;
  nic: NicKind;
}

/** Memoized per view: the addresses of a group's members and the entries of a prefix list. */
const groupMemberCache = new WeakMap<SnapshotView, Map<string, AddressSet>>();
const prefixListCache = new WeakMap<SnapshotView, Map<string, AddressSet>>();

/** The private (and IPv6) addresses of every ENI that carries the group, as far as the snapshot knows them. */
export function groupMemberAddresses(view: SnapshotView, groupId: string): AddressSet {
  let cache = groupMemberCache.get(view);
  if (!cache) groupMemberCache.set(view, (cache = new Map()));
  const cached = cache.get(groupId);
  if (cached) return cached;
  // Members are mostly plain IPv4 hosts: collect them as numbers and merge once, without a set per address.
  const hosts: number[] = [];
  const others: AddressSet[] = [];
  for (const located of view.enisByGroup.get(groupId) ?? []) {
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
  cache.set(groupId, result);
  return result;
}

const numerically = (a: number, b: number): number => a - b;

function addMemberAddress(text: string, hosts: number[], others: AddressSet[]): void {
  const plain = parsePlainV4(text);
  if (plain && plain.prefix === 32) hosts.push(plain.address);
  else pushParsed(others, text);
}

/** The entries of a prefix list; undefined when the list is not in the snapshot. */
function prefixListAddresses(view: SnapshotView, prefixListId: string): AddressSet | undefined {
  let cache = prefixListCache.get(view);
  if (!cache) prefixListCache.set(view, (cache = new Map()));
  const cached = cache.get(prefixListId);
  if (cached) return cached;
  const list = view.prefixLists.get(prefixListId);
  if (!list) return undefined;
  const sets: AddressSet[] = [];
  for (const entry of list.item.entries) pushParsed(sets, entry.cidr);
  const result = AddressSet.unionAll(sets);
  cache.set(prefixListId, result);
  return result;
}

function pushParsed(sets: AddressSet[], text: string): void {
  const parsed = AddressSet.parse(text);
  if (parsed) sets.push(parsed);
}

/** describePeer(peer).kind, without building the text. */
function peerKindOf(peer: Peer | undefined): PeerKind {
  if (!peer) return 'none';
  if (peer.groupId) return 'group';
  if (peer.prefixListId) return 'prefixList';
  return peer.cidr || peer.ipv6Cidr ? 'cidr' : 'none';
}

function describePeer(peer: Peer | undefined): { text: string; kind: PeerKind } {
  if (!peer) return { text: 'none', kind: 'none' };
  if (peer.groupId) return { text: peer.ownerAccount ? `${peer.ownerAccount}/${peer.groupId}` : peer.groupId, kind: 'group' };
  if (peer.prefixListId) return { text: peer.prefixListId, kind: 'prefixList' };
  if (peer.cidr && peer.ipv6Cidr) return { text: `${peer.cidr}, ${peer.ipv6Cidr}`, kind: 'cidr' };
  const cidr = peer.cidr || peer.ipv6Cidr;
  return cidr ? { text: cidr, kind: 'cidr' } : { text: 'none', kind: 'none' };
}

/** The addresses a peer stands for. Unresolvable peers (unknown prefix list, bad CIDR) match nothing. */
function resolvePeer(view: SnapshotView, peer: Peer | undefined): AddressSet {
  if (!peer) return AddressSet.EMPTY;
  if (peer.groupId) return groupMemberAddresses(view, peer.groupId);
  if (peer.prefixListId) return prefixListAddresses(view, peer.prefixListId) ?? AddressSet.EMPTY;
  const v4 = peer.cidr ? (AddressSet.parse(peer.cidr) ?? AddressSet.EMPTY) : AddressSet.EMPTY;
  return peer.ipv6Cidr ? v4.union(AddressSet.parse(peer.ipv6Cidr) ?? AddressSet.EMPTY) : v4;
}

function ruleRef(group: SecurityGroup, rule: Rule, ruleIndex: number): RuleRef {
  const peer = describePeer(rule.direction === 'ingress' ? rule.source : rule.destination);
  return {
    kind: 'rule',
    groupId: group.id,
    groupName: group.name,
    rule,
    ruleIndex,
    ruleId: rule.id,
    priority: rule.priority,
    policy: rule.policy,
    direction: rule.direction,
    protocol: rule.protocol,
    ports: rule.ports,
    peer: peer.text,
    peerKind: peer.kind,
    description: rule.description,
  };
}

/**
 * Whether a rule takes part in evaluating this ENI/direction/NIC at all: rules with `problems`
 * are skipped (unparseable-rule reports them); classic-network rules apply only to their NIC
 * (in a VPC one rule covers internet and intranet, whatever nicType the API reports); a rule
 * narrowed to some of the group's own addresses (ingress destination, egress source) applies
 * only to ENIs holding one of them.
 */
function ruleApplies(rule: Rule, direction: Direction, nic: NicKind, classic: boolean, ownAddresses: AddressSet): boolean {
  if (rule.direction !== direction) return false;
  if (rule.problems && rule.problems.length > 0) return false;
  if (classic && rule.nicType && rule.nicType !== nic) return false;
  const narrowing = direction === 'ingress' ? rule.destination : rule.source;
  if (narrowing && (narrowing.cidr || narrowing.ipv6Cidr) && !ownAddresses.isEmpty()) {
    const narrowed = resolveNarrowing(narrowing);
    if (!narrowed.isEmpty() && !narrowed.intersects(ownAddresses)) return false;
  }
  return true;
}

function resolveNarrowing(peer: Peer): AddressSet {
  let result = AddressSet.EMPTY;
  for (const text of [peer.cidr, peer.ipv6Cidr]) {
    const parsed = text ? AddressSet.parse(text) : undefined;
    if (parsed) result = result.union(parsed);
  }
  return result;
}

export function hasNarrowingRules(groups: readonly SecurityGroup[], direction: Direction): boolean {
  return groups.some((g) => g.rules.some((r) => r.direction === direction && Boolean(direction === 'ingress' ? r.destination : r.source)));
}

export function eniOwnAddresses(eni: NetworkInterface): AddressSet {
  const sets: AddressSet[] = [];
  for (const ip of eni.privateIps) pushParsed(sets, ip);
  for (const ip of eni.ipv6Addresses) pushParsed(sets, ip);
  return AddressSet.unionAll(sets);
}

/** One shared list per protocol: 200,000 rules need no array each. */
const SINGLE_PROTOCOLS = new Map<Protocol, readonly EvalProtocol[]>(
  EVAL_PROTOCOLS.filter((protocol): protocol is Exclude<EvalProtocol, 'other'> => protocol !== 'other').map((protocol) => [protocol, [protocol]]),
);

function protocolsOf(protocol: Protocol): readonly EvalProtocol[] {
  return protocol === 'all' ? EVAL_PROTOCOLS : (SINGLE_PROTOCOLS.get(protocol) ?? []);
}

let nextUid = 1;
export function newRuleUid(): number {
  return nextUid++;
}

/**
 * One OrderedRule per snapshot rule and view (evaluations of many ENIs share them and their
 * resolved peers), kept by the group's cached order: a WeakMap keyed by 200,000 rules cost
 * more in GC (ephemeron marking) than the lookups themselves.
 */
function orderedRuleOf(view: SnapshotView, group: SecurityGroup, rule: Rule, ruleIndex: number): OrderedRule {
  return groupOrder(view, group, rule.direction).byIndex[ruleIndex] ?? createOrderedRule(view, group, rule, ruleIndex, 0);
}

/**
 * A snapshot rule in evaluation order: one object per rule (200,000 at 50k instances), with the
 * witness built only for rules a finding or an explanation names; eager RuleRefs and their peer
 * texts were most of the allocation (and scavenger work) of rule preparation.
 */
class SnapshotRule implements OrderedRule {
  readonly uid = nextUid++;
  private witness: RuleRef | undefined;
  constructor(
    private readonly group: SecurityGroup,
    readonly rule: Rule,
    private readonly ruleIndex: number,
    readonly protocols: readonly EvalProtocol[],
    readonly ports: PortSet,
    readonly peers: AddressSet,
    /** Priority then drop-before-accept, as one number: the group's own evaluation order. */
    readonly rank: number,
  ) {}
  get ref(): RuleRef {
    return (this.witness ??= ruleRef(this.group, this.rule, this.ruleIndex));
  }
  get policy(): Policy {
    return this.rule.policy;
  }
  get peerKind(): PeerKind {
    return peerKindOf(this.rule.direction === 'ingress' ? this.rule.source : this.rule.destination);
  }
}

function createOrderedRule(view: SnapshotView, group: SecurityGroup, rule: Rule, ruleIndex: number, rank: number): SnapshotRule {
  const peers = resolvePeer(view, rule.direction === 'ingress' ? rule.source : rule.destination);
  return new SnapshotRule(group, rule, ruleIndex, protocolsOf(rule.protocol), portRange(rule.ports.from, rule.ports.to), peers, rank);
}

/** Rules repeat a few hundred port ranges: share the PortSets. */
const portRanges = new Map<number, PortSet>();
/** Single ports (most rules) by port number: an array index, not a hash lookup per rule. */
const singlePorts = new Array<PortSet | undefined>(65536);
function portRange(from: number, to: number): PortSet {
  if (from === to && Number.isInteger(from) && from >= 0 && from < 65536) return (singlePorts[from] ??= PortSet.range(from, to));
  // Odd values (unparseable-rule reports them) are not worth a collision-proof key.
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to < 0 || to >= 131072) return PortSet.range(from, to);
  const key = from * 131072 + to;
  let range = portRanges.get(key);
  if (!range) {
    if (portRanges.size > 100_000) portRanges.clear();
    portRanges.set(key, (range = PortSet.range(from, to)));
  }
  return range;
}

interface Sortable {
  ordered: OrderedRule;
  priority: number;
  groupPosition: number;
  ruleIndex: number;
}

const dropFirst = (policy: Policy): number => (policy === 'drop' ? 0 : 1);

/**
 * Puts the explicit rules of an ENI's groups in evaluation order.
 *
 * Alibaba pools the rules of ALL groups of the ENI and sorts by priority (1 first; 110 on old
 * default groups); at equal priority drop beats accept. Enterprise (advanced) groups have no
 * priorities: their rules are evaluated as priority 1 (the fixed value seed 004 gives them).
 * Huawei matches groups in their `sequence` order, then by priority inside a group, deny
 * before allow at equal priority (seed 002). Remaining ties keep group then rule order, so the
 * witness is deterministic.
 */
export function orderRules(
  view: SnapshotView,
  groups: readonly SecurityGroup[],
  direction: Direction,
  options: RuleOrderOptions,
  classic: boolean,
  ownAddresses: AddressSet,
  onlyRules?: (rule: Rule) => boolean,
): OrderedRule[] {
  if (options.ordering === 'alibaba') return mergeAlibaba(view, groups, direction, options, classic, ownAddresses, onlyRules);
  const sortable: Sortable[] = [];
  groups.forEach((group, groupPosition) => {
    group.rules.forEach((rule, ruleIndex) => {
      if (!ruleApplies(rule, direction, options.nic, classic, ownAddresses)) return;
      if (onlyRules && !onlyRules(rule)) return;
      sortable.push({
        ordered: orderedRuleOf(view, group, rule, ruleIndex),
        priority: group.type === 'enterprise' ? 1 : rule.priority,
        // Groups without a sequence go after sequenced ones, in the order the ENI lists them.
        groupPosition: (group.sequence ?? 1e9) * 1e4 + groupPosition,
        ruleIndex,
      });
    });
  });
  const byPriority = (a: Sortable, b: Sortable) => a.priority - b.priority || dropFirst(a.ordered.policy) - dropFirst(b.ordered.policy);
  sortable.sort((a, b) => a.groupPosition - b.groupPosition || byPriority(a, b) || a.ruleIndex - b.ruleIndex);
  return sortable.map((s) => s.ordered);
}

/** A group's rules of one direction in its own evaluation order (priority, drop first, rule index): computed once per view. */
interface GroupOrder {
  entries: SnapshotRule[];
  /** By index in `group.rules`; holes for the other direction and for rules with problems. */
  byIndex: (SnapshotRule | undefined)[];
}
const groupOrderCache = new WeakMap<SnapshotView, Map<SecurityGroup, { ingress?: GroupOrder; egress?: GroupOrder }>>();

/**
 * A group's evaluable rules of one direction (rules with problems left out) in the group's own
 * order, peers resolved: built once per view and shared with every evaluation, so checks that
 * pre-filter on peers read them here instead of resolving every rule again.
 */
export function groupRules(view: SnapshotView, group: SecurityGroup, direction: Direction): readonly OrderedRule[] {
  return groupOrder(view, group, direction).entries;
}

function groupOrder(view: SnapshotView, group: SecurityGroup, direction: Direction): GroupOrder {
  let cache = groupOrderCache.get(view);
  if (!cache) groupOrderCache.set(view, (cache = new Map()));
  let byDirection = cache.get(group);
  if (!byDirection) cache.set(group, (byDirection = {}));
  let order = byDirection[direction];
  if (!order) {
    const entries: SnapshotRule[] = [];
    const byIndex: (SnapshotRule | undefined)[] = [];
    const { rules } = group;
    for (let ruleIndex = 0; ruleIndex < rules.length; ruleIndex++) {
      const rule = rules[ruleIndex] as Rule;
      if (rule.direction !== direction || (rule.problems && rule.problems.length > 0)) continue;
      // Priorities are integers, maybe > 100 on old groups.
      const priority = group.type === 'enterprise' ? 1 : rule.priority;
      const ordered = createOrderedRule(view, group, rule, ruleIndex, priority * 2 + dropFirst(rule.policy));
      byIndex[ruleIndex] = ordered;
      entries.push(ordered);
    }
    // Stable sort: equal ranks keep rule index order.
    entries.sort((a, b) => a.rank - b.rank);
    byDirection[direction] = order = { entries, byIndex };
  }
  return order;
}

/**
 * Alibaba pools the groups: ordered by priority, drop first, then group position, then rule
 * index. Each group's own order is cached, so pooling is a k-way merge (k is the number of
 * groups, rarely more than 5) that keeps the first group on ties.
 */
function mergeAlibaba(
  view: SnapshotView,
  groups: readonly SecurityGroup[],
  direction: Direction,
  options: RuleOrderOptions,
  classic: boolean,
  ownAddresses: AddressSet,
  onlyRules?: (rule: Rule) => boolean,
): OrderedRule[] {
  // One group, no per-ENI narrowing: every cached entry applies (entries hold only this
  // direction's rules without problems; nicType matters only on classic ENIs).
  if (groups.length === 1 && !classic && ownAddresses.isEmpty() && !onlyRules) return [...groupOrder(view, groups[0] as SecurityGroup, direction).entries];
  const lists = groups.map((group) => groupOrder(view, group, direction).entries);
  const positions = lists.map(() => 0);
  const result: OrderedRule[] = [];
  for (;;) {
    let best = -1;
    let bestRank = Infinity;
    for (let g = 0; g < lists.length; g++) {
      const entry = (lists[g] as GroupOrder['entries'])[positions[g] as number];
      if (entry && entry.rank < bestRank) {
        best = g;
        bestRank = entry.rank;
      }
    }
    if (best < 0) return result;
    const entry = (lists[best] as GroupOrder['entries'])[positions[best] as number] as SnapshotRule;
    positions[best] = (positions[best] as number) + 1;
    if (!ruleApplies(entry.rule, direction, options.nic, classic, ownAddresses)) continue;
    if (onlyRules && !onlyRules(entry.rule)) continue;
    result.push(entry);
  }
}
