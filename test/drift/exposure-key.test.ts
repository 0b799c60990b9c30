import { describe, expect, it } from 'vitest';
import { exposureKey } from '../../src/analyze/drift/exposure.js';
import type { Finding } from '../../src/model/findings.js';

function exposure(sources: string[], change: Partial<Finding['detail']> = {}, resourceId = 'eni-1'): Finding {
  return {
    id: 'SG-x',
    check: 'public-exposure',
    severity: 'critical',
    title: 't',
    message: 'm',
    accountId: '1',
    regionId: 'r',
    resource: { type: 'networkInterface', id: resourceId },
    detail: { direction: 'ingress', protocol: 'tcp', ports: { from: 22, to: 22 }, sources, addresses: ['47.1.1.1'], ...change },
    evidence: [],
    remediation: 'r',
  };
}

// 0.0.0.0/0 with 10.0.0.0/8 taken out, as a finding prints it when a private rule decides 10.0.0.0/8 first.
const WITHOUT_10 = ['0.0.0.0/5', '8.0.0.0/7', '11.0.0.0/8', '12.0.0.0/6', '16.0.0.0/4', '32.0.0.0/3', '64.0.0.0/2', '128.0.0.0/1'];

describe('exposureKey: what the internet reaches, however the sources are printed', () => {
  it('is the same for sources that differ only in non-public addresses', () => {
    expect(exposureKey(exposure(['0.0.0.0/0']))).toBe(exposureKey(exposure(WITHOUT_10)));
    expect(exposureKey(exposure(['0.0.0.0/0', '::/0']))).toBe(exposureKey(exposure(['0.0.0.0/0', 'fc00::/7', '::/0'])));
  });

  it('differs when public sources, ports, protocol, addresses or the interface differ', () => {
    const key = exposureKey(exposure(['0.0.0.0/0']));
    expect(exposureKey(exposure(['0.0.0.0/1']))).not.toBe(key);
    expect(exposureKey(exposure(['0.0.0.0/0'], { ports: { from: 22, to: 23 } }))).not.toBe(key);
    expect(exposureKey(exposure(['0.0.0.0/0'], { protocol: 'udp' }))).not.toBe(key);
    expect(exposureKey(exposure(['0.0.0.0/0'], { addresses: ['47.1.1.2'] }))).not.toBe(key);
    expect(exposureKey(exposure(['0.0.0.0/0'], {}, 'eni-2'))).not.toBe(key);
  });

  it('lists addresses as a set', () => {
    expect(exposureKey(exposure(['0.0.0.0/0'], { addresses: ['47.1.1.2', '47.1.1.1'] }))).toBe(exposureKey(exposure(['0.0.0.0/0'], { addresses: ['47.1.1.1', '47.1.1.2'] })));
  });

  it('cannot be told when the sources were capped, and then matches nothing', () => {
    expect(exposureKey(exposure([...WITHOUT_10, '… 31 more']))).toBeUndefined();
    expect(exposureKey(exposure(['0.0.0.0/0'], { ports: undefined }))).toBeUndefined();
  });
});
