import { describe, expect, it } from 'vitest';
import { formatExtra, formatPorts, formatProtocolPorts, formatRulePorts, safeHttpUrl } from '../../src/report/describe.js';

describe('report value formatting', () => {
  it.each([
    [undefined, ''],
    [{ from: 22, to: 22 }, '22'],
    [{ from: 8000, to: 8100 }, '8000-8100'],
    [{ from: 1, to: 65535 }, 'all'],
  ])('formatPorts(%j) = %j', (ports, expected) => {
    expect(formatPorts(ports)).toBe(expected);
  });

  it.each([
    ['tcp', { from: 22, to: 22 }, 'tcp/22'],
    ['udp', { from: 1, to: 65535 }, 'udp/all'],
    ['icmp', { from: 1, to: 65535 }, 'icmp'],
    ['all', { from: 1, to: 65535 }, 'all'],
    [undefined, { from: 443, to: 443 }, '443'],
  ])('formatProtocolPorts(%j, %j) = %j', (protocol, ports, expected) => {
    expect(formatProtocolPorts(protocol, ports)).toBe(expected);
  });

  it.each([
    ['tcp', { from: 22, to: 22 }, '22'],
    ['icmp', { from: 1, to: 65535 }, ''],
    ['gre', { from: 1, to: 65535 }, ''],
    ['all', { from: 1, to: 65535 }, 'all'],
    [undefined, { from: 80, to: 80 }, '80'],
  ])('formatRulePorts(%j, %j) = %j', (protocol, ports, expected) => {
    expect(formatRulePorts(protocol, ports)).toBe(expected);
  });

  it('formats extra values: strings as is, lists joined, objects as JSON, keys sorted', () => {
    expect(formatExtra({ sensitive: ['ssh', 'rdp'], kind: 'rule-added', before: { priority: 1 }, count: 3 })).toEqual([
      'before={"priority":1}',
      'count=3',
      'kind=rule-added',
      'sensitive=ssh, rdp',
    ]);
  });

  it.each([
    ['https://example.com/docs', 'https://example.com/docs'],
    ['http://example.com', 'http://example.com/'],
    ['docs/checks/drift.md', undefined],
    ['javascript:alert(1)', undefined],
    ['data:text/html,<b>', undefined],
    [undefined, undefined],
  ])('safeHttpUrl(%j) = %j', (value, expected) => {
    expect(safeHttpUrl(value)).toBe(expected);
  });
});
