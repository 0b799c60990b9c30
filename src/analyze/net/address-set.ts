import ipaddr from 'ipaddr.js';
import * as iv from './intervals.js';
import * as ivb from './intervals-bigint.js';

const V4_END = 2 ** 32;
const V6_END = 1n << 128n;

/**
 * An immutable set of IPv4 and IPv6 addresses: two merged interval lists, IPv4 as numbers in
 * [0, 2^32), IPv6 as bigints in [0, 2^128). IPv4-mapped IPv6 (::ffff:a.b.c.d) stays in the IPv6
 * half: it is a distinct wire address, and `publicPart` treats it through its IPv4 meaning.
 */
export class AddressSet {
  static readonly EMPTY = new AddressSet([], []);
  static readonly ALL_V4 = new AddressSet([0, V4_END], []);
  static readonly ALL_V6 = new AddressSet([], [0n, V6_END]);
  static readonly ALL = new AddressSet([0, V4_END], [0n, V6_END]);

  private constructor(
    readonly v4: readonly number[],
    readonly v6: readonly bigint[],
  ) {}

  static fromBounds(v4: readonly number[], v6: readonly bigint[]): AddressSet {
    return v4.length === 0 && v6.length === 0 ? AddressSet.EMPTY : new AddressSet(v4, v6);
  }

  /** Parses a CIDR or a bare address (a host). Returns undefined when the text is not an address. */
  static parse(text: string): AddressSet | undefined {
    const trimmed = text.trim();
    return plainV4Set(trimmed) ?? parseWithIpaddr(trimmed);
  }

  /** Like parse, but throws on bad input: for literals in code and tests. */
  static cidr(text: string): AddressSet {
    const parsed = AddressSet.parse(text);
    if (!parsed) throw new Error(`not an IP address or CIDR: ${text}`);
    return parsed;
  }

  static unionAll(sets: Iterable<AddressSet>): AddressSet {
    let level = Array.isArray(sets) ? (sets as readonly AddressSet[]) : [...sets];
    // Few sets (the usual case: the pieces of one exposed range): linear merges.
    if (level.length <= 8) {
      let result = AddressSet.EMPTY;
      for (const set of level) result = result.union(set);
      return result;
    }
    // Many: merge in pairs, level by level (each bound is merged log2(n) times). About 2.5x faster
    // than sorting one list of [start, end] pairs, which allocated a tuple per interval.
    while (level.length > 1) {
      const next: AddressSet[] = [];
      for (let i = 0; i < level.length; i += 2) {
        const left = level[i] as AddressSet;
        const right = level[i + 1];
        next.push(right ? left.union(right) : left);
      }
      level = next;
    }
    return level[0] as AddressSet;
  }

  union(other: AddressSet): AddressSet {
    if (other.isEmpty()) return this;
    if (this.isEmpty()) return other;
    return AddressSet.fromBounds(iv.union(this.v4, other.v4), ivb.union(this.v6, other.v6));
  }
  intersect(other: AddressSet): AddressSet {
    // The first rule on an atom meets "everything undecided": its own peers, not a copy.
    if (this === AddressSet.ALL) return other;
    if (other === AddressSet.ALL) return this;
    return AddressSet.fromBounds(iv.intersect(this.v4, other.v4), ivb.intersect(this.v6, other.v6));
  }
  subtract(other: AddressSet): AddressSet {
    if (other.isEmpty()) return this;
    const v4 = iv.subtract(this.v4, other.v4);
    const v6 = ivb.subtract(this.v6, other.v6);
    // Nothing taken away: the same set, not a copy.
    return v4 === this.v4 && v6 === this.v6 ? this : AddressSet.fromBounds(v4, v6);
  }
  intersects(other: AddressSet): boolean {
    return iv.intersects(this.v4, other.v4) || ivb.intersects(this.v6, other.v6);
  }
  covers(other: AddressSet): boolean {
    return iv.covers(this.v4, other.v4) && ivb.covers(this.v6, other.v6);
  }
  equals(other: AddressSet): boolean {
    return iv.equal(this.v4, other.v4) && ivb.equal(this.v6, other.v6);
  }
  isEmpty(): boolean {
    return this.v4.length === 0 && this.v6.length === 0;
  }
  /** Only the IPv4 half. */
  ipv4(): AddressSet {
    return this.v6.length === 0 ? this : AddressSet.fromBounds(this.v4, []);
  }
  /** Only the IPv6 half. */
  ipv6(): AddressSet {
    return this.v4.length === 0 ? this : AddressSet.fromBounds([], this.v6);
  }

