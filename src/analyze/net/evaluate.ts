/**
 * The evaluation itself, for one ordered rule list and direction: the EXACT set of (protocol,
 * ports, peer addresses) each rule decides, as interval unions — never by sampling ports or
 * addresses — with a witness for every piece. Stateless: PolicyEvaluator (evaluator.ts) owns
 * the compiled rules and every memo, and is the one door checks, drift and `explain` use.
 *
 *   EffectivePolicy.pieces: PolicyPiece[] — disjoint boxes covering the whole traffic space of
 *     the direction: { protocol, ports: PortSet, peers: AddressSet, decision: 'accept' | 'drop',
 *     decidedBy: RuleRef, passed: RuleRef[] }. `passed` (computed lazily) lists the rules
 *     evaluated before `decidedBy` that share ports and peers with it but did not match this
 *     piece: the hand-checkable reason the piece is what it is.
 *   acceptedFrom(policy, filter, { peerKinds? }) → the accepted pieces clipped to `filter`.
 *   publicAccepted(policy) → accepted pieces from public addresses, counting only CIDR and
 *     prefix-list peers (and the implicit egress default): a group reference is never public.
 *   decisionFor(policy, protocol, port, address) → the piece deciding one packet.
 *
 * Semantics (seeds 001–004): no match → ingress denied; egress accepted when a basic (normal)
 * group is present, denied for advanced (enterprise) only. Alibaba never lets one ENI mix basic
 * and advanced groups; if a snapshot shows it anyway we evaluate the pooled rules (advanced as
 * priority 1), default egress accept because a basic group is present, and flag
 * `mixedGroupTypes`. Intra-group access (innerAccessPolicy accept) is an implicit accept from
 * the group's own members, evaluated after all explicit rules and before the default.
 * Huawei ordering (seed 002) defaults to deny in both directions: "If there are no rules that
 * allow or deny some traffic, the security group denies all traffic to or from the instances";
 * its allow-all egress is an explicit default rule there ("If you delete these rules, the
 * instances in the security group cannot access external networks"). Huawei has no implicit
 * intra-group access either: the evaluator adds none for Huawei groups.
 *
 * Algorithm: per protocol, the port axis is cut at every rule boundary into atoms on which each
 * rule either fully applies or not; on an atom the decision is 1-D over addresses (walk rules in
 * order, each decides `its peers ∩ still undecided`). Atoms with the same applicable rules share
 * one computation, and pieces with the same rule and peers merge their ports back together.
 * The sweep updates the active rules only where rules start or end; the atom memo is a hash of
 * rule uids that lives for one evaluation (test/net/equivalence.test.ts pins the shortcuts).
 */
import type { Direction, Policy, Rule, SecurityGroup } from '../../model/snapshot.js';
import { AddressSet } from './address-set.js';
import * as iv from './intervals.js';
import { PortSet } from './port-set.js';
import { PUBLIC_SPACE } from './public.js';
import { EVAL_PROTOCOLS, PORT_PROTOCOLS, PORTED_MASK, PROTOCOL_BIT, peersOverlap, type EvalProtocol, type NicKind, type OrderedRule, type Ordering, type PeerKind, type RuleRef } from './rule-order.js';

export interface PolicyPiece {
  protocol: EvalProtocol;
  /** For protocols without ports (icmp, icmpv6, gre, other) always all ports. */
  ports: PortSet;
  peers: AddressSet;
  decision: Policy;
  decidedBy: RuleRef;
  /** Rules evaluated before `decidedBy` that overlap it but did not match this piece. */
  readonly passed: RuleRef[];
}

export interface EffectivePolicy {
  direction: Direction;
  ordering: Ordering;
  nic: NicKind;
  groupIds: string[];
  /** Explicit and implicit rules in evaluation order (the default is not included). */
  rules: readonly OrderedRule[];
  pieces: readonly PolicyPiece[];
  /** Basic and advanced groups on one ENI (Alibaba forbids it; evaluated deterministically anyway). */
  mixedGroupTypes: boolean;
  /** Group ids the ENI lists that the snapshot does not contain. */
  missingGroupIds: string[];
}

/**
 * Restricts an evaluation to the pieces decided by some rules (the default policy is offered as a
 * rule without uid, with every address as peers): those pieces are exactly the full evaluation's
 * (same ports, peers, witnesses), the others are left out. A piece's outcome exists only on port
 * atoms where its rule is active, so atoms with no selected rule active are skipped undecided.
 */
