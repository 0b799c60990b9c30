/**
 * Drift on a Huawei estate: a port whose security group sequence changes is new exposure (Huawei
 * matches groups in sequence, so reordering the same groups can open a port), and a rule switched
 * off, a multiport change and an address group's new entry are seen.
 */
import { describe, expect, it } from 'vitest';
import { computeDrift } from '../../src/analyze/drift/index.js';
import { mixedSampleEstate } from '../../src/emulator/index.js';
import { SNAPSHOT_SCHEMA, type Snapshot } from '../../src/model/snapshot.js';
import { clone } from './helpers.js';

function huaweiSnapshot(id: string): Snapshot {
  const account = mixedSampleEstate().accounts.find((candidate) => candidate.provider === 'huaweicloud');
  if (!account) throw new Error('the mixed sample estate has a Huawei account');
  return { schema: SNAPSHOT_SCHEMA, id, takenAt: '2026-12-01T00:00:00.000Z', tool: { name: 'sgaudit', version: 'test' }, provider: 'huaweicloud', coverage: [], accounts: [account] };
}

describe('drift on Huawei estates', () => {
  it('reordering a port’s groups (same groups) is new exposure; rules and address groups changes are modifications', () => {
    const baseline = huaweiSnapshot('before');
    const current = clone(baseline);
    current.id = 'after';
    const region = current.accounts[0]!.regions[0]!;
    // web02 had the SSH lockdown first; now it comes second, so the web group's allow decides SSH.
    region.networkInterfaces.find((port) => port.id === 'hw-port-web02')!.securityGroupIds = ['hw-sg-web', 'hw-sg-lockdown'];
    const web = region.securityGroups.find((group) => group.id === 'hw-sg-web')!;
    const admin = web.rules.find((rule) => rule.id === 'hw-rule-web-admin')!;
    admin.portRanges = [{ from: 22, to: 22 }, { from: 5900, to: 5900 }];
    admin.portText = '22,5900';
    admin.ports = { from: 22, to: 5900 };
    region.securityGroups.find((group) => group.id === 'hw-sg-db')!.rules.find((rule) => rule.id === 'hw-rule-db-anything')!.enabled = true;

    const drift = computeDrift(baseline, current);
    const newExposure = drift.changes.filter((change) => change.kind === 'new-exposure');
    expect(newExposure.some((change) => change.resource.id === 'hw-port-web02' && change.ports?.from === 22)).toBe(true);
    // The re-enabled allow-all opens the database to the internet on every protocol and port.
    expect(newExposure.some((change) => change.resource.id === 'hw-port-db01' && change.protocol === 'all')).toBe(true);
    expect(newExposure.some((change) => change.resource.id === 'hw-port-web01' && change.ports?.from === 5900)).toBe(true);
    expect(drift.changes.filter((change) => change.kind.startsWith('rule-')).map((change) => change.resource.id).sort()).toEqual(['hw-rule-db-anything', 'hw-rule-web-admin']);
    expect(drift.notCompared).toEqual([]);
  });
});
