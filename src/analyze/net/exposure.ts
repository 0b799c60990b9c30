import type { PortRange, Protocol } from '../../model/snapshot.js';
import type { PortSpec } from '../../config/settings.js';
import { AddressSet, type CidrCovers } from './address-set.js';
import type { AcceptedPiece } from './evaluate.js';
import { MAX_PORT, MIN_PORT, PortSet } from './port-set.js';
import { PUBLIC_SPACE } from './public.js';
import { EVAL_PROTOCOLS, PORT_PROTOCOLS, type EvalProtocol } from './rule-order.js';
import { pushTo } from '../../util/multimap.js';

/** One maximal exposed range: what a single exposure finding reports. */
export interface ExposedRange {
  /** `all` when every protocol is exposed on every port (one finding instead of six). */
  protocol: Protocol | EvalProtocol;
  ports: PortRange;
  sources: AddressSet;
  pieces: AcceptedPiece[];
}

function specPorts(spec: PortSpec, protocol: EvalProtocol): PortSet {
  if (spec.protocol !== 'all' && spec.protocol !== protocol) return PortSet.EMPTY;
  return PORT_PROTOCOLS.has(protocol) ? PortSet.range(spec.from, spec.to) : PortSet.ALL;
}

/** The ports of `protocol` the specs name (protocols without ports: all or nothing). */
function portsOfSpecs(specs: readonly PortSpec[], protocol: EvalProtocol): PortSet {
  let result = PortSet.EMPTY;
  for (const spec of specs) result = result.union(specPorts(spec, protocol));
  return result;
}

/**
 * The specs (e.g. sensitive ports) an exposed (protocol, ports) touches: `specPorts(spec, p)`
 * meets the range (all ports for protocols without them) on one of the protocols. Compared as
 * clamped bounds, not PortSets: this runs for every exposed range against ~30 specs.
 */
export function touchedSpecs(specs: readonly PortSpec[], protocol: Protocol | EvalProtocol, ports: PortRange): PortSpec[] {
  const protocols: readonly EvalProtocol[] = protocol === 'all' ? EVAL_PROTOCOLS : [protocol];
  // Plain loops: a closure per spec and protocol was most of this function's garbage on large estates.
  const touched: PortSpec[] = [];
  for (const spec of specs) {
    for (const p of protocols) {
      if ((spec.protocol === 'all' || spec.protocol === p) && (!PORT_PROTOCOLS.has(p) || rangesMeet(spec.from, spec.to, ports.from, ports.to))) {
        touched.push(spec);
        break;
      }
    }
  }
  return touched;
}

/** PortSet.range(aFrom, aTo).intersects(PortSet.range(bFrom, bTo)), without building either. */
function rangesMeet(aFrom: number, aTo: number, bFrom: number, bTo: number): boolean {
  const aStart = Math.max(MIN_PORT, aFrom);
  const aEnd = Math.min(MAX_PORT, aTo) + 1;
  const bStart = Math.max(MIN_PORT, bFrom);
  const bEnd = Math.min(MAX_PORT, bTo) + 1;
  return aStart < aEnd && bStart < bEnd && aStart < bEnd && bStart < aEnd;
}

/**
 * ICMP is an IPv4 protocol and ICMPv6 an IPv6 one: an ALL rule from `0.0.0.0/0` admits no
 * ICMPv6, and one from `::/0` no ICMP, whatever the evaluator's protocol axis says.
 */
function familyPeers(protocol: EvalProtocol, peers: AddressSet): AddressSet {
  if (protocol === 'icmp') return peers.ipv4();
  if (protocol === 'icmpv6') return peers.ipv6();
  return peers;
}

/** The accepted pieces of one protocol, their peers limited to the families that protocol exists in. */
function piecesByProtocol(accepted: readonly AcceptedPiece[]): Map<EvalProtocol, AcceptedPiece[]> {
  const byProtocol = new Map<EvalProtocol, AcceptedPiece[]>();
  for (const piece of accepted) {
    const peers = familyPeers(piece.protocol, piece.peers);
    if (peers.isEmpty()) continue;
    const kept = peers === piece.peers ? piece : { ...piece, peers };
    const list = byProtocol.get(piece.protocol);
    if (list) list.push(kept);
    else byProtocol.set(piece.protocol, [kept]);
  }
  return byProtocol;
}

/**
 * Cuts the ports of one protocol into maximal ranges on which the accepted sources are the same
 * set: every port of a range is reachable from exactly `sources`, so its breadth (and severity)
 * is true of each port, and a partner /24 on tcp 3306 is never merged into an open tcp 3300-3310.
 * Ports in `excluded` (allowed public ports) are left out. Protocols without ports are one range.
 */
