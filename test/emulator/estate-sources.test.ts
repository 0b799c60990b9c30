import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { estateFromFlags, faultsFromFlags, loadEstateFile, sampleEstate } from '../../src/emulator/index.js';
import { HOSTILE, SAMPLE_ACCOUNTS } from '../../src/emulator/sample-estate.js';
import { FileFormatError, SgauditError } from '../../src/model/errors.js';
import { Estate } from '../../src/model/snapshot.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/emulator/${name}`, import.meta.url));

describe('estate files', () => {
  it('loads a valid file with model defaults applied', async () => {
    const estate = await loadEstateFile(fixture('valid-estate.json'));
    expect(estate.accounts[0]?.regions[0]?.securityGroups[0]).toMatchObject({ id: 'sg-file-1', description: '', tags: {}, serviceManaged: false });
  });
  it.each([
    ['bad-priority.json', /bad-priority\.json: .*accounts\[0\]\.regions\[0\]\.securityGroups\[0\]\.rules\[0\]\.priority/],
    ['truncated.json', /truncated\.json: not valid JSON/],
  ])('%s fails naming the file and path', async (name, message) => {
    const error = await loadEstateFile(fixture(name)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileFormatError);
    expect((error as Error).message).toMatch(message);
  });
  it('names a missing file', async () => {
    await expect(loadEstateFile(fixture('nope.json'))).rejects.toThrow(/nope\.json: cannot read estate file \(no such file or directory\)/);
  });
});

describe('estate and fault flags', () => {
  it('defaults to the sample estate and refuses two sources at once', async () => {
    expect((await estateFromFlags({})).accounts.map((a) => a.accountId)).toEqual([SAMPLE_ACCOUNTS.production, SAMPLE_ACCOUNTS.shared]);
    await expect(estateFromFlags({ sample: true, generate: 'instances=5' })).rejects.toThrow(SgauditError);
    expect((await estateFromFlags({ generate: 'instances=10,groups=4,rulesPerGroup=2', seed: '3' })).accounts[0]?.regions.length).toBe(3);
  });
  it('turns flags into fault options and rejects shares outside 0–1', () => {
    expect(faultsFromFlags({ throttleRate: '0.05', errorRate: '0.05', latencyMs: '20', forbidRegion: ['ap-southeast-1'], rateLimit: '50', hang: ['3'] })).toEqual({
      throttleRate: 0.05, errorRate: 0.05, latencyMs: 20, forbidRegions: ['ap-southeast-1'], rateLimit: 50, hangRequests: [3],
    });
    expect(() => faultsFromFlags({ throttleRate: '5' })).toThrow(/--throttle-rate must be a share between 0 and 1/);
  });
});

describe('the built-in sample estate', () => {
  const estate = sampleEstate();
  const regions = estate.accounts.flatMap((account) => account.regions.map((region) => ({ account: account.accountId, ...region })));
  const groups = regions.flatMap((region) => region.securityGroups);
  const rules = groups.flatMap((group) => group.rules);
  const enis = regions.flatMap((region) => region.networkInterfaces);
  const text = JSON.stringify(estate);

  it('is a valid estate of demo size: 2 accounts, 2 regions, ~15+ groups, ~12+ instances', () => {
    expect(Estate.safeParse(estate).success).toBe(true);
    expect(new Set(regions.map((r) => r.regionId))).toEqual(new Set(['cn-hangzhou', 'ap-southeast-1']));
    expect(groups.length).toBeGreaterThanOrEqual(15);
    expect(regions.flatMap((r) => r.instances).length).toBeGreaterThanOrEqual(12);
  });

  it('is the same on every call', () => {
    expect(JSON.stringify(sampleEstate())).toBe(text);
  });

  it.each<[string, () => boolean]>([
    ['a drop at priority 1 in another group shadowing an accept', () => rules.some((r) => r.policy === 'drop' && r.priority === 1 && r.ports.from === 22)],
    ['equal-priority accept and drop', () => groups.some((g) => g.rules.some((a) => a.policy === 'accept' && g.rules.some((d) => d.policy === 'drop' && d.priority === a.priority && d.ports.from === a.ports.from)))],
    ['1–65535 accept above a 3306 drop', () => groups.some((g) => g.rules.some((a) => a.ports.from === 1 && a.ports.to === 65535 && a.policy === 'accept' && g.rules.some((d) => d.policy === 'drop' && d.ports.from === 3306 && d.priority > a.priority)))],
    ['1.0.0.0/1 source', () => rules.some((r) => r.source?.cidr === '1.0.0.0/1')],
    ['::/0 source on a group whose ENI has global IPv6', () => enis.some((e) => e.ipv6Addresses.length > 0 && e.securityGroupIds.some((id) => groups.find((g) => g.id === id)?.rules.some((r) => r.source?.ipv6Cidr === '::/0')))],
    ['prefix list with a public range', () => regions.some((r) => r.prefixLists.some((p) => p.entries.some((e) => e.cidr.startsWith('203.0.113.'))))],
    ['EIP on a secondary ENI', () => regions.some((r) => r.eips.some((eip) => eip.boundInstanceType === 'NetworkInterface' && r.networkInterfaces.some((e) => e.id === eip.boundInstanceId && e.type === 'Secondary')))],
    ['a group attached to nothing', () => groups.some((g) => !enis.some((e) => e.securityGroupIds.includes(g.id)))],
    ['a group used only by a managed-service ENI', () => groups.some((g) => enis.filter((e) => e.securityGroupIds.includes(g.id)).every((e) => e.serviceManaged) && enis.some((e) => e.securityGroupIds.includes(g.id)))],
    ['protocol ALL accept', () => rules.some((r) => r.protocol === 'all' && r.policy === 'accept')],
    ['internal tier with a public address', () => regions.some((r) => r.instances.some((i) => i.tags.tier === 'internal' && i.publicIps.length > 0 && i.name.startsWith('db-')))],
    ['reference to a missing group', () => rules.some((r) => r.source?.groupId === 'sg-bp1deleted000000001')],
    ['cross-account group reference', () => rules.some((r) => r.source?.ownerAccount === SAMPLE_ACCOUNTS.shared)],
    ['an ENI with 6 groups', () => enis.some((e) => e.securityGroupIds.length === 6)],
    ['a priority-110 default rule', () => rules.some((r) => r.priority === 110)],
    ['one unparseable rule', () => rules.filter((r) => r.problems?.length).length === 1],
    ['an enterprise group', () => groups.some((g) => g.type === 'enterprise' && g.innerAccessPolicy === 'drop')],
    ['a classic group with internet and intranet rules', () => groups.some((g) => !g.vpcId && g.rules.some((r) => r.nicType === 'internet') && g.rules.some((r) => r.nicType === 'intranet'))],
    ['hostile strings in name, description and tag value', () => Object.values(HOSTILE).every((s) => text.includes(JSON.stringify(s).slice(1, -1)))],
  ])('exercises: %s', (_name, holds) => {
    expect(holds()).toBe(true);
  });

  it('keeps each instance primary ENI in step with the instance groups', () => {
    for (const region of regions) {
      for (const instance of region.instances) {
        const primary = region.networkInterfaces.find((e) => e.instanceId === instance.id && e.type === 'Primary');
        expect(primary?.securityGroupIds).toEqual(instance.securityGroupIds);
      }
    }
  });
});