export type DeciderFilter = (decider: { uid?: number; policy: Policy; peerKind: PeerKind; peers: AddressSet }) => boolean;

/** Everything one evaluation needs besides its rules. */
export interface PolicyInput {
  groups: readonly SecurityGroup[];
  direction: Direction;
  ordering: Ordering;
  nic: NicKind;
  missingGroupIds: string[];
  /** Explicit then intra-group rules, in evaluation order. */
  rules: readonly OrderedRule[];
  deciders?: DeciderFilter | undefined;
}

export function computePolicy(input: PolicyInput): EffectivePolicy {
  const { groups, direction, ordering, rules, deciders } = input;
  const hasBasic = groups.some((g) => g.type === 'normal');
  const hasAdvanced = groups.some((g) => g.type === 'enterprise');
  const defaultAccept = direction === 'egress' && ordering === 'alibaba' && (hasBasic || groups.length === 0);
  const defaultRef: RuleRef = {
    kind: 'default',
    groupId: groups.map((g) => g.id).join(','),
    policy: defaultAccept ? 'accept' : 'drop',
    direction,
    protocol: 'all',
    ports: { from: 1, to: 65535 },
    peer: 'any',
    peerKind: 'any',
    description: defaultAccept ? 'default: egress allowed when no rule matches (basic group)' : `default: ${direction} denied when no rule matches`,
  };
  const pieces: PolicyPiece[] = [];
  // The default decides wherever rules leave something undecided: selecting it leaves nothing to skip.
  const selected = deciders && !deciders({ policy: defaultRef.policy, peerKind: defaultRef.peerKind, peers: AddressSet.ALL }) ? deciders : undefined;
  for (const protocol of EVAL_PROTOCOLS) evaluateProtocol(rules, protocol, PROTOCOL_BIT.get(protocol) as number, defaultRef, pieces, selected);
  return {
    direction,
    ordering,
    nic: input.nic,
    groupIds: groups.map((g) => g.id),
    rules,
    pieces,
    mixedGroupTypes: hasBasic && hasAdvanced,
    missingGroupIds: input.missingGroupIds,
  };
}

/** The default pseudo-rule in per-atom outcomes. */
const DEFAULT = undefined;

interface Outcome {
  /** undefined = the default policy. */
  rule: OrderedRule | undefined;
  peers: AddressSet;
}

/**
 * Per-atom outcomes depend only on the applicable rules in order, so atoms with the same rules
 * share them. The memo hashes the rules' uids (checked against the stored list on a hit) and
 * lives for one evaluation: a view-wide memo retained every atom of every pool and cost more in
 * old-generation GC than it saved.
 */
type AtomMemo = Map<number, { uids: number[]; outcomes: Outcome[] }[]>;

function evaluateProtocol(rules: readonly OrderedRule[], protocol: EvalProtocol, bit: number, defaultRef: RuleRef, out: PolicyPiece[], deciders?: DeciderFilter): void {
  // Pieces accumulate their ports per outcome; atoms with the same applicable rules share the
  // same Outcome objects (memoized), and atoms come in ascending order.
  const accumulators = new Map<Outcome, number[]>();
  forEachAtom(
    rules,
    bit,
    (outcomes, start, end) => {
      for (const outcome of outcomes) {
        if (deciders && (outcome.rule === DEFAULT || !deciders(outcome.rule))) continue;
        let bounds = accumulators.get(outcome);
        if (!bounds) accumulators.set(outcome, (bounds = []));
        const last = bounds.length - 1;
        if (last > 0 && bounds[last] === start) bounds[last] = end;
        else bounds.push(start, end);
      }
    },
    deciders,
  );
  for (const [outcome, bounds] of accumulators) {
    out.push(new Piece(rules, protocol, bit, PortSet.fromBounds(bounds), outcome, defaultRef));
  }
}

/**
 * Visits every port atom of the protocol (one atom for protocols without ports) with its outcomes;
 * with `deciders` (never selecting the default), only the atoms where a selected rule is active.
 */