function uniformRanges(protocol: EvalProtocol, pieces: readonly AcceptedPiece[], excluded: PortSet): ExposedRange[] {
  if (!PORT_PROTOCOLS.has(protocol)) {
    if (!excluded.isEmpty()) return [];
    return [{ protocol, ports: { from: MIN_PORT, to: MAX_PORT }, sources: AddressSet.unionAll(pieces.map((p) => p.peers)), pieces: [...pieces] }];
  }
  if (pieces.length === 1) {
    const only = pieces[0] as AcceptedPiece;
    return only.ports
      .subtract(excluded)
      .ranges()
      .map((ports) => ({ protocol, ports, sources: only.peers, pieces: [only] }));
  }
  // A sweep over the port axis: the pieces that start or end at each cut update the active set,
  // and the sources are re-unioned only where that set changed.
  const starts = new Map<number, AcceptedPiece[]>();
  const ends = new Map<number, AcceptedPiece[]>();
  const cuts = new Set<number>(excluded.bounds);
  for (const piece of pieces) {
    const { bounds } = piece.ports;
    for (let i = 0; i < bounds.length; i += 2) {
      const from = bounds[i] as number;
      const to = bounds[i + 1] as number;
      pushTo(starts, from, piece);
      pushTo(ends, to, piece);
      cuts.add(from);
      cuts.add(to);
    }
  }
  const sorted = [...cuts].sort((a, b) => a - b);
  const active = new Set<AcceptedPiece>();
  let activeSources = AddressSet.EMPTY;
  const result: ExposedRange[] = [];
  let open: { from: number; end: number; sources: AddressSet; pieces: AcceptedPiece[] } | undefined;
  const close = () => {
    if (open) result.push({ protocol, ports: { from: open.from, to: open.end - 1 }, sources: open.sources, pieces: open.pieces });
    open = undefined;
  };
  for (let i = 0; i + 1 < sorted.length; i++) {
    const start = sorted[i] as number;
    const end = sorted[i + 1] as number;
    const ending = ends.get(start);
    const starting = starts.get(start);
    if (ending) for (const piece of ending) active.delete(piece);
    if (starting) for (const piece of starting) active.add(piece);
    if (ending || starting) activeSources = AddressSet.unionAll([...active].map((piece) => piece.peers));
    if (active.size === 0 || excluded.contains(start)) {
      close();
      continue;
    }
    if (open && open.end === start && open.sources.equals(activeSources)) {
      open.end = end;
      for (const piece of active) if (!open.pieces.includes(piece)) open.pieces.push(piece);
      continue;
    }
    close();
    open = { from: start, end, sources: activeSources, pieces: [...active] };
  }
  close();
  return result;
}


/**
 * The exposed ranges of accepted pieces: per protocol, maximal port ranges with one source set
 * each (see uniformRanges), after removing the allowed ports. When every protocol is open on
 * every port to the same sources (an ALL rule nothing overrides), one `all` range instead of six.
 * Partly overridden ALL rules leave their residue per protocol, `other` (GRE aside, every IP
 * protocol without a name here: ESP, SCTP …) included, ICMP only for IPv4 sources and ICMPv6
 * only for IPv6 ones.
 */
export function exposedRanges(accepted: readonly AcceptedPiece[], allowed: readonly PortSpec[]): ExposedRange[] {
  const byProtocol = piecesByProtocol(accepted);
  const everything = openEverywhere(byProtocol);
  if (everything) {
    const allowedEverything = EVAL_PROTOCOLS.every((p) => portsOfSpecs(allowed, p).isAll());
    if (allowedEverything) return [];
    return [{ protocol: 'all', ports: { from: MIN_PORT, to: MAX_PORT }, sources: everything, pieces: [...byProtocol.values()].flat() }];
  }
  const result: ExposedRange[] = [];
  for (const protocol of EVAL_PROTOCOLS) {
    const pieces = byProtocol.get(protocol);
    if (pieces) result.push(...uniformRanges(protocol, pieces, portsOfSpecs(allowed, protocol)));
  }
  return result;
}

