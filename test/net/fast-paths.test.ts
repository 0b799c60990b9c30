import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { AddressSet, parsePlainV4 } from '../../src/analyze/net/address-set.js';
import { EVAL_PROTOCOLS, PORT_PROTOCOLS, type EvalProtocol } from '../../src/analyze/net/evaluate.js';
import { touchedSpecs } from '../../src/analyze/net/exposure.js';
import { PortSet } from '../../src/analyze/net/port-set.js';
import type { PortSpec } from '../../src/config/settings.js';
import type { PortRange, Protocol } from '../../src/model/snapshot.js';

/** What parsing meant before the dotted-quad fast path: ipaddr.js, network of the CIDR. */
function referenceV4(text: string): [number, number] | undefined {
  try {
    const [address, prefix] = text.includes('/') ? ipaddr.parseCIDR(text) : [ipaddr.parse(text), 32];
    if (address.kind() !== 'ipv4') return undefined;
    const value = address.toByteArray().reduce((n, byte) => n * 256 + byte, 0);
    const size = 2 ** (32 - prefix);
    const start = Math.floor(value / size) * size;
    return [start, start + size];
  } catch {
    return undefined;
  }
}

const octet = fc.oneof(fc.integer({ min: 0, max: 255 }).map(String), fc.constantFrom('256', '300', '010', '00', '0x1f', '-1', ''));
const prefix = fc.oneof(fc.constant(''), fc.integer({ min: 0, max: 32 }).map((n) => `/${n}`), fc.constantFrom('/33', '/08', '/', '/x', '/032'));
const v4Text = fc.tuple(octet, octet, octet, octet, prefix).map(([a, b, c, d, p]) => `${a}.${b}.${c}.${d}${p}`);

describe('IPv4 parsing fast path', () => {
  it('agrees with ipaddr.js on plain, odd and invalid dotted quads', () => {
    fc.assert(
      fc.property(v4Text, (text) => {
        const parsed = AddressSet.parse(text);
        const reference = referenceV4(text);
        if (reference === undefined) expect(parsed?.v4.length ?? 0, text).toBe(0);
        else expect(parsed?.v4, text).toEqual(reference);
      }),
      { numRuns: 3000 },
    );
  });

  it('reads exactly the plain dotted quads the documented pattern describes, with their value', () => {
    // The scanner replaced this expression; it must accept the same texts.
    const plain = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})(?:\/(0|[1-9]\d?))?$/;
    const oddText = fc.oneof(v4Text, fc.string({ maxLength: 20 }), fc.constantFrom('1.2.3', '1.2.3.4.5', '1..2.3', ' 1.2.3.4', '1.2.3.4 ', '1.2.3.4/', '1.2.3.4/1/'));
    fc.assert(
      fc.property(oddText, (text) => {
        const match = plain.exec(text);
        const octets = match ? match.slice(1, 5).map(Number) : [];
        const prefixLength = match?.[5] === undefined ? 32 : Number(match[5]);
        const expected = match && octets.every((o) => o <= 255) && prefixLength <= 32 ? { address: octets.reduce((n, o) => n * 256 + o, 0), prefix: prefixLength } : undefined;
        expect(parsePlainV4(text), text).toEqual(expected);
      }),
      { numRuns: 5000 },
    );
  });

  it.each([
    ['10.0.0.1/8', [0x0a000000, 0x0b000000]],
    ['0.0.0.0/0', [0, 2 ** 32]],
    ['255.255.255.255', [2 ** 32 - 1, 2 ** 32]],
    ['1.0.0.0/1', [0, 2 ** 31]],
  ] as const)('%s', (text, bounds) => {
    expect(AddressSet.cidr(text).v4).toEqual(bounds);
  });
});