function forEachAtom(rules: readonly OrderedRule[], bit: number, visit: (outcomes: readonly Outcome[], start: number, end: number) => void, deciders?: DeciderFilter): void {
  const ported = (bit & PORTED_MASK) !== 0;
  const applicable: OrderedRule[] = [];
  let selected: Uint8Array | undefined;
  let anySelected = deciders === undefined;
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i] as OrderedRule;
    if ((rule.mask & bit) !== 0) applicable.push(rule);
  }
  if (deciders) {
    selected = new Uint8Array(applicable.length);
    for (let k = 0; k < applicable.length; k++) {
      if (!deciders(applicable[k] as OrderedRule)) continue;
      selected[k] = 1;
      anySelected = true;
    }
  }
  if (!anySelected) return;
  const memo: AtomMemo = new Map();
  if (!ported) visit(memoized(memo, applicable, applicable.length), PortSet.ALL.bounds[0] as number, PortSet.ALL.bounds[1] as number);
  else if (selected) {
    const [kept, keptSelected] = withinSelectedPorts(applicable, selected);
    sweepPorts(memo, kept, keptSelected, visit);
  }
  else sweepPorts(memo, applicable, undefined, visit);
}

/**
 * Only atoms inside a selected rule's ports are visited. A rule whose ports miss every selected
 * rule's ports is never active there, and its boundaries never fall strictly inside a selected
 * range, so dropping it leaves the visited atoms and their active rules exactly as they were.
 */
function withinSelectedPorts(applicable: OrderedRule[], selected: Uint8Array): [OrderedRule[], Uint8Array] {
  const ranges: [number, number][] = [];
  for (let k = 0; k < applicable.length; k++) {
    if (!selected[k]) continue;
    const rule = applicable[k] as OrderedRule;
    ranges.push([rule.portStart, rule.portEnd]);
  }
  const union = iv.normalize(ranges);
  const kept: OrderedRule[] = [];
  const keptSelected = new Uint8Array(applicable.length);
  for (let k = 0; k < applicable.length; k++) {
    const rule = applicable[k] as OrderedRule;
    const start = rule.portStart;
    const end = rule.portEnd;
    let overlaps = selected[k] === 1;
    for (let u = 0; u < union.length && !overlaps; u += 2) overlaps = (union[u] as number) < end && start < (union[u + 1] as number);
    if (!overlaps) continue;
    keptSelected[kept.length] = selected[k] as number;
    kept.push(rule);
  }
  return [kept, keptSelected.subarray(0, kept.length)];
}

/**
 * The snapshot rules that decide some traffic in an evaluation of these ordered rules: the
 * `decidedBy.rule` of its pieces, without building the pieces.
 */
export function decidingRules(rules: readonly OrderedRule[]): Set<Rule> {
  const { deciders, unsettled } = surelyDecidingRules(rules);
  for (const index of unsettled) {
    const rule = rules[index] as OrderedRule;
    if (rule.rule && !deciders.has(rule.rule) && decidesSomewhere(rules, index)) deciders.add(rule.rule);
  }
  return deciders;
}

/**
 * Whether the rule at `index` decides some traffic: on one of its protocols, some port atom of
 * its own ports where the earlier rules active there do not cover all of its peers (on an atom a
 * rule decides exactly its peers that no earlier active rule took). Only earlier rules that
 * overlap it can take anything, and they are few, so this tests their cuts inside its ports
 * instead of evaluating every atom of the pool; it stops at the first gap.
 */
function decidesSomewhere(rules: readonly OrderedRule[], index: number): boolean {
  const rule = rules[index] as OrderedRule;
  const applies = rule.mask;
  for (let bit = 1; bit <= applies; bit <<= 1) {
    if ((applies & bit) === 0) continue;
    const ported = (bit & PORTED_MASK) !== 0;
    const earlier: OrderedRule[] = [];
    for (let j = 0; j < index; j++) {
      const other = rules[j] as OrderedRule;
      if ((other.mask & bit) === 0) continue;
      if (ported && !(other.portStart < rule.portEnd && rule.portStart < other.portEnd)) continue;
      if (peersOverlap(other, rule)) earlier.push(other);
    }
    if (earlier.length === 0) return true;
    if (!ported) {
      if (!peersCovered(rule.peers, earlier, undefined)) return true;
      continue;
    }
    // Atoms: the rule's ports cut at every bound of the earlier rules; a rule covers an atom
    // exactly when it contains the atom's first port.
    const cuts: number[] = [rule.portStart, rule.portEnd];
    for (const other of earlier) cuts.push(other.portStart, other.portEnd);
    sortSmall(cuts);
    for (let c = 0; c + 1 < cuts.length; c++) {
      const start = cuts[c] as number;
      if (start === cuts[c + 1] || start < rule.portStart || start >= rule.portEnd) continue;
      if (!peersCovered(rule.peers, earlier, start)) return true;
    }
  }
  return false;
}

