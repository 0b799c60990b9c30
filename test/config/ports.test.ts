import { describe, expect, it } from 'vitest';
import { formatPortSpec, parsePortSpec } from '../../src/config/ports.js';
import { globToRegExp } from '../../src/config/glob.js';

describe('parsePortSpec', () => {
  it.each([
    ['tcp/22', { protocol: 'tcp', from: 22, to: 22 }],
    ['TCP/8000-8100', { protocol: 'tcp', from: 8000, to: 8100 }],
    ['udp/500-501', { protocol: 'udp', from: 500, to: 501 }],
    ['all', { protocol: 'all', from: 1, to: 65535 }],
    ['tcp', { protocol: 'tcp', from: 1, to: 65535 }],
    ['icmp', { protocol: 'icmp', from: 1, to: 65535 }],
  ])('%s', (text, spec) => {
    expect(parsePortSpec(text)).toEqual({ spec });
  });

  it.each([
    ['tcp/0', /outside 1-65535/],
    ['tcp/65536', /outside 1-65535/],
    ['tcp/9-8', /above its end/],
    ['tcp/abc', /number or a range/],
    ['tcp/1/2', /more than one/],
    ['sctp/1', /unknown protocol "sctp"/],
    ['gre/1', /only apply to tcp and udp/],
    ['', /unknown protocol/],
  ])('rejects %s', (text, problem) => {
    const parsed = parsePortSpec(text);
    expect('problem' in parsed && parsed.problem).toMatch(problem);
  });

  it.each(['tcp/22', 'tcp/8000-8100', 'udp/1-65535', 'all', 'icmp'])('formats %s back', (text) => {
    const parsed = parsePortSpec(text);
    if (!('spec' in parsed)) throw new Error('expected a spec');
    expect(formatPortSpec(parsed.spec)).toBe(text);
  });
});

describe('globToRegExp', () => {
  it.each([
    ['db-*', 'DB-01', true],
    ['db-*', 'mydb-01', false],
    ['*-db-*', 'app-db-2', true],
    ['*internal*', 'Internal-API', true],
    ['sg-0a?', 'sg-0ab', true],
    ['sg-0a?', 'sg-0abc', false],
    ['a.b', 'axb', false],
    ['(x)+', '(x)+', true],
  ])('%s ~ %s → %s', (pattern, text, result) => {
    expect(globToRegExp(pattern).test(text)).toBe(result);
  });
  it('can be case-sensitive', () => {
    expect(globToRegExp('sg-A*', { caseSensitive: true }).test('sg-abc')).toBe(false);
  });
});
