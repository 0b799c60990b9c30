/**
 * The interval algebra exists twice: numbers (IPv4, ports: intervals.ts) and bigints (IPv6:
 * intervals-bigint.ts), kept apart so the number loops stay number-only for V8. One table of
 * operations runs over both against a brute-force set of points, so the copies cannot drift.
 * The bigint copy is also exercised far above 2^53, where a number would round.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as numbers from '../../src/analyze/net/intervals.js';
import * as bigints from '../../src/analyze/net/intervals-bigint.js';

const DOMAIN = 40;

/** Flat half-open intervals over [0, DOMAIN) from a set of points. */
function fromPoints(points: ReadonlySet<number>): number[] {
  const flat: number[] = [];
  for (let p = 0; p < DOMAIN; p++) {
    if (!points.has(p)) continue;
    const last = flat.length - 1;
    if (last > 0 && flat[last] === p) flat[last] = p + 1;
    else flat.push(p, p + 1);
  }
  return flat;
}

const pointSet = fc.uniqueArray(fc.integer({ min: 0, max: DOMAIN - 1 }), { maxLength: DOMAIN }).map((list) => new Set(list));

/** A width: how numbers map into the implementation's domain (offset lifts bigints past 2^64). */
interface Width<T> {
  name: string;
  ops: {
    union(a: readonly T[], b: readonly T[]): readonly T[];
    intersect(a: readonly T[], b: readonly T[]): readonly T[];
    subtract(a: readonly T[], b: readonly T[]): readonly T[];
    intersects(a: readonly T[], b: readonly T[]): boolean;
    covers(a: readonly T[], b: readonly T[]): boolean;
    containsPoint(a: readonly T[], point: T): boolean;
    equal(a: readonly T[], b: readonly T[]): boolean;
  };
  lift(value: number): T;
}

const OFFSET = 1n << 100n;
const WIDTHS: Width<unknown>[] = [
  { name: 'number (IPv4, ports)', ops: numbers, lift: (value) => value } as Width<unknown>,
  { name: 'bigint (IPv6), near 2^100', ops: bigints, lift: (value) => BigInt(value) + OFFSET } as Width<unknown>,
];

const OPERATIONS = [
  { name: 'union', points: (a: Set<number>, b: Set<number>) => new Set([...a, ...b]) },
  { name: 'intersect', points: (a: Set<number>, b: Set<number>) => new Set([...a].filter((p) => b.has(p))) },
  { name: 'subtract', points: (a: Set<number>, b: Set<number>) => new Set([...a].filter((p) => !b.has(p))) },
] as const;

describe.each(WIDTHS)('interval algebra over $name', (width) => {
  const lift = (flat: readonly number[]) => flat.map(width.lift);
  for (const operation of OPERATIONS) {
    it(`${operation.name} equals the brute-force point set`, () => {
      fc.assert(
        fc.property(pointSet, pointSet, (a, b) => {
          const result = width.ops[operation.name](lift(fromPoints(a)), lift(fromPoints(b)));
          expect(result).toEqual(lift(fromPoints(operation.points(a, b))));
        }),
        { numRuns: 400 },
      );
    });
  }

  it('intersects, covers, equal and containsPoint equal the brute-force answers', () => {
    fc.assert(
      fc.property(pointSet, pointSet, fc.integer({ min: 0, max: DOMAIN - 1 }), (a, b, point) => {
        const left = lift(fromPoints(a));
        const right = lift(fromPoints(b));
        expect(width.ops.intersects(left, right)).toBe([...a].some((p) => b.has(p)));
        expect(width.ops.covers(left, right)).toBe([...b].every((p) => a.has(p)));
        expect(width.ops.equal(left, right)).toBe(a.size === b.size && [...a].every((p) => b.has(p)));
        expect(width.ops.containsPoint(left, width.lift(point))).toBe(a.has(point));
      }),
      { numRuns: 400 },
    );
  });
});

describe('the two widths agree', () => {
  it('every operation gives the same intervals, lifted', () => {
    fc.assert(
      fc.property(pointSet, pointSet, (a, b) => {
        const left = fromPoints(a);
        const right = fromPoints(b);
        const lift = (flat: readonly number[]) => flat.map((value) => BigInt(value));
        for (const { name } of OPERATIONS) expect(bigints[name](lift(left), lift(right))).toEqual(lift(numbers[name](left, right)));
      }),
      { numRuns: 300 },
    );
  });
});
