import type { Direction, NetworkInterface, Peer, Policy, PortRange, Protocol, Provider, Rule, SecurityGroup } from '../../model/snapshot.js';
import { AddressSet } from './address-set.js';
import type { PortSet } from './port-set.js';

/**
 * How the rules of an ENI's groups combine, which follows the provider of the ENI's account:
 * Alibaba pools every group's rules by priority; Huawei matches the groups in the port's
 * sequence, each group's rules by priority.
 */
export type Ordering = 'alibaba' | 'huawei';

export function orderingOf(provider: Provider): Ordering {
  return provider === 'huaweicloud' ? 'huawei' : 'alibaba';
}
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
export type PeerKind = 'cidr' | 'prefixList' | 'addressGroup' | 'group' | 'none' | 'any';

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
  /** Human form of the peer: a CIDR, `sg-…`, `account/sg-…`, `pl-…`, an address group id, `any`. */
  peer: string;
  peerKind: PeerKind;
  description?: string;
}

/** A rule placed in evaluation order with its match space resolved. */
export interface OrderedRule {
  /** Unique per evaluator: evaluations key shared per-atom results on it. */
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
  /**
   * The match space compiled to numbers for the evaluation loops: `mask` has the PROTOCOL_BIT of
   * every protocol on which the rule can match anything (tcp and udp only with some port, none
   * without peers); `portStart`/`portEnd` its one port range, half-open (0/0 when empty); and
   * `v4Start`/`v4End` its peers when they are exactly one IPv4 interval (most rules), -1/-1
   * otherwise, so overlap tests need no interval walk.
   */
  readonly mask: number;
  readonly portStart: number;
  readonly portEnd: number;
  readonly v4Start: number;
  readonly v4End: number;
}

/** One bit per evaluated protocol, in EVAL_PROTOCOLS order. */
export const PROTOCOL_BIT: ReadonlyMap<EvalProtocol, number> = new Map(EVAL_PROTOCOLS.map((protocol, index) => [protocol, 1 << index]));
export const PORTED_MASK = (PROTOCOL_BIT.get('tcp') as number) | (PROTOCOL_BIT.get('udp') as number);

/** The numeric match space of a rule (see OrderedRule): computed once when the rule is compiled. */
export function compiledMatch(protocols: readonly EvalProtocol[], ports: PortSet, peers: AddressSet): Pick<OrderedRule, 'mask' | 'portStart' | 'portEnd' | 'v4Start' | 'v4End'> {
  let mask = 0;
  if (!peers.isEmpty()) for (const protocol of protocols) mask |= PROTOCOL_BIT.get(protocol) as number;
  // A rule's ports are one range (PortSet.range), or none.
  if (ports.isEmpty()) mask &= ~PORTED_MASK;
  const single = peers.v4.length === 2 && peers.v6.length === 0;
  return {
    mask,
    portStart: ports.bounds[0] ?? 0,
    portEnd: ports.bounds[1] ?? 0,
    v4Start: single ? (peers.v4[0] as number) : -1,
    v4End: single ? (peers.v4[1] as number) : -1,
  };
}

/** Whether two rules' peers overlap: inline when both are one IPv4 interval. */
export function peersOverlap(a: OrderedRule, b: OrderedRule): boolean {
  if (a.v4Start >= 0 && b.v4Start >= 0) return a.v4Start < b.v4End && b.v4Start < a.v4End;
  return a.peers.intersects(b.peers);
}

/** describePeer(peer).kind, without building the text. */
export function peerKindOf(peer: Peer | undefined): PeerKind {
  if (!peer) return 'none';
  if (peer.groupId) return 'group';
  if (peer.prefixListId) return 'prefixList';
  if (peer.addressGroupId) return 'addressGroup';
  return peer.cidr || peer.ipv6Cidr ? 'cidr' : 'none';
}

function describePeer(peer: Peer | undefined): { text: string; kind: PeerKind } {
  if (!peer) return { text: 'none', kind: 'none' };
  if (peer.groupId) return { text: peer.ownerAccount ? `${peer.ownerAccount}/${peer.groupId}` : peer.groupId, kind: 'group' };
  if (peer.prefixListId) return { text: peer.prefixListId, kind: 'prefixList' };
  if (peer.addressGroupId) return { text: peer.addressGroupId, kind: 'addressGroup' };
  if (peer.cidr && peer.ipv6Cidr) return { text: `${peer.cidr}, ${peer.ipv6Cidr}`, kind: 'cidr' };
  const cidr = peer.cidr || peer.ipv6Cidr;
  return cidr ? { text: cidr, kind: 'cidr' } : { text: 'none', kind: 'none' };
}

/** `range`: the one range of a multiport rule this witness stands for (its compiled rule matches only that). */
export function ruleRef(group: SecurityGroup, rule: Rule, ruleIndex: number, range?: PortRange): RuleRef {
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
    ports: range ?? rule.ports,
    peer: peer.text,
    peerKind: peer.kind,
    description: rule.description,
  };
}

/** A rule the evaluator can use at all: understood (no `problems`) and not disabled (Huawei `enabled: false` matches nothing). */
export function isEvaluable(rule: Rule): boolean {
  return !(rule.problems && rule.problems.length > 0) && rule.enabled !== false;
}

/** The port ranges a rule matches: a multiport rule's exact ranges, else its one range. */
export function portRangesOf(rule: Rule): readonly PortRange[] {
  return rule.portRanges && rule.portRanges.length > 0 ? rule.portRanges : [rule.ports];
}

/**
 * Whether a rule takes part in evaluating this ENI/direction/NIC at all: rules with `problems`
 * (and disabled rules) are skipped (unparseable-rule reports them); classic-network rules apply only to their NIC
 * (in a VPC one rule covers internet and intranet, whatever nicType the API reports); a rule
 * narrowed to some of the group's own addresses (ingress destination, egress source) applies
 * only to ENIs holding one of them.
 */
export function ruleApplies(rule: Rule, direction: Direction, nic: NicKind, classic: boolean, ownAddresses: AddressSet): boolean {
  if (rule.direction !== direction) return false;
  if (!isEvaluable(rule)) return false;
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

/** One shared list per protocol: rules need no array each. */
const SINGLE_PROTOCOLS = new Map<Protocol, readonly EvalProtocol[]>(
  EVAL_PROTOCOLS.filter((protocol): protocol is Exclude<EvalProtocol, 'other'> => protocol !== 'other').map((protocol) => [protocol, [protocol]]),
);

export function protocolsOf(protocol: Protocol): readonly EvalProtocol[] {
  return protocol === 'all' ? EVAL_PROTOCOLS : (SINGLE_PROTOCOLS.get(protocol) ?? []);
}

export const dropFirst = (policy: Policy): number => (policy === 'drop' ? 0 : 1);

export function pushParsed(sets: AddressSet[], text: string): void {
  const parsed = AddressSet.parse(text);
  if (parsed) sets.push(parsed);
}
