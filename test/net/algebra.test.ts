import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AddressSet } from '../../src/analyze/net/address-set.js';
import { PortSet } from '../../src/analyze/net/port-set.js';
import { isPublic, publicPart } from '../../src/analyze/net/public.js';

/** Brute force over 10.1.2.0/24: a set is its membership bitmap of the 256 addresses. */
const BASE = '10.1.2.';
const cidrIn24 = fc.record({ host: fc.integer({ min: 0, max: 255 }), prefix: fc.integer({ min: 24, max: 32 }) }).map(({ host, prefix }) => `${BASE}${host}/${prefix}`);
const setIn24 = fc.array(cidrIn24, { maxLength: 6 });

function build(cidrs: string[]): AddressSet {
  return AddressSet.unionAll(cidrs.map((c) => AddressSet.cidr(c)));
}
function members(cidrs: string[]): boolean[] {
  const result = new Array<boolean>(256).fill(false);
  for (const cidr of cidrs) {
    const [ip, prefixText] = cidr.split('/') as [string, string];
    const host = Number(ip.split('.')[3]);
    const size = 2 ** (32 - Number(prefixText));
    const start = Math.floor(host / size) * size;
    for (let i = start; i < start + size; i++) result[i] = true;
  }
  return result;
}
function bitmap(set: AddressSet): boolean[] {
  return Array.from({ length: 256 }, (_, i) => set.contains(`${BASE}${i}`));
}
/** The fewest CIDR blocks whose union is exactly the bitmap (recursion over aligned halves). */
function minimalCover(bits: boolean[], start = 0, size = 256): number {
  const slice = bits.slice(start, start + size);
  if (slice.every(Boolean)) return 1;
  if (!slice.some(Boolean)) return 0;
  return minimalCover(bits, start, size / 2) + minimalCover(bits, start + size / 2, size / 2);
}

describe('AddressSet against brute force on a /24', () => {
  it('union, intersection, difference, contains, size', () => {
    fc.assert(
      fc.property(setIn24, setIn24, (a, b) => {
        const setA = build(a);
        const setB = build(b);
        const bitsA = members(a);
        const bitsB = members(b);
        expect(bitmap(setA.union(setB))).toEqual(bitsA.map((x, i) => x || bitsB[i]));
        expect(bitmap(setA.intersect(setB))).toEqual(bitsA.map((x, i) => x && bitsB[i]));
        expect(bitmap(setA.subtract(setB))).toEqual(bitsA.map((x, i) => x && !bitsB[i]));
        expect(setA.intersects(setB)).toBe(bitsA.some((x, i) => x && bitsB[i]));
        expect(setA.covers(setB)).toBe(bitsB.every((x, i) => !x || bitsA[i]));
        expect(setA.isEmpty()).toBe(!bitsA.some(Boolean));
        expect(setA.size()).toBe(BigInt(bitsA.filter(Boolean).length));
      }),
      { numRuns: 300 },
    );
  });

  it('toCidrs is an exact and minimal cover', () => {
    fc.assert(
      fc.property(setIn24, setIn24, (a, b) => {
        const set = build(a).subtract(build(b));
        const cidrs = set.toCidrs();
        expect(build(cidrs).equals(set)).toBe(true);
        expect(cidrs.length).toBe(minimalCover(bitmap(set)));
      }),
      { numRuns: 300 },
    );
  });
});

/**
 * The same over 2001:db8::/120 mixed with 10.1.2.0/24: IPv6 bounds are bigints and go through their
 * own copy of the interval loops (intervals-bigint.ts), so they get the same brute-force check, on
 * sets that hold both families at once.
 */
