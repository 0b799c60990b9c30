import type { PortRange, Protocol } from '../../model/snapshot.js';
import type { PortSpec } from '../checks/types.js';
import { AddressSet } from './address-set.js';
import type { AcceptedPiece } from './evaluate.js';
import { MAX_PORT, MIN_PORT, PortSet } from './port-set.js';
import { PUBLIC_SPACE } from './public.js';
import { EVAL_PROTOCOLS, PORT_PROTOCOLS, type EvalProtocol } from './rule-order.js';

/** One maximal exposed range: what a single exposure finding reports. */
export interface ExposedRange {
  /** `all` when every protocol is exposed on every port (one finding instead of five). */
  protocol: Protocol;
  ports: PortRange;
  sources: AddressSet;
  pieces: AcceptedPiece[];
}

function specPorts(spec: PortSpec, protocol: EvalProtocol): PortSet {
  if (spec.protocol !== 'all' && spec.protocol !== protocol) return PortSet.EMPTY;
  return PORT_PROTOCOLS.has(protocol) ? PortSet.range(spec.from, spec.to) : PortSet.ALL;
}

/** The ports of `protocol` the specs name (protocols without ports: all or nothing). */
export function portsOfSpecs(specs: readonly PortSpec[], protocol: EvalProtocol): PortSet {
  let result = PortSet.EMPTY;
  for (const spec of specs) result = result.union(specPorts(spec, protocol));
  return result;
}

/**
 * The specs (e.g. sensitive ports) an exposed (protocol, ports) touches: `specPorts(spec, p)`
 * meets the range (all ports for protocols without them) on one of the protocols. Compared as
 * clamped bounds, not PortSets: this runs for every exposed range against ~30 specs.
 */
export function touchedSpecs(specs: readonly PortSpec[], protocol: Protocol, ports: PortRange): PortSpec[] {
  const protocols: readonly EvalProtocol[] = protocol === 'all' ? EVAL_PROTOCOLS : [protocol];
  // Plain loops: closures per spec and protocol were ~100 MB of garbage at 50k instances.
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
 * Groups accepted pieces into maximal exposed ranges per protocol, after removing the allowed
 * ports; adjacent ranges from different rules merge. When all protocols are open on all ports
 * (protocol ALL rules) the result is a single `all` range.
 */
export function exposedRanges(accepted: readonly AcceptedPiece[], allowed: readonly PortSpec[]): ExposedRange[] {
  const byProtocol = new Map<EvalProtocol, AcceptedPiece[]>();
  for (const piece of accepted) {
    const list = byProtocol.get(piece.protocol);
    if (list) list.push(piece);
    else byProtocol.set(piece.protocol, [piece]);
  }
  const portsOf = (pieces: readonly AcceptedPiece[]) => pieces.reduce((set, piece) => set.union(piece.ports), PortSet.EMPTY);
  const everything = EVAL_PROTOCOLS.every((p) => portsOf(byProtocol.get(p) ?? []).isAll());
  if (everything) {
    const allowedEverything = EVAL_PROTOCOLS.every((p) => portsOfSpecs(allowed, p).isAll());
    if (allowedEverything) return [];
    return [{ protocol: 'all', ports: { from: 1, to: 65535 }, sources: AddressSet.unionAll(accepted.map((p) => p.peers)), pieces: [...accepted] }];
  }
  const result: ExposedRange[] = [];
  for (const protocol of EVAL_PROTOCOLS) {
    const pieces = byProtocol.get(protocol);
    if (!pieces) continue;
    const exposed = portsOf(pieces).subtract(portsOfSpecs(allowed, protocol));
    for (const range of exposed.ranges()) {
      const rangeSet = PortSet.range(range.from, range.to);
      const overlapping = pieces.filter((piece) => piece.ports.intersects(rangeSet));
      result.push({ protocol, ports: range, sources: AddressSet.unionAll(overlapping.map((p) => p.peers)), pieces: overlapping });
    }
  }
  return result;
}

/** `tcp 22`, `tcp 1-65535`, `icmp`, `all protocols`: for messages. */
export function describeExposure(protocol: Protocol, ports: PortRange): string {
  if (protocol === 'all') return 'all protocols and ports';
  if (protocol !== 'tcp' && protocol !== 'udp') return protocol;
  return ports.from === ports.to ? `${protocol} ${ports.from}` : `${protocol} ${ports.from}-${ports.to}`;
}

/**
 * The shortest honest description of accepted public sources: the exact public cover, unless
 * filling the non-public holes back in (within what the deciding rules named) is shorter —
 * `0.0.0.0/0` reads better than the 51 blocks of its public part, and the private addresses it
 * adds back are not internet sources anyway.
 */
export function describeSources(publicSources: AddressSet, pieces: readonly AcceptedPiece[], max = 20): string[] {
  return capList(sourceCidrs(publicSources, pieces), max);
}

/** describeSources without the cap: findings show it capped twice (message, detail), so compute it once. */
export function sourceCidrs(publicSources: AddressSet, pieces: readonly AcceptedPiece[]): string[] {
  const named = AddressSet.unionAll(pieces.map((p) => p.piece.peers));
  const filled = publicSources.union(named.subtract(PUBLIC_SPACE)).toCidrs();
  // The exact cover has at least one block per interval: skip computing it when it cannot win.
  const exactIntervals = (publicSources.v4.length + publicSources.v6.length) / 2;
  if (filled.length <= exactIntervals) return filled;
  const exact = publicSources.toCidrs();
  return filled.length < exact.length ? filled : exact;
}

export function capList(cidrs: string[], max: number): string[] {
  return cidrs.length <= max ? cidrs : [...cidrs.slice(0, max), `… ${cidrs.length - max} more`];
}

/** CIDRs for display, capped so one finding stays readable; deterministic so fingerprints are stable. */
export function displayCidrs(set: AddressSet, max = 20): string[] {
  return capList(set.toCidrs(), max);
}
