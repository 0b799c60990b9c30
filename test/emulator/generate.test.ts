import { describe, expect, it } from 'vitest';
import { generateEstate, parseGenerateSpec } from '../../src/emulator/index.js';
import { SgauditError } from '../../src/model/errors.js';
import { Estate } from '../../src/model/snapshot.js';

function totals(estate: Estate) {
  const t = { instances: 0, groups: 0, rules: 0, enis: 0, eips: 0, bigGroups: 0, enterprise: 0, secondary: 0, managed: 0, eniEips: 0, ipv6: 0, prefixLists: 0 };
  for (const account of estate.accounts) {
    for (const region of account.regions) {
      t.instances += region.instances.length;
      t.groups += region.securityGroups.length;
      t.enis += region.networkInterfaces.length;
      t.eips += region.eips.length;
      t.prefixLists += region.prefixLists.length;
      for (const group of region.securityGroups) {
        t.rules += group.rules.length;
        if (group.rules.length > 1000) t.bigGroups += 1;
        if (group.type === 'enterprise') t.enterprise += 1;
      }
      for (const eni of region.networkInterfaces) {
        if (eni.type === 'Secondary') t.secondary += 1;
        if (eni.serviceManaged) t.managed += 1;
        if (eni.ipv6Addresses.length) t.ipv6 += 1;
      }
      t.eniEips += region.eips.filter((eip) => eip.boundInstanceType === 'NetworkInterface').length;
    }
  }
  return t;
}

describe('generateEstate', () => {
  const spec = { instances: 2000, groups: 400, rulesPerGroup: 20, enis: 2600, eips: 300, seed: 42 };

  it('is deterministic: the same seed gives an identical estate, another seed a different one', () => {
    const a = JSON.stringify(generateEstate(spec));
    expect(JSON.stringify(generateEstate(spec))).toBe(a);
    expect(JSON.stringify(generateEstate({ ...spec, seed: 43 }))).not.toBe(a);
  });

  it('makes a valid, realistic mix of the requested size', () => {
    const estate = generateEstate(spec);
    expect(Estate.safeParse(estate).success).toBe(true);
    const t = totals(estate);
    expect(t).toMatchObject({ instances: 2000, groups: 400, enis: 2600, eips: 300 });
    expect(t.rules).toBeGreaterThan(400 * 20 * 0.85);
    expect(t.rules).toBeLessThan(400 * 20 * 1.15);
    expect(t.bigGroups).toBeGreaterThanOrEqual(1);
    expect(t.enterprise).toBeGreaterThan(0);
    expect(t.secondary).toBe(600);
    expect(t.managed).toBeGreaterThan(0);
    expect(t.eniEips).toBeGreaterThan(0);
    expect(t.ipv6).toBeGreaterThan(0);
    expect(estate.accounts[0]?.regions.length).toBe(3);
  });

  it('keeps ids unique and every instance group present in its region', () => {
    const estate = generateEstate(spec);
    const ids = new Set<string>();
    let count = 0;
    for (const region of estate.accounts.flatMap((a) => a.regions)) {
      const groups = new Set(region.securityGroups.map((g) => g.id));
      for (const instance of region.instances) for (const id of instance.securityGroupIds) expect(groups.has(id)).toBe(true);
      for (const item of [...region.securityGroups, ...region.instances, ...region.networkInterfaces]) {
        ids.add(item.id);
        count += 1;
      }
    }
    expect(ids.size).toBe(count);
  });

  it('generates 50,000 instances / 200,000 rules in a few seconds', () => {
    const started = performance.now();
    const estate = generateEstate({ instances: 50_000, groups: 10_000, rulesPerGroup: 20, enis: 60_000, eips: 10_000, seed: 42 });
    const ms = performance.now() - started;
    const t = totals(estate);
    console.log(`generateEstate 50k instances: ${ms.toFixed(0)} ms, ${t.rules} rules, ${t.enis} ENIs, ${t.eips} EIPs, heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB`);
    expect(t.instances).toBe(50_000);
    // Generous bound: the machine is shared; the printed time is the measurement.
    expect(ms).toBeLessThan(20_000);
  });
});

describe('parseGenerateSpec', () => {
  it('reads key=value lists', () => {
    expect(parseGenerateSpec('instances=50000,groups=10000,rulesPerGroup=20,enis=60000,eips=10000', 7)).toMatchObject({
      instances: 50000, groups: 10000, rulesPerGroup: 20, enis: 60000, eips: 10000, seed: 7,
    });
  });
  it.each(['instances=lots', 'vms=3', 'instances'])('rejects %s naming the part', (text) => {
    expect(() => parseGenerateSpec(text)).toThrow(SgauditError);
    expect(() => parseGenerateSpec(text)).toThrow(text.split('=')[0] ?? text);
  });
});