describe('AddressSet against brute force on a /120 of IPv6 plus a /24 of IPv4', () => {
  const V6_BASE = '2001:db8::';
  const cidrIn120 = fc.record({ host: fc.integer({ min: 0, max: 255 }), prefix: fc.integer({ min: 120, max: 128 }) }).map(({ host, prefix }) => `${V6_BASE}${host.toString(16)}/${prefix}`);
  const mixedSet = fc.tuple(fc.array(cidrIn120, { maxLength: 6 }), setIn24);
  const membersV6 = (cidrs: string[]): boolean[] => {
    const result = new Array<boolean>(256).fill(false);
    for (const cidr of cidrs) {
      const [ip, prefixText] = cidr.split('/') as [string, string];
      const host = parseInt(ip.slice(V6_BASE.length) || '0', 16);
      const size = 2 ** (128 - Number(prefixText));
      const start = Math.floor(host / size) * size;
      for (let i = start; i < start + size; i++) result[i] = true;
    }
    return result;
  };
  const bitmapV6 = (set: AddressSet): boolean[] => Array.from({ length: 256 }, (_, i) => set.contains(`${V6_BASE}${i.toString(16)}`));
  const both = ([v6, v4]: [string[], string[]]) => ({ set: build([...v6, ...v4]), bits: [...membersV6(v6), ...members(v4)] });
  const bitmapBoth = (set: AddressSet) => [...bitmapV6(set), ...bitmap(set)];

  it('union, intersection, difference, intersects, covers, size', () => {
    fc.assert(
      fc.property(mixedSet, mixedSet, (a, b) => {
        const A = both(a);
        const B = both(b);
        expect(bitmapBoth(A.set.union(B.set))).toEqual(A.bits.map((x, i) => x || B.bits[i]));
        expect(bitmapBoth(A.set.intersect(B.set))).toEqual(A.bits.map((x, i) => x && B.bits[i]));
        expect(bitmapBoth(A.set.subtract(B.set))).toEqual(A.bits.map((x, i) => x && !B.bits[i]));
        expect(A.set.intersects(B.set)).toBe(A.bits.some((x, i) => x && B.bits[i]));
        expect(A.set.covers(B.set)).toBe(B.bits.every((x, i) => !x || A.bits[i]));
        expect(A.set.size()).toBe(BigInt(A.bits.filter(Boolean).length));
        expect(build(A.set.toCidrs()).equals(A.set)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('PortSet against brute force on ports 1..255', () => {
  const range = fc.tuple(fc.integer({ min: 1, max: 255 }), fc.integer({ min: 1, max: 255 })).map(([x, y]) => ({ from: Math.min(x, y), to: Math.max(x, y) }));
  const ranges = fc.array(range, { maxLength: 5 });
  const bits = (rs: { from: number; to: number }[]) => Array.from({ length: 256 }, (_, p) => rs.some((r) => p >= r.from && p <= r.to));
  const portBits = (set: PortSet) => Array.from({ length: 256 }, (_, p) => set.contains(p));
  it('union, intersection, difference, ranges', () => {
    fc.assert(
      fc.property(ranges, ranges, (a, b) => {
        const setA = PortSet.of(a);
        const setB = PortSet.of(b);
        const bitsA = bits(a);
        const bitsB = bits(b);
        expect(portBits(setA.union(setB))).toEqual(bitsA.map((x, i) => x || bitsB[i]));
        expect(portBits(setA.intersect(setB))).toEqual(bitsA.map((x, i) => x && bitsB[i]));
        expect(portBits(setA.subtract(setB))).toEqual(bitsA.map((x, i) => x && !bitsB[i]));
        expect(portBits(PortSet.of(setA.ranges()))).toEqual(bitsA);
        expect(setA.size()).toBe(bitsA.filter(Boolean).length);
      }),
      { numRuns: 300 },
    );
  });
  it('clamps to 1-65535 and knows "all"', () => {
    expect(PortSet.range(-1, -1).isEmpty()).toBe(true);
    expect(PortSet.range(0, 70000).isAll()).toBe(true);
    expect(PortSet.range(1, 65535).ranges()).toEqual([{ from: 1, to: 65535 }]);
  });
});

describe('parsing and IPv6', () => {
  it.each([
    ['10.0.0.1/8', ['10.0.0.0/8']],
    ['192.168.1.7', ['192.168.1.7/32']],
    ['0.0.0.0/0', ['0.0.0.0/0']],
    ['2001:db8::1/32', ['2001:db8::/32']],
    ['::/0', ['::/0']],
  ])('%s → %j', (input, expected) => {
    expect(AddressSet.cidr(input).toCidrs()).toEqual(expected);
  });
  it('rejects junk', () => {
    expect(AddressSet.parse('10.0.0.0/33')).toBeUndefined();
    expect(AddressSet.parse('sg-123')).toBeUndefined();
    expect(AddressSet.parse('')).toBeUndefined();
  });
  it('IPv6 set operations work on 128-bit bounds', () => {
    const all = AddressSet.cidr('::/0');
    const doc = AddressSet.cidr('2001:db8::/32');
    const rest = all.subtract(doc);
    expect(rest.intersects(doc)).toBe(false);
    expect(rest.union(doc).equals(all)).toBe(true);
    expect(all.size()).toBe(1n << 128n);
    expect(AddressSet.cidr('2001:db8::/31').subtract(doc).toCidrs()).toEqual(['2001:db9::/32']);
  });
});

describe('public address space', () => {
  it.each([
    ['0.0.0.0/0', true],
    ['1.0.0.0/1', true],
    ['128.0.0.0/1', true],
    ['47.96.1.2/32', true],
    ['203.0.113.0/24', true], // documentation ranges count as public
    ['198.51.100.7', true],
    ['192.0.2.0/24', true],
    ['10.0.0.0/8', false],
    ['172.16.0.0/12', false],
    ['172.32.0.0/16', true],
    ['192.168.0.0/16', false],
    ['100.64.0.0/10', false],
    ['127.0.0.1', false],
    ['169.254.169.254', false],
    ['224.0.0.0/4', false],
    ['240.0.0.0/4', false],
    ['255.255.255.255', false],
    ['0.0.0.0/8', false],
    ['::/0', true],
    ['2001:db8::/32', true],
    ['2400:3200::1', true],
    ['::1', false],
    ['::', false],
    ['fe80::/10', false],
    ['fd00::/8', false],
    ['ff02::1', false],
    ['::ffff:10.0.0.1', false],
    ['::ffff:47.96.1.2', true],
  ])('%s public=%s', (cidr, expected) => {
    expect(isPublic(cidr)).toBe(expected);
  });
  it('publicPart carves private space out', () => {
    expect(publicPart(AddressSet.cidr('8.0.0.0/6')).toCidrs()).toEqual(['8.0.0.0/7', '11.0.0.0/8']);
    expect(publicPart(AddressSet.cidr('0.0.0.0/0')).v4.length / 2).toBe(9);
  });
});