/**
 * Ascending, in place. Usually a handful of cuts around one rule: insertion sort, which does not
 * copy its input as Array#sort does; rules of big groups can meet hundreds of earlier rules, and
 * those take the builtin.
 */
function sortSmall(values: number[]): void {
  if (values.length > 32) {
    values.sort((a, b) => a - b);
    return;
  }
  for (let i = 1; i < values.length; i++) {
    const value = values[i] as number;
    let j = i - 1;
    while (j >= 0 && (values[j] as number) > value) {
      values[j + 1] = values[j] as number;
      j--;
    }
    values[j + 1] = value;
  }
}

/**
 * Whether the peers of the `earlier` rules (only those whose ports contain `port`, when given)
 * cover `peers` together: what is left is shrunk one rule at a time and the test stops as soon
 * as nothing is left; one rule covering everything (the usual case) allocates nothing.
 */
function peersCovered(peers: AddressSet, earlier: readonly OrderedRule[], port: number | undefined): boolean {
  let left: AddressSet | undefined;
  for (const other of earlier) {
    if (port !== undefined && (port < other.portStart || port >= other.portEnd)) continue;
    if (left === undefined) {
      if (other.peers.covers(peers)) return true;
      left = peers.subtract(other.peers);
    } else left = left.subtract(other.peers);
    if (left.isEmpty()) return true;
  }
  return false;
}

/**
 * A rule decides some traffic when, on one of its protocols, it applies and no earlier rule
 * overlaps it (ports, for tcp/udp, and peers): on any of its atoms nothing before it took any of
 * its peers. Returns the snapshot rules settled that way and the indexes of the rules left for
 * decidesSomewhere (often none: most rules overlap nothing before them). Rules that apply nowhere
 * decide nothing.
 * Protocols are bit masks so each earlier rule is tested once for all of a rule's protocols,
 * cheapest test first (this pairs every rule with every earlier one of its pool).
 */
function surelyDecidingRules(rules: readonly OrderedRule[]): { deciders: Set<Rule>; unsettled: number[] } {
  const deciders = new Set<Rule>();
  const unsettled: number[] = [];
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i] as OrderedRule;
    const applies = rule.mask;
    if (applies === 0) continue;
    // The protocols on which some earlier rule overlaps this one; all of them = not settled here.
    let overlapped = 0;
    for (let j = 0; j < i && overlapped !== applies; j++) {
      const earlier = rules[j] as OrderedRule;
      let shared = earlier.mask & applies & ~overlapped;
      if (shared === 0) continue;
      if (shared & PORTED_MASK && !(earlier.portStart < rule.portEnd && rule.portStart < earlier.portEnd)) shared &= ~PORTED_MASK;
      if (shared !== 0 && peersOverlap(earlier, rule)) overlapped |= shared;
    }
    if (overlapped === applies) unsettled.push(i);
    else if (rule.rule) deciders.add(rule.rule);
  }
  return { deciders, unsettled };
}

/** The outcomes of the first `count` rules of `active` (callers reuse one array across atoms). */
function memoized(memo: AtomMemo, active: readonly OrderedRule[], count: number): Outcome[] {
  let hash = count;
  for (let i = 0; i < count; i++) hash = Math.imul(hash ^ (active[i] as OrderedRule).uid, 0x01000193);
  let bucket = memo.get(hash);
  if (bucket) {
    for (const entry of bucket) {
      if (entry.uids.length !== count) continue;
      let same = true;
      for (let i = 0; i < count && same; i++) same = entry.uids[i] === (active[i] as OrderedRule).uid;
      if (same) return entry.outcomes;
    }
  } else memo.set(hash, (bucket = []));
  const rules = active.slice(0, count);
  const outcomes = decideAtom(rules);
  bucket.push({ uids: rules.map((rule) => rule.uid), outcomes });
  return outcomes;
}

/**
 * Sweep-line over port boundaries: at each atom the active rules are exactly those covering it,
 * kept in evaluation order and updated only where rules start or end (a group of a thousand
 * rules has thousands of atoms; rescanning every rule per atom was quadratic).
 */
