import { describe, expect, it } from 'vitest';
import { explain, formatExplanation } from '../../src/analyze/explain.js';
import { SnapshotView } from '../../src/analyze/view.js';
import { PolicyEvaluator } from '../../src/analyze/net/evaluator.js';
import { generateEstate, sampleEstate } from '../../src/emulator/index.js';
import type { Estate, Snapshot } from '../../src/model/snapshot.js';

function snapshotOf(estate: Estate): Snapshot {
  return { schema: 'sgaudit/snapshot@1', id: 'explain', takenAt: '2026-11-25T00:00:00.000Z', tool: { name: 'sgaudit', version: 'test' }, provider: 'alicloud', coverage: [], accounts: estate.accounts };
}

const view = new SnapshotView(snapshotOf(sampleEstate()));
const evaluator = new PolicyEvaluator(view);
const webEni = [...view.enisByGroup.get('sg-bp1web00000000000001') ?? []].find((located) => (located.item.securityGroupIds.includes('sg-bp1baseline000000001')))!.item;

describe('explain', () => {
  it('decides one packet with the witness: a drop at priority 1 in another group beats the accept at 50', () => {
    const result = explain(evaluator, { target: webEni.id, direction: 'ingress', packet: { protocol: 'tcp', port: 22, address: '198.51.100.7' } });
    expect(result.packet?.decision).toBe('drop');
    expect(result.packet?.evidence[0]).toMatchObject({ role: 'decides', groupId: 'sg-bp1baseline000000001', policy: 'drop', priority: 1 });
    const https = explain(evaluator, { target: webEni.id, direction: 'ingress', packet: { protocol: 'tcp', port: 443, address: '198.51.100.7' } });
    expect(https.packet).toMatchObject({ decision: 'accept', evidence: [{ groupId: 'sg-bp1web00000000000001', ruleId: expect.any(String) }] });
    expect(formatExplanation(result)).toMatch(/tcp 22 from 198\.51\.100\.7: DROP\n {2}decides sg-bp1baseline000000001 \(baseline-deny\) rule \S+ priority 1: drop tcp 22-22 0\.0\.0\.0\/0/);
  });

  it('lists the accepted set of an instance (its primary interface) with public addresses', () => {
    const instanceId = webEni.instanceId!;
    const result = explain(evaluator, { target: instanceId, direction: 'ingress' });
    expect(result.eni.instanceId).toBe(instanceId);
    expect(result.accepted?.some((line) => line.protocol === 'tcp' && line.ports.split(',').includes('443'))).toBe(true);
    expect(result.accepted?.some((line) => line.protocol === 'tcp' && /(^|,)22(,|$)/.test(line.ports) && line.peers.includes('0.0.0.0/0'))).toBe(false);
    // Every accepted line with public peers says how many public addresses get in.
    const https = result.accepted?.find((line) => line.protocol === 'tcp' && line.ports.split(',').includes('443'));
    expect(https?.breadth).toMatch(/^internet: [\d,]+ public addresses/);
    expect(formatExplanation(result)).toMatch(/tcp \S*443\S* from .* \[public — internet: [\d,]+ public addresses/);
    expect(result.accepted?.filter((line) => line.peers.every((peer) => peer.startsWith('10.'))).every((line) => line.breadth === undefined)).toBe(true);
  });

  it('rejects an unknown target', () => {
    expect(() => explain(evaluator, { target: 'eni-nope', direction: 'ingress' })).toThrow(/no network interface or instance "eni-nope"/);
  });

  it('answers quickly once a large snapshot is loaded (budget 200 ms at 50k instances; 5k here)', () => {
    const big = new SnapshotView(snapshotOf(generateEstate({ instances: 5000, groups: 1000, rulesPerGroup: 20, enis: 6000, eips: 1000, seed: 7 })));
    const target = big.enis.keys().next().value as string;
    const started = performance.now();
    explain(new PolicyEvaluator(big), { target, direction: 'ingress' });
    expect(performance.now() - started).toBeLessThan(200);
  });
});