/** The sources when every protocol is accepted on every port from the same sources (per family for the ICMPs); else undefined. */
function openEverywhere(byProtocol: Map<EvalProtocol, AcceptedPiece[]>): AddressSet | undefined {
  const tcp = byProtocol.get('tcp');
  if (!tcp) return undefined;
  // Cheap refusals first: most policies lack a protocol or leave ports of tcp or udp closed.
  for (const protocol of ['udp', 'gre', 'other'] as const) if (!byProtocol.has(protocol)) return undefined;
  for (const pieces of [tcp, byProtocol.get('udp') ?? []]) if (!pieces.reduce((ports, piece) => ports.union(piece.ports), PortSet.EMPTY).isAll()) return undefined;
  const whole = uniformRanges('tcp', tcp, PortSet.EMPTY);
  const first = whole[0];
  if (whole.length !== 1 || !first || first.ports.from !== MIN_PORT || first.ports.to !== MAX_PORT) return undefined;
  const sources = first.sources;
  for (const protocol of EVAL_PROTOCOLS) {
    const expected = familyPeers(protocol, sources);
    const pieces = byProtocol.get(protocol);
    if (expected.isEmpty()) {
      if (pieces) return undefined;
      continue;
    }
    if (!pieces) return undefined;
    const ranges = uniformRanges(protocol, pieces, PortSet.EMPTY);
    const only = ranges[0];
    if (ranges.length !== 1 || !only || only.ports.from !== MIN_PORT || only.ports.to !== MAX_PORT || !only.sources.equals(expected)) return undefined;
  }
  return sources;
}

/** `tcp 22`, `tcp 1-65535`, `icmp`, `all protocols`: for messages. */
export function describeExposure(protocol: Protocol | EvalProtocol, ports: PortRange): string {
  if (protocol === 'all') return 'all protocols and ports';
  if (protocol === 'other') return 'other IP protocols (ESP, SCTP …)';
  if (protocol !== 'tcp' && protocol !== 'udp') return protocol;
  return ports.from === ports.to ? `${protocol} ${ports.from}` : `${protocol} ${ports.from}-${ports.to}`;
}

/**
 * The shortest honest description of accepted public sources: the exact public cover, unless
 * filling the non-public holes back in (within what the deciding rules named) is shorter —
 * `0.0.0.0/0` reads better than the 51 blocks of its public part, and the private addresses it
 * adds back are not internet sources anyway. Uncapped: findings show it capped twice (message,
 * detail), so compute it once.
 */
export function sourceCidrs(publicSources: AddressSet, pieces: readonly AcceptedPiece[], covers?: CidrCovers): string[] {
  const named = AddressSet.unionAll(pieces.map((p) => p.piece.peers));
  const filled = publicSources.union(named.subtract(PUBLIC_SPACE)).toCidrs(covers);
  // The exact cover has at least one block per interval: skip computing it when it cannot win.
  const exactIntervals = (publicSources.v4.length + publicSources.v6.length) / 2;
  if (filled.length <= exactIntervals) return filled;
  const exact = publicSources.toCidrs(covers);
  return filled.length < exact.length ? filled : exact;
}

/**
 * The sources for a reader, in the shortest faithful form: the printed list (`sourceCidrs`), or
 * the deciding rules' CIDRs minus the public addresses they do not admit here —
 * `0.0.0.0/0 except 198.51.100.0/24` reads better than the 30 blocks around the hole. Private
 * holes are not mentioned: they are not internet sources either way.
 */
export function readableSources(publicSources: AddressSet, pieces: readonly AcceptedPiece[], printed: readonly string[], covers?: CidrCovers): string[] {
  const named: AddressSet[] = [];
  for (const { piece } of pieces) {
    const ref = piece.decidedBy;
    if (ref.peerKind !== 'cidr') return [...printed];
    for (const text of ref.peer.split(', ')) {
      const parsed = AddressSet.parse(text);
      if (parsed) named.push(parsed);
    }
  }
  let base = AddressSet.unionAll(named);
  if (publicSources.v6.length === 0) base = base.ipv4();
  if (publicSources.v4.length === 0) base = base.ipv6();
  const holes = base.intersect(PUBLIC_SPACE).subtract(publicSources);
  const baseCidrs = base.toCidrs(covers);
  if (holes.isEmpty()) return printed.length <= baseCidrs.length ? [...printed] : baseCidrs;
  const holeCidrs = holes.toCidrs(covers);
  if (baseCidrs.length + holeCidrs.length >= printed.length) return [...printed];
  return [`${baseCidrs.join(', ')} except ${capList(holeCidrs, 5).join(', ')}`];
}

export function capList(cidrs: string[], max: number): string[] {
  return cidrs.length <= max ? cidrs : [...cidrs.slice(0, max), `… ${cidrs.length - max} more`];
}

/** CIDRs for display, capped so one finding stays readable; deterministic so fingerprints are stable. */
export function displayCidrs(set: AddressSet, max = 20): string[] {
  return capList(set.toCidrs(), max);
}
