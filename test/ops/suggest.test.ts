import { describe, expect, it } from 'vitest';
import { closestIds, didYouMean } from '../../src/commands/suggest.js';

const IDS = ['i-bp1web0000000000001', 'i-bp1web0000000000002', 'i-bp1app0000000000001', 'eni-bp1web0000000000001', 'i-t4nweb000000000001'];

describe('closestIds', () => {
  it.each([
    ['shortened, as people write ids', 'i-bp1web01', ['i-bp1web0000000000001', 'i-bp1web0000000000002']],
    ['a prefix', 'i-bp1app', ['i-bp1app0000000000001']],
    ['two swapped characters', 'i-bp1wbe0000000000001', ['i-bp1web0000000000001']],
    ['another case: the same id first, then its neighbours', 'I-BP1WEB0000000000001', ['i-bp1web0000000000001', 'i-bp1web0000000000002', 'eni-bp1web0000000000001']],
    ['nothing alike', 'web-01', []],
    ['a wrong id of the right kind', 'i-bp1zzzzzzz', []],
  ])('%s: %s', (_what, wanted, expected) => {
    expect(closestIds(wanted, IDS)).toEqual(expected);
  });

  it('names at most three', () => {
    expect(closestIds('i-', IDS)).toHaveLength(3);
  });
});

describe('didYouMean', () => {
  it.each([
    [[], ''],
    [['a'], ' (did you mean a?)'],
    [['a', 'b', 'c'], ' (did you mean a, b or c?)'],
  ])('%j', (suggestions, text) => {
    expect(didYouMean(suggestions)).toBe(text);
  });
});