  /** True when the address (a bare IPv4/IPv6 address) is in the set. */
  contains(address: string): boolean {
    const host = AddressSet.parse(address);
    if (!host) return false;
    if (host.v4.length > 0) return iv.containsPoint(this.v4, host.v4[0] as number);
    return ivb.containsPoint(this.v6, host.v6[0] as bigint);
  }

  /** Number of addresses (bigint: IPv6 sizes overflow numbers). */
  size(): bigint {
    let total = 0n;
    for (let i = 0; i < this.v4.length; i += 2) total += BigInt((this.v4[i + 1] as number) - (this.v4[i] as number));
    for (let i = 0; i < this.v6.length; i += 2) total += (this.v6[i + 1] as bigint) - (this.v6[i] as bigint);
    return total;
  }

  /**
   * The minimal list of CIDR blocks whose union is exactly this set, IPv4 first, ascending. With
   * `covers`, the blocks of each interval come from (and go to) that memo.
   */
  toCidrs(covers?: CidrCovers): string[] {
    const result: string[] = [];
    for (let i = 0; i < this.v4.length; i += 2) {
      const start = this.v4[i] as number;
      const end = this.v4[i + 1] as number;
      if (covers) pushAll(result, covers.v4(start, end));
      else coverV4(start, end, result);
    }
    for (let i = 0; i < this.v6.length; i += 2) {
      const start = this.v6[i] as bigint;
      const end = this.v6[i + 1] as bigint;
      if (covers) pushAll(result, covers.v6(start, end));
      else coverV6(start, end, result);
    }
    return result;
  }

  /** A compact canonical key (equal sets, equal keys) for memoizing and grouping. */
  key(): string {
    return `${this.v4.join(',')}|${this.v6.join(',')}`;
  }

  toString(): string {
    return this.toCidrs().join(', ');
  }
}

/**
 * A plain IPv4 address or CIDR (what ipaddr.js would accept with the same meaning), read without
 * ipaddr.js: its `parseCIDR` tries IPv6 first and throws, which costs more than the whole parse.
 * Plain means a dotted quad of decimal octets without leading zeros (ipaddr.js reads `010` as
 * octal), optionally `/prefix` (0–32, no leading zero). Undefined means "not plain", not
 * "invalid": callers fall back to ipaddr.js. Scanned by character code rather than a regular
 * expression with captures: every member address of every group goes through here (~1 µs per
 * address with the expression, which dominated resolving group peers on large estates).
 */
export function parsePlainV4(text: string): { address: number; prefix: number } | undefined {
  const length = text.length;
  let position = 0;
  let address = 0;
  for (let octet = 0; octet < 4; octet++) {
    if (octet > 0) {
      if (text.charCodeAt(position) !== DOT) return undefined;
      position++;
    }
    const value = readDecimal(text, position, 3);
    if (value < 0 || value > 255) return undefined;
    position += value < 10 ? 1 : value < 100 ? 2 : 3;
    address = address * 256 + value;
  }
  if (position === length) return { address, prefix: 32 };
  if (text.charCodeAt(position) !== SLASH) return undefined;
  const prefix = readDecimal(text, position + 1, 2);
  if (prefix < 0 || prefix > 32 || position + 1 + (prefix < 10 ? 1 : 2) !== length) return undefined;
  return { address, prefix };
}

const DOT = 46;
const SLASH = 47;
const ZERO = 48;

/**
 * The decimal number of at most `maxDigits` digits at `position`, without a leading zero (a lone
 * `0` is fine), or -1. Stops at the first non-digit; a longer run of digits is -1.
 */
function readDecimal(text: string, position: number, maxDigits: number): number {
  let value = 0;
  let digits = 0;
  for (;;) {
    const digit = text.charCodeAt(position + digits) - ZERO;
    if (!(digit >= 0 && digit <= 9)) break;
    if (digits === maxDigits || (digits === 1 && value === 0)) return -1;
    value = value * 10 + digit;
    digits++;
  }
  return digits === 0 ? -1 : value;
}

function plainV4Set(text: string): AddressSet | undefined {
  const plain = parsePlainV4(text);
  if (!plain) return undefined;
  const size = 2 ** (32 - plain.prefix);
  // A CIDR with host bits set (10.0.0.1/8) means its network, as the cloud stores it.
  const start = Math.floor(plain.address / size) * size;
  return AddressSet.fromBounds([start, start + size], []);
}