function sweepPorts(memo: AtomMemo, applicable: readonly OrderedRule[], selected: Uint8Array | undefined, visit: (o: readonly Outcome[], s: number, e: number) => void): void {
  const domainStart = PortSet.ALL.bounds[0] as number;
  const domainEnd = PortSet.ALL.bounds[1] as number;
  const count = applicable.length;
  // A rule's port set is one range (PortSet.range), so two numbers say whether it covers an atom.
  // Typed arrays sort numerically without a comparator call per step (this runs once per protocol
  // and evaluation).
  const starts = new Float64Array(count);
  const ends = new Float64Array(count);
  const cuts = new Float64Array(2 * count + 2);
  cuts[0] = domainStart;
  cuts[1] = domainEnd;
  let integral = true;
  for (let k = 0; k < count; k++) {
    const rule = applicable[k] as OrderedRule;
    const start = rule.portStart;
    const end = rule.portEnd;
    starts[k] = start;
    ends[k] = end;
    cuts[2 * k + 2] = start;
    cuts[2 * k + 3] = end;
    integral &&= Number.isInteger(start) && start >= 0 && start < 2 ** 31;
  }
  cuts.sort();
  // Only the sequence of end values matters (how many rules ended by a cut), not which rules.
  const endsInOrder = ends.slice().sort();
  const byStart = startOrder(starts, integral);
  const activeIndexes: number[] = [];
  const active: OrderedRule[] = [];
  let nextStart = 0;
  let nextEnd = 0;
  // How many active rules the caller selected (all of them without `selected`).
  let activeSelected = 0;
  for (let c = 0; c + 1 < cuts.length; c++) {
    const start = cuts[c] as number;
    const end = cuts[c + 1] as number;
    if (start === end) continue;
    let ended = false;
    while (nextEnd < count && (endsInOrder[nextEnd] as number) <= start) {
      nextEnd++;
      ended = true;
    }
    if (ended) {
      let kept = 0;
      for (const k of activeIndexes) {
        if ((ends[k] as number) > start) activeIndexes[kept++] = k;
        else if (!selected || selected[k]) activeSelected--;
      }
      activeIndexes.length = kept;
    }
    while (nextStart < count && (starts[byStart[nextStart] as number] as number) <= start) {
      const k = byStart[nextStart++] as number;
      if ((ends[k] as number) > start) {
        insertSorted(activeIndexes, k);
        if (!selected || selected[k]) activeSelected++;
      }
    }
    if (activeSelected === 0 && selected) continue;
    for (let i = 0; i < activeIndexes.length; i++) active[i] = applicable[activeIndexes[i] as number] as OrderedRule;
    visit(memoized(memo, active, activeIndexes.length), start, end);
  }
}

/**
 * Rule indexes by start port. Ties in any order: the sweep inserts into the active list by index.
 * Integral starts (always, for valid ports) sort as `start * 2^21 + index` in one typed sort.
 */
function startOrder(starts: Float64Array, integral: boolean): ArrayLike<number> {
  const count = starts.length;
  if (!integral || count >= 2 ** 21) return Array.from({ length: count }, (_, k) => k).sort((a, b) => (starts[a] as number) - (starts[b] as number));
  const keys = new Float64Array(count);
  for (let k = 0; k < count; k++) keys[k] = (starts[k] as number) * 2 ** 21 + k;
  keys.sort();
  const order = new Int32Array(count);
  for (let k = 0; k < count; k++) order[k] = (keys[k] as number) % 2 ** 21;
  return order;
}

function insertSorted(list: number[], value: number): void {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((list[mid] as number) < value) low = mid + 1;
    else high = mid;
  }
  list.splice(low, 0, value);
}

/** On one atom: each rule in order decides its peers that no earlier rule decided. */
function decideAtom(active: readonly OrderedRule[]): Outcome[] {
  const outcomes: Outcome[] = [];
  let undecided = AddressSet.ALL;
  for (const rule of active) {
    // Tested before computing: most rules on an atom either miss what is undecided or lie inside it.
    if (!undecided.intersects(rule.peers)) continue;
    const decided = undecided.covers(rule.peers) ? rule.peers : undecided.intersect(rule.peers);
    outcomes.push({ rule, peers: decided });
    undecided = undecided.subtract(rule.peers);
    if (undecided.isEmpty()) break;
  }
  if (!undecided.isEmpty()) outcomes.push({ rule: DEFAULT, peers: undecided });
  return outcomes;
}

class Piece implements PolicyPiece {
  readonly peers: AddressSet;
  readonly decision: Policy;
  private passedCache: RuleRef[] | undefined;
  constructor(
    private readonly rules: readonly OrderedRule[],
    readonly protocol: EvalProtocol,
    private readonly bit: number,
    readonly ports: PortSet,
    private readonly outcome: Outcome,
    private readonly defaultRef: RuleRef,
  ) {
    this.peers = outcome.peers;
    this.decision = outcome.rule === DEFAULT ? defaultRef.policy : outcome.rule.policy;
  }
  /** The rule's witness is built when a caller first reads it. */
  get decidedBy(): RuleRef {
    return this.outcome.rule === DEFAULT ? this.defaultRef : this.outcome.rule.ref;
  }
  get passed(): RuleRef[] {
    this.passedCache ??= passedRules(this.rules, this.bit, this.ports, this.outcome);
    return this.passedCache;
  }
}