describe('toCidrs on wide ranges', () => {
  const v4Bounds = fc.tuple(fc.integer({ min: 0, max: 2 ** 32 }), fc.integer({ min: 0, max: 2 ** 32 })).filter(([a, b]) => a !== b);
  it('IPv4: blocks are aligned, in order, and tile the interval exactly', () => {
    fc.assert(
      fc.property(v4Bounds, ([a, b]) => {
        const [start, end] = a < b ? [a, b] : [b, a];
        const set = AddressSet.fromBounds([start, end], []);
        let cursor = start;
        for (const cidr of set.toCidrs()) {
          const block = AddressSet.cidr(cidr);
          expect(block.v4[0], cidr).toBe(cursor);
          const size = (block.v4[1] as number) - cursor;
          // Maximal: doubling the block would misalign it or overrun the end.
          expect(cursor % (size * 2) !== 0 || cursor + size * 2 > end, cidr).toBe(true);
          cursor = block.v4[1] as number;
        }
        expect(cursor).toBe(end);
      }),
    );
  });

  const v6Bound = fc.bigInt({ min: 0n, max: 1n << 128n });
  it('IPv6: blocks tile the interval exactly and are maximal', () => {
    fc.assert(
      fc.property(v6Bound, v6Bound, (a, b) => {
        fc.pre(a !== b);
        const [start, end] = a < b ? [a, b] : [b, a];
        const cidrs = AddressSet.fromBounds([], [start, end]).toCidrs();
        let cursor = start;
        let previousPrefix = -1;
        for (const cidr of cidrs) {
          const block = AddressSet.cidr(cidr);
          expect(block.v6[0], cidr).toBe(cursor);
          const size = (block.v6[1] as bigint) - cursor;
          // Maximal: doubling the block would misalign it or overrun the end.
          expect(cursor % (size * 2n) !== 0n || cursor + size * 2n > end, cidr).toBe(true);
          previousPrefix = Number(cidr.split('/')[1]);
          cursor = block.v6[1] as bigint;
        }
        expect(previousPrefix).toBeGreaterThanOrEqual(0);
        expect(cursor).toBe(end);
      }),
    );
  });

  it('the whole IPv6 space is ::/0', () => {
    expect(AddressSet.ALL_V6.toCidrs()).toEqual(['::/0']);
    expect(AddressSet.ALL_V4.toCidrs()).toEqual(['0.0.0.0/0']);
  });
});

/** What touchedSpecs meant before it compared bounds: PortSets per spec and protocol. */
function referenceTouched(specs: readonly PortSpec[], protocol: Protocol, ports: PortRange): PortSpec[] {
  const range = PortSet.range(ports.from, ports.to);
  const protocols: readonly EvalProtocol[] = protocol === 'all' ? EVAL_PROTOCOLS : [protocol];
  const specPorts = (spec: PortSpec, p: EvalProtocol) =>
    spec.protocol !== 'all' && spec.protocol !== p ? PortSet.EMPTY : PORT_PROTOCOLS.has(p) ? PortSet.range(spec.from, spec.to) : PortSet.ALL;
  return specs.filter((spec) => protocols.some((p) => specPorts(spec, p).intersects(PORT_PROTOCOLS.has(p) ? range : PortSet.ALL)));
}

const protocolArb = fc.constantFrom<Protocol>('tcp', 'udp', 'icmp', 'icmpv6', 'gre', 'all');
const portArb = fc.oneof(fc.integer({ min: -2, max: 70 }), fc.integer({ min: 65530, max: 65540 }));
const specArb = fc.record({ protocol: protocolArb, from: portArb, to: portArb });

describe('touchedSpecs', () => {
  it('agrees with the PortSet formulation, odd and empty ranges included', () => {
    fc.assert(
      fc.property(fc.array(specArb, { maxLength: 6 }), protocolArb, portArb, portArb, (specs, protocol, from, to) => {
        expect(touchedSpecs(specs, protocol, { from, to })).toEqual(referenceTouched(specs, protocol, { from, to }));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('AddressSet.unionAll of many sets', () => {
  const cidr = fc.oneof(
    fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 8, max: 32 })).map(([a, b, p]) => `10.${a}.${b}.0/${p}`),
    fc.tuple(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 16, max: 128 })).map(([a, p]) => `2001:db8:${a.toString(16)}::/${p}`),
  );
  it('merging in pairs gives the set a left-to-right union gives', () => {
    fc.assert(
      fc.property(fc.array(cidr, { minLength: 9, maxLength: 40 }), (texts) => {
        const sets = texts.map((text) => AddressSet.cidr(text));
        const sequential = sets.reduce((union, set) => union.union(set), AddressSet.EMPTY);
        const merged = AddressSet.unionAll(sets);
        expect([merged.v4, merged.v6]).toEqual([sequential.v4, sequential.v6]);
      }),
      { numRuns: 300 },
    );
  });
});
