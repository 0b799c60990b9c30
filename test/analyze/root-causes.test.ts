import { describe, expect, it } from 'vitest';
import { analyzeSnapshot } from '../../src/analyze/engine.js';
import { parseConfigText } from '../../src/config/load.js';
import { Estate, SNAPSHOT_SCHEMA, type Snapshot } from '../../src/model/snapshot.js';

type RuleInput = { id: string; priority: number; protocol: string; ports: [number, number]; source: string; policy?: 'accept' | 'drop' };

function snapshot(rules: RuleInput[], enis: { id: string; publicIp?: string; instanceId?: string }[]): Snapshot {
  const estate = Estate.parse({
    accounts: [
      {
        accountId: '100',
        regions: [
          {
            regionId: 'cn-hangzhou',
            securityGroups: [
              {
                id: 'sg-web',
                name: 'web',
                type: 'normal',
                innerAccessPolicy: 'accept',
                rules: rules.map((rule) => ({
                  id: rule.id,
                  direction: 'ingress',
                  policy: rule.policy ?? 'accept',
                  priority: rule.priority,
                  protocol: rule.protocol,
                  ports: { from: rule.ports[0], to: rule.ports[1] },
                  source: { cidr: rule.source },
                })),
              },
            ],
            instances: enis.filter((eni) => eni.instanceId).map((eni) => ({ id: eni.instanceId, name: `vm-${eni.id}`, status: 'Running', securityGroupIds: ['sg-web'], privateIps: ['10.0.0.9'] })),
            networkInterfaces: enis.map((eni, index) => ({
              id: eni.id,
              type: 'Primary',
              securityGroupIds: ['sg-web'],
              privateIps: [`10.0.0.${index + 1}`],
              ...(eni.publicIp ? { publicIp: eni.publicIp } : {}),
              ...(eni.instanceId ? { instanceId: eni.instanceId } : {}),
            })),
          },
        ],
      },
    ],
  });
  return { schema: SNAPSHOT_SCHEMA, id: 's', takenAt: '2026-01-01T00:00:00.000Z', tool: { name: 'sgaudit', version: 'test' }, provider: 'alicloud', coverage: [], accounts: estate.accounts };
}

const NOW = new Date('2026-01-01T00:00:00Z');

describe('root causes', () => {
  const rules: RuleInput[] = [
    { id: 'sgr-ssh-world', priority: 1, protocol: 'tcp', ports: [22, 22], source: '0.0.0.0/0' },
    { id: 'sgr-partner-all', priority: 2, protocol: 'all', ports: [1, 65535], source: '203.0.113.0/24' },
    { id: 'sgr-app-world', priority: 1, protocol: 'tcp', ports: [8443, 8443], source: '0.0.0.0/0' },
  ];
  const enis = [
    { id: 'eni-1', publicIp: '47.1.1.1', instanceId: 'i-1' },
    { id: 'eni-2', publicIp: '47.1.1.2', instanceId: 'i-2' },
    { id: 'eni-3' },
  ];

  it('names the deciding rule of each exposure and ranks rules by their own severity, then blast radius', () => {
    const document = analyzeSnapshot(snapshot(rules, enis), { now: NOW });
    const causes = document.rootCauses ?? [];
    expect(causes.map((cause) => [cause.key, cause.severity, cause.breadth, cause.internetInterfaces, cause.instances])).toEqual([
      ['sg-web/sgr-ssh-world', 'critical', 'internet', 2, 2],
      ['sg-web/sgr-app-world', 'high', 'internet', 2, 2],
      ['sg-web/sgr-partner-all', 'low', 'allow-listed', 2, 2],
    ]);
    expect(causes[0]?.exposes).toEqual(['tcp 22 (tcp/22 SSH)']);
    expect(causes[0]?.fix).toMatch(/^Narrow the source of rule sgr-ssh-world of sg-web \(web\) from 0\.0\.0\.0\/0/);
    expect(causes[2]?.fix).toMatch(/^Replace rule sgr-partner-all/);
    const ssh = document.findings.find((finding) => finding.check === 'public-exposure' && finding.detail.ports?.from === 22 && finding.resource.id === 'eni-1');
    // tcp 22 is open to the world (sgr-ssh-world) and the partner; the partner's ALL rule decides nothing there.
    expect(ssh).toMatchObject({ severity: 'critical', rootCauses: ['sg-web/sgr-ssh-world'], instance: { id: 'i-1', name: 'vm-eni-1' }, breadth: { class: 'internet' } });
  });

  it('leaves suppressed findings out of the summary', () => {
    const config = parseConfigText('suppressions:\n  - { check: public-exposure, resource: "eni-*", reason: accepted, owner: sec, expires: 2099-01-01 }\n', 'test.yaml');
    const document = analyzeSnapshot(snapshot(rules, enis), { now: NOW, config });
    expect(document.rootCauses).toEqual([]);
  });
});

describe('public-exposure ids', () => {
  const open = [{ id: 'sgr-ssh', priority: 5, protocol: 'tcp', ports: [22, 22] as [number, number], source: '0.0.0.0/0' }];
  const idOf = (rules: RuleInput[]) =>
    analyzeSnapshot(snapshot(rules, [{ id: 'eni-1', publicIp: '47.1.1.1' }]), { now: NOW }).findings.find((finding) => finding.check === 'public-exposure')?.id;

  it('do not change when a rule for private addresses changes what the finding prints', () => {
    const before = idOf(open);
    const after = idOf([...open, { id: 'sgr-private-drop', priority: 1, protocol: 'tcp', ports: [22, 22], source: '172.16.0.0/12', policy: 'drop' }]);
    expect(before).toBeDefined();
    expect(after).toBe(before);
  });

  it('change when the public sources admitted change', () => {
    const before = idOf(open);
    const after = idOf([...open, { id: 'sgr-public-drop', priority: 1, protocol: 'tcp', ports: [22, 22], source: '198.51.100.0/24', policy: 'drop' }]);
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
  });
});
