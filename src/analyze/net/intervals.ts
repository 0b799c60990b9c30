/**
 * Sorted, merged, half-open interval lists over numbers (IPv4 addresses and ports). Stored flat
 * as `[start0, end0, start1, end1, …]` with `start < end`, intervals disjoint and non-adjacent,
 * so equal sets have equal arrays. Half-open bounds mean every operation is a linear merge that
 * only compares values.
 *
 * IPv6 bounds are bigints and have their own copy of these loops (intervals-bigint.ts): one
 * function fed both numbers and bigints leaves V8 with generic comparisons at every site, and
 * the number-only loops measured faster on the whole exposure analysis (bench/analyze.ts).
 */
type T = number;
export type Flat = readonly number[];

/** Normalizes arbitrary (possibly overlapping, unsorted) half-open pairs into a flat interval list. */
export function normalize(pairs: [T, T][]): T[] {
  const sorted = pairs.filter(([start, end]) => start < end).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const result: T[] = [];
  for (const [start, end] of sorted) {
    const last = result.length - 1;
    if (last > 0 && start <= (result[last] as T)) {
      if (end > (result[last] as T)) result[last] = end;
    } else {
      result.push(start, end);
    }
  }
  return result;
}

// Operations return their input unchanged (shared, it is readonly) when nothing changes: the
// evaluator runs them hundreds of thousands of times and allocation dominates otherwise.
export function union(a: Flat, b: Flat): Flat {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const result: T[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let start: T;
    let end: T;
    if (j >= b.length || (i < a.length && (a[i] as T) <= (b[j] as T))) {
      start = a[i] as T;
      end = a[i + 1] as T;
      i += 2;
    } else {
      start = b[j] as T;
      end = b[j + 1] as T;
      j += 2;
    }
    const last = result.length - 1;
    if (last > 0 && start <= (result[last] as T)) {
      if (end > (result[last] as T)) result[last] = end;
    } else {
      result.push(start, end);
    }
  }
  return result;
}

export function intersect(a: Flat, b: Flat): Flat {
  if (a.length === 0) return a;
  if (b.length === 0) return b;
  const result: T[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const aStart = a[i] as T;
    const aEnd = a[i + 1] as T;
    const bStart = b[j] as T;
    const bEnd = b[j + 1] as T;
    const start = aStart > bStart ? aStart : bStart;
    const end = aEnd < bEnd ? aEnd : bEnd;
    if (start < end) result.push(start, end);
    if (aEnd < bEnd) i += 2;
    else j += 2;
  }
  return result;
}

export function subtract(a: Flat, b: Flat): Flat {
  if (a.length === 0 || b.length === 0) return a;
  // Built only once some interval of `a` loses something: a rule's peers often miss what is left.
  let result: T[] | undefined;
  let j = 0;
  for (let i = 0; i < a.length; i += 2) {
    let start = a[i] as T;
    const end = a[i + 1] as T;
    while (j < b.length && (b[j + 1] as T) <= start) j += 2;
    if (j >= b.length || (b[j] as T) >= end) {
      result?.push(start, end);
      continue;
    }
    result ??= a.slice(0, i);
    let k = j;
    while (k < b.length && (b[k] as T) < end) {
      const bStart = b[k] as T;
      const bEnd = b[k + 1] as T;
      if (bStart > start) result.push(start, bStart);
      if (bEnd > start) start = bEnd;
      if (start >= end) break;
      k += 2;
    }
    if (start < end) result.push(start, end);
  }
  return result ?? a;
}

export function intersects(a: Flat, b: Flat): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const start = (a[i] as T) > (b[j] as T) ? (a[i] as T) : (b[j] as T);
    const aEnd = a[i + 1] as T;
    const bEnd = b[j + 1] as T;
    const end = aEnd < bEnd ? aEnd : bEnd;
    if (start < end) return true;
    if (aEnd < bEnd) i += 2;
    else j += 2;
  }
  return false;
}

/** True when every point of b is in a. */
export function covers(a: Flat, b: Flat): boolean {
  let i = 0;
  for (let j = 0; j < b.length; j += 2) {
    const start = b[j] as T;
    const end = b[j + 1] as T;
    while (i < a.length && (a[i + 1] as T) <= start) i += 2;
    if (i >= a.length || (a[i] as T) > start || (a[i + 1] as T) < end) return false;
  }
  return true;
}

/** Binary search: is the point inside one of the intervals? */
export function containsPoint(a: Flat, point: T): boolean {
  let low = 0;
  let high = a.length / 2 - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const start = a[mid * 2] as T;
    const end = a[mid * 2 + 1] as T;
    if (point < start) high = mid - 1;
    else if (point >= end) low = mid + 1;
    else return true;
  }
  return false;
}

export function equal(a: Flat, b: Flat): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
