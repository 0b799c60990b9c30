import { describe, expect, it } from 'vitest';
import { joinPieces, prettyJsonPieces } from '../../src/report/json-pieces.js';

const item = (n: number) => ({ id: `f-${n}`, text: `quote " and newline \n and unicode é ${n}`, nested: { list: [n, n + 1], empty: [], none: {} } });

describe('prettyJsonPieces', () => {
  const cases: [string, unknown, (string | 0)[]][] = [
    ['a top-level list between other members', { schema: 's', findings: [], after: { x: [1] } }, ['findings']],
    ['a list inside the first element of an array', { version: '2.1.0', runs: [{ tool: { name: 't' }, results: [], properties: { n: 1 } }] }, ['runs', 0, 'results']],
    ['the last member of a deep object', { a: { b: { c: [] } } }, ['a', 'b', 'c']],
  ];
  it.each(cases)('joins into what JSON.stringify prints: %s', (_name, document, path) => {
    for (const count of [0, 1, 2, 5, 7]) {
      for (const batchSize of [1, 2, 3, 500]) {
        const items = Array.from({ length: count }, (_, n) => item(n));
        const whole = structuredClone(document) as Record<string, unknown>;
        let holder: Record<string, unknown> | unknown[] = whole;
        for (const key of path.slice(0, -1)) holder = (holder as Record<string | number, unknown>)[key] as Record<string, unknown>;
        (holder as Record<string, unknown>)[path.at(-1) as string] = items;
        const expected = `${JSON.stringify(whole, null, 2)}\n`;
        expect(joinPieces(prettyJsonPieces(document, path, items, (x) => x, batchSize)), `${count} items in batches of ${batchSize}`).toBe(expected);
      }
    }
  });

  it('prints each item through `printable` and yields one piece per batch (and a separator between batches) around the head and tail', () => {
    const pieces = [...prettyJsonPieces({ list: [] }, ['list'], [1, 2, 3, 4, 5], (n) => ({ n: n * 10 }), 2)];
    expect(pieces).toHaveLength(7);
    expect(pieces.filter((piece) => piece === ',')).toHaveLength(2);
    expect(JSON.parse(pieces.join(''))).toEqual({ list: [{ n: 10 }, { n: 20 }, { n: 30 }, { n: 40 }, { n: 50 }] });
  });

  it('refuses a path that does not end at an object member', () => {
    expect(() => [...prettyJsonPieces([[]], [0], [1])]).toThrow(/object member/);
  });
});
