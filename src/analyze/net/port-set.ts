import type { PortRange } from '../../model/snapshot.js';
import * as iv from './intervals.js';

/** Ports exist from 1 to 65535; the model normalizes "-1/-1" (all ports) to 1–65535. */
export const MIN_PORT = 1;
export const MAX_PORT = 65535;

/** An immutable set of ports as merged inclusive ranges (stored half-open). */
export class PortSet {
  static readonly EMPTY = new PortSet([]);
  static readonly ALL = new PortSet([MIN_PORT, MAX_PORT + 1]);

  private constructor(readonly bounds: readonly number[]) {}

  /** Inclusive range, clamped to 1–65535 (a stray 0 or 65536 never widens anything). */
  static range(from: number, to: number): PortSet {
    const start = Math.max(MIN_PORT, from);
    const end = Math.min(MAX_PORT, to) + 1;
    return start < end ? new PortSet([start, end]) : PortSet.EMPTY;
  }

  static of(ranges: PortRange[]): PortSet {
    return new PortSet(iv.normalize(ranges.map((r): [number, number] => [Math.max(MIN_PORT, r.from), Math.min(MAX_PORT, r.to) + 1])));
  }

  /** Trusted constructor for already-normalized half-open bounds. */
  static fromBounds(bounds: readonly number[]): PortSet {
    return bounds.length === 0 ? PortSet.EMPTY : new PortSet(bounds);
  }

  union(other: PortSet): PortSet {
    return PortSet.fromBounds(iv.union(this.bounds, other.bounds));
  }
  intersect(other: PortSet): PortSet {
    return PortSet.fromBounds(iv.intersect(this.bounds, other.bounds));
  }
  subtract(other: PortSet): PortSet {
    return PortSet.fromBounds(iv.subtract(this.bounds, other.bounds));
  }
  intersects(other: PortSet): boolean {
    return iv.intersects(this.bounds, other.bounds);
  }
  covers(other: PortSet): boolean {
    return iv.covers(this.bounds, other.bounds);
  }
  contains(port: number): boolean {
    return iv.containsPoint(this.bounds, port);
  }
  equals(other: PortSet): boolean {
    return iv.equal(this.bounds, other.bounds);
  }
  isEmpty(): boolean {
    return this.bounds.length === 0;
  }
  isAll(): boolean {
    return this.equals(PortSet.ALL);
  }
  size(): number {
    let total = 0;
    for (let i = 0; i < this.bounds.length; i += 2) total += (this.bounds[i + 1] as number) - (this.bounds[i] as number);
    return total;
  }
  /** Maximal inclusive ranges, ascending. */
  ranges(): PortRange[] {
    const result: PortRange[] = [];
    for (let i = 0; i < this.bounds.length; i += 2) result.push({ from: this.bounds[i] as number, to: (this.bounds[i + 1] as number) - 1 });
    return result;
  }
  toString(): string {
    return this.ranges()
      .map((r) => (r.from === r.to ? `${r.from}` : `${r.from}-${r.to}`))
      .join(',');
  }
}
