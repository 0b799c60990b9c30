import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { sampleEstate, startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { runScan } from '../../src/pipeline/scan.js';
import { DEMO_CREDENTIALS } from '../../src/emulator/index.js';
import { configureLog } from '../../src/util/log.js';
import { REPO } from './helpers.js';

let emulator: RunningEmulator;
let dir: string;
beforeAll(async () => {
  configureLog({ level: 'quiet' });
  emulator = await startEmulator({ estate: sampleEstate() });
  dir = await mkdtemp(join(tmpdir(), 'sgaudit-perms-'));
});
afterAll(async () => {
  configureLog({ level: 'normal' });
  await emulator.close();
  await rm(dir, { recursive: true, force: true });
});

/** The actions listed in the policy JSON of docs/permissions.md, as `product:Action`. */
async function documentedActions(): Promise<string[]> {
  const doc = await readFile(join(REPO, 'docs/permissions.md'), 'utf8');
  const policy = /```json\n([\s\S]*?)```/.exec(doc)?.[1];
  expect(policy, 'docs/permissions.md has a JSON policy block').toBeDefined();
  return (JSON.parse(policy!) as { Statement: { Action: string[] }[] }).Statement.flatMap((s) => s.Action).sort();
}

describe('docs/permissions.md', () => {
  it('lists exactly the API actions a full multi-account scan calls (STS calls documented apart)', async () => {
    const production = sampleEstate().accounts[0]!.accountId;
    const shared = sampleEstate().accounts[1]!.accountId;
    await runScan({
      config: parseConfigText('', undefined),
      endpoint: emulator.url,
      credentials: { ...DEMO_CREDENTIALS },
      // no regions: DescribeRegions must be exercised too
      accounts: [{ accountId: production }, { accountId: shared, roleArn: `acs:ram::${shared}:role/sgaudit-readonly` }],
      storeDir: join(dir, 'snapshots'),
      outDir: join(dir, 'reports'),
      formats: ['json'],
    });
    // Without accounts the collector names the caller's own account through STS GetCallerIdentity.
    const own = await runScan({
      config: parseConfigText('', undefined),
      endpoint: emulator.url,
      credentials: { ...DEMO_CREDENTIALS },
      regions: ['cn-hangzhou'],
      storeDir: join(dir, 'snapshots'),
      outDir: join(dir, 'reports2'),
      formats: ['json'],
    });
    expect(new Set(own.document.coverage.map((entry) => entry.accountId))).toEqual(new Set([production]));
    // Resource Directory discovery from the management account: members through the audit role.
    const discovered = await runScan({
      config: parseConfigText('discover: resourceDirectory\nresourceDirectory: { roleName: sgaudit-readonly }', undefined),
      endpoint: emulator.url,
      credentials: { ...DEMO_CREDENTIALS },
      regions: ['cn-hangzhou'],
      storeDir: join(dir, 'snapshots'),
      outDir: join(dir, 'reports3'),
      formats: ['json'],
    });
    expect(discovered.incomplete).toBe(0);
    expect(new Set(discovered.document.coverage.map((entry) => entry.accountId))).toEqual(new Set([production, shared]));
    const called = [...new Set(emulator.requests().map((r) => `${r.product}:${r.action}`))].sort();
    const management = called.filter((action) => action.startsWith('resourcemanager:'));
    expect(management).toEqual(['resourcemanager:ListAccounts']);
    const readOnly = called.filter((action) => !action.startsWith('sts:') && !management.includes(action));
    expect(readOnly).toEqual(await documentedActions());
    // The management account's policy names what discovery calls, and AssumeRole on the audit role.
    const managementPolicy = /<!-- management-policy -->\n```json\n([\s\S]*?)```/.exec(await readFile(join(REPO, 'docs/permissions.md'), 'utf8'))?.[1];
    const statements = (JSON.parse(managementPolicy ?? '{}') as { Statement: { Action: string[]; Resource: string }[] }).Statement;
    expect(statements.flatMap((statement) => statement.Action).sort()).toEqual([...management, 'sts:AssumeRole']);
    expect(statements.find((statement) => statement.Action.includes('sts:AssumeRole'))?.Resource).toBe('acs:ram::*:role/sgaudit-readonly');
    // Cross-account access is documented separately from the read-only policy.
    const sts = called.filter((action) => action.startsWith('sts:'));
    const doc = await readFile(join(REPO, 'docs/permissions.md'), 'utf8');
    for (const action of sts) expect(doc).toContain(`"${action}"`);
  });
});