function parseWithIpaddr(text: string): AddressSet | undefined {
  let address: ipaddr.IPv4 | ipaddr.IPv6;
  let prefix: number;
  try {
    if (text.includes('/')) {
      [address, prefix] = ipaddr.parseCIDR(text);
    } else {
      address = ipaddr.parse(text);
      prefix = address.kind() === 'ipv4' ? 32 : 128;
    }
  } catch {
    return undefined;
  }
  if (address.kind() === 'ipv4') {
    const value = bytesToBigint(address.toByteArray());
    const size = 1n << BigInt(32 - prefix);
    // A CIDR with host bits set (10.0.0.1/8) means its network, as the cloud stores it.
    const start = (value / size) * size;
    return AddressSet.fromBounds([Number(start), Number(start + size)], []);
  }
  const value = bytesToBigint(address.toByteArray());
  const size = 1n << BigInt(128 - prefix);
  const start = (value / size) * size;
  return AddressSet.fromBounds([], [start, start + size]);
}

function bytesToBigint(bytes: number[]): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

/**
 * The CIDR blocks of address intervals, memoized: findings describe the same intervals over and
 * over (the public parts of 0.0.0.0/0 and ::/0, the same office ranges on thousands of
 * interfaces). One per check run, so it lives as long as the findings it serves.
 */
export class CidrCovers {
  private readonly byStartV4 = new Map<number, Map<number, readonly string[]>>();
  // Keyed by the bigints themselves: a text key costs two bigint-to-decimal conversions per lookup.
  private readonly byStartV6 = new Map<bigint, Map<bigint, readonly string[]>>();

  v4(start: number, end: number): readonly string[] {
    return memoizedCover(this.byStartV4, start, end, coverV4);
  }

  v6(start: bigint, end: bigint): readonly string[] {
    return memoizedCover(this.byStartV6, start, end, coverV6);
  }
}

function memoizedCover<T>(byStart: Map<T, Map<T, readonly string[]>>, start: T, end: T, cover: (start: T, end: T, out: string[]) => void): readonly string[] {
  let byEnd = byStart.get(start);
  if (!byEnd) byStart.set(start, (byEnd = new Map()));
  let blocks = byEnd.get(end);
  if (!blocks) {
    const computed: string[] = [];
    cover(start, end, computed);
    byEnd.set(end, (blocks = computed));
  }
  return blocks;
}

function pushAll(target: string[], items: readonly string[]): void {
  for (const item of items) target.push(item);
}

/** Largest aligned blocks first: IPv4 bounds fit in doubles exactly, so plain arithmetic does it without bigint churn. */
function coverV4(start: number, end: number, out: string[]): void {
  let cursor = start;
  while (cursor < end) {
    // Lowest set bit through int32 (bit 31 comes back negative, hence >>> 0); 0 is aligned to everything.
    const alignment = cursor === 0 ? 2 ** 32 : (cursor & -cursor) >>> 0;
    const room = end - cursor;
    let block = 2 ** Math.floor(Math.log2(room));
    if (block > room) block /= 2;
    else if (block * 2 <= room) block *= 2;
    if (alignment < block) block = alignment;
    out.push(`${formatV4(cursor)}/${32 - Math.log2(block)}`);
    cursor += block;
  }
}

/** The block size is bounded by the cursor's alignment (trailing zero bits) and by the room left (floor log2). */
function coverV6(start: bigint, end: bigint, out: string[]): void {
  let cursor = start;
  while (cursor < end) {
    const alignment = cursor === 0n ? 128 : trailingZeroBits(cursor);
    const room = (end - cursor).toString(2).length - 1;
    const blockBits = Math.min(alignment, room, 128);
    out.push(`${formatV6(cursor)}/${128 - blockBits}`);
    cursor += 1n << BigInt(blockBits);
  }
}

function trailingZeroBits(value: bigint): number {
  const binary = value.toString(2);
  return binary.length - 1 - binary.lastIndexOf('1');
}

function formatV4(value: bigint | number): string {
  const n = Number(value);
  return `${Math.floor(n / 16777216) % 256}.${Math.floor(n / 65536) % 256}.${Math.floor(n / 256) % 256}.${n % 256}`;
}

function formatV6(value: bigint): string {
  const parts: number[] = [];
  for (let i = 7; i >= 0; i--) parts.push(Number((value >> BigInt(i * 16)) & 0xffffn));
  return new ipaddr.IPv6(parts).toString();
}