function passedRules(rules: readonly OrderedRule[], bit: number, ports: PortSet, outcome: Outcome): RuleRef[] {
  const limit = outcome.rule === DEFAULT ? rules.length : rules.indexOf(outcome.rule);
  const deciderPeers = outcome.rule === DEFAULT ? AddressSet.ALL : outcome.rule.peers;
  const ported = (bit & PORTED_MASK) !== 0;
  const result: RuleRef[] = [];
  // A multiport rule is one compiled rule per range: name it once, and never as passing itself.
  const named = new Set<Rule | undefined>(outcome.rule === DEFAULT ? [] : [outcome.rule.rule]);
  for (let i = 0; i < limit; i++) {
    const rule = rules[i] as OrderedRule;
    if ((rule.mask & bit) === 0) continue;
    if (ported && !rule.ports.intersects(ports)) continue;
    if (!rule.peers.intersects(deciderPeers)) continue;
    if (rule.rule !== undefined) {
      if (named.has(rule.rule)) continue;
      named.add(rule.rule);
    }
    result.push(rule.ref);
  }
  return result;
}

export interface AcceptedPiece {
  protocol: EvalProtocol;
  ports: PortSet;
  peers: AddressSet;
  piece: PolicyPiece;
}

/** The accepted traffic whose peers fall in `filter`, optionally only from rules with the given peer kinds. */
export function acceptedFrom(policy: EffectivePolicy, filter: AddressSet, options: { peerKinds?: readonly PeerKind[] } = {}): AcceptedPiece[] {
  const result: AcceptedPiece[] = [];
  for (const piece of policy.pieces) {
    if (piece.decision !== 'accept') continue;
    if (options.peerKinds && !options.peerKinds.includes(piece.decidedBy.peerKind)) continue;
    const peers = piece.peers.intersect(filter);
    if (!peers.isEmpty()) result.push({ protocol: piece.protocol, ports: piece.ports, peers, piece });
  }
  return result;
}

/** Peer kinds that can stand for internet addresses: a group reference never does. */
export const PUBLIC_PEER_KINDS: readonly PeerKind[] = ['cidr', 'prefixList', 'addressGroup', 'any'];

/**
 * The rules whose pieces `publicAccepted` can keep (accept, a peer kind that can be public, some
 * public address): an evaluation with this filter gives exactly the pieces publicAccepted needs
 * (PolicyEvaluator.evaluate with publicAcceptsOnly). One filter per evaluator (it caches per rule uid).
 */
export function publicAcceptDeciders(): DeciderFilter {
  const selectedByUid = new Map<number, boolean>();
  const selects: DeciderFilter = ({ policy, peerKind, peers }) => policy === 'accept' && PUBLIC_PEER_KINDS.includes(peerKind) && peers.intersects(PUBLIC_SPACE);
  return (decider) => {
    if (decider.uid === undefined) return selects(decider);
    let selected = selectedByUid.get(decider.uid);
    if (selected === undefined) selectedByUid.set(decider.uid, (selected = selects(decider)));
    return selected;
  };
}

/** Accepted traffic from public addresses. */
export function publicAccepted(policy: EffectivePolicy, filter: AddressSet = PUBLIC_SPACE): AcceptedPiece[] {
  return acceptedFrom(policy, filter.intersect(PUBLIC_SPACE), { peerKinds: PUBLIC_PEER_KINDS });
}

/** The piece that decides one packet (protocol, destination port for ingress / any for portless protocols, peer address). */
export function decisionFor(policy: EffectivePolicy, protocol: EvalProtocol, port: number, address: string): PolicyPiece | undefined {
  const host = AddressSet.parse(address);
  if (!host) return undefined;
  return policy.pieces.find(
    (piece) => piece.protocol === protocol && (!PORT_PROTOCOLS.has(protocol) || piece.ports.contains(port)) && piece.peers.covers(host),
  );
}

export type { EvalProtocol, OrderedRule, PeerKind } from './rule-order.js';
export { EVAL_PROTOCOLS, PORT_PROTOCOLS } from './rule-order.js';
