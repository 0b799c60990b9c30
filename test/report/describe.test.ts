import { describe, expect, it } from 'vitest';
import { breadthSources, formatExtra, formatPorts, formatProtocolPorts, formatRulePorts, safeDocsHref, safeHttpUrl } from '../../src/report/describe.js';

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

  it('formats extra values as text, never JSON: strings as is, lists joined, objects as key=value, keys sorted', () => {
    expect(formatExtra({ sensitive: ['ssh', 'rdp'], kind: 'rule-added', before: { priority: 1, tags: {} }, count: 3, gone: null })).toEqual([
      ['before', 'priority=1, tags=none'],
      ['count', '3'],
      ['gone', 'none'],
      ['kind', 'rule-added'],
      ['sensitive', 'ssh, rdp'],
    ]);
  });

  it.each([
    ['internet: 0.0.0.0/0 except 198.51.100.0/24', '0.0.0.0/0 except 198.51.100.0/24'],
    ['wide: 65,536 public addresses (198.51.0.0/16)', '65,536 public addresses (198.51.0.0/16)'],
    ['allow-list: 3 public addresses (203.0.113.7/32, …)', '3 public addresses (203.0.113.7/32, …)'],
  ])('breadthSources(%j) = %j', (summary, expected) => {
    expect(breadthSources({ class: 'internet', publicIpv4: 1, publicIpv6: '0', summary })).toBe(expected);
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

  it.each([
    ['https://example.com/docs', 'https://example.com/docs'],
    ['docs/checks/broad-rule.md', 'docs/checks/broad-rule.md'],
    ['docs/drift.md#commands', 'docs/drift.md#commands'],
    ['/etc/passwd', undefined],
    ['//evil.invalid/x', undefined],
    ['javascript:alert(1)', undefined],
    ['docs/x.md"><script>', undefined],
    [undefined, undefined],
  ])('safeDocsHref(%j) = %j', (value, expected) => {
    expect(safeDocsHref(value)).toBe(expected);
  });
});
