import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS, generateEstate, resourceDirectoryFor, startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { readSnapshot } from '../../src/model/snapshot-file.js';
import type { FindingsDocument } from '../../src/model/findings.js';
import { configureLog } from '../../src/util/log.js';
import { runMainWithEnv, type MainRun } from '../ops/helpers.js';
import { canonicalAccounts, withTempDir } from './helpers.js';

/**
 * An organisation through the real CLI: five accounts discovered in the emulator's Resource
 * Directory — the management account, two members that can be entered, one whose role refuses
 * the caller, one suspended. Three are collected completely, the other two are recorded with code
 * and request id, the scan exits 0 (3 with --strict), and every report has a row per account.
 */
const estate = generateEstate({ instances: 40, groups: 15, rulesPerGroup: 4, enis: 50, eips: 6, accounts: 5, regions: 1, prefixLists: 1, seed: 11 });
const ids = estate.accounts.map((account) => account.accountId) as [string, string, string, string, string];
const [management, , , denied, suspended] = ids;
const region = estate.accounts[0]!.regions[0]!.regionId;
const env = { ALIBABA_CLOUD_ACCESS_KEY_ID: DEMO_CREDENTIALS.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: DEMO_CREDENTIALS.accessKeySecret, SGAUDIT_CONFIG: '' };

const runCli = (args: string[]): Promise<MainRun> => runMainWithEnv(args, env);

async function filesBelow(dir: string): Promise<{ name: string; text: string }[]> {
  const names = (await readdir(dir, { recursive: true })).filter((name) => /\.(gz|html|md|json)$/.test(name));
  return Promise.all(
    names.map(async (name) => {
      const raw = await readFile(join(dir, name));
      return { name, text: name.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8') };
    }),
  );
}

/** Rows of the Markdown table under a heading. */
function tableRows(markdown: string, heading: RegExp): string[] {
  const start = markdown.split('\n').findIndex((line) => heading.test(line));
  const rows: string[] = [];
  for (const line of markdown.split('\n').slice(start + 1)) {
    if (line.startsWith('|')) rows.push(line);
    else if (rows.length > 0) break;
  }
  return rows.slice(2);
}

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({
    estate,
    resourceDirectory: resourceDirectoryFor(estate, { statuses: { [suspended]: 'Suspended' } }),
    faults: { denyAssumeRoleAccounts: [denied] },
  });
});
afterAll(async () => {
  configureLog({ level: 'normal', format: 'text' });
  await emulator.close();
});

describe('Resource Directory discovery, through the CLI', () => {
  it('5 accounts discovered, one role denied and one suspended: 3 complete, 2 recorded with reasons, exit 0 (3 with --strict), a row per account in every report', async () => {
    await withTempDir(async (dir) => {
      const args = ['scan', '--discover', '--endpoint', emulator.url, '--regions', region, '--store', join(dir, 'store'), '--format', 'html,md,json'];
      const relaxed = await runCli([...args, '--out', join(dir, 'relaxed')]);
      expect(relaxed.code, relaxed.stderr).toBe(0);
      const [snapshotPath] = relaxed.stdout.trim().split('\n');
      const snapshot = await readSnapshot(snapshotPath as string);

      // Three accounts collected, exactly as the estate holds them, with their directory names.
      expect(canonicalAccounts(snapshot.accounts)).toEqual(canonicalAccounts(estate.accounts.slice(0, 3)));
      expect(snapshot.accounts.map((account) => account.alias).sort()).toEqual(['generated-1', 'generated-2', 'generated-3']);
      for (const id of ids.slice(0, 3)) {
        const entries = snapshot.coverage.filter((entry) => entry.accountId === id);
        expect(entries.every((entry) => entry.status === 'complete'), id).toBe(true);
        expect(entries.filter((entry) => entry.regionId === region)).toHaveLength(7);
      }
      // Members are entered through AssumeRole, the management account with its own keys.
      expect(snapshot.coverage.filter((entry) => entry.api === 'AssumeRole' && entry.status === 'complete').map((entry) => entry.accountId).sort()).toEqual([ids[1], ids[2]]);
      expect(snapshot.coverage.find((entry) => entry.api === 'ListAccounts')).toMatchObject({ accountId: management, alias: 'generated-1', status: 'complete', items: 5 });

      // The two others: one coverage entry each, with code and the request id of the answer that said so.
      const recorded = snapshot.coverage.filter((entry) => entry.status !== 'complete');
      expect(recorded.map((entry) => [entry.accountId, entry.alias, entry.regionId, entry.api, entry.status, entry.code])).toEqual([
        [denied, 'generated-4', 'global', 'AssumeRole', 'denied', 'NoPermission'],
        [suspended, 'generated-5', 'global', 'AssumeRole', 'failed', 'AccountNotActive'],
      ]);
      const answered = new Map(emulator.requests().map((request) => [request.requestId, request]));
      expect(answered.get(recorded[0]!.requestId)).toMatchObject({ action: 'AssumeRole', code: 'NoPermission', params: { RoleArn: `acs:ram::${denied}:role/ResourceDirectoryAccountAccessRole` } });
      expect(answered.get(recorded[1]!.requestId)).toMatchObject({ action: 'ListAccounts', status: 200 });
      expect(recorded[1]!.message).toMatch(/"Suspended", not active/);
      // Suspended members can often still be assumed: sgaudit does not even try.
      expect(emulator.requests().filter((request) => request.action === 'AssumeRole' && request.params.RoleArn?.includes(suspended))).toEqual([]);

      // One warning line per account that was not collected: account, region, API, code, request id.
      const warnings = relaxed.stderr.split('\n').filter((line) => line.startsWith('warn: account')).sort();
      expect(warnings).toEqual([
        expect.stringMatching(new RegExp(`^warn: account ${denied} \\(generated-4\\), region global, AssumeRole, denied, code NoPermission, request id [0-9A-F-]{36}: `)),
        expect.stringMatching(new RegExp(`^warn: account ${suspended} \\(generated-5\\), region global, AssumeRole, failed, code AccountNotActive, request id [0-9A-F-]{36}: `)),
      ]);
      // The summary names accounts: the two not collected first.
      const byAccount = relaxed.stderr.split('\n');
      const at = byAccount.findIndex((line) => line === 'by account (5):');
      expect(byAccount.slice(at + 1, at + 3)).toEqual([
        expect.stringMatching(new RegExp(`^  ${denied} \\(generated-4\\) +NOT COLLECTED — AssumeRole denied, NoPermission, request id `)),
        expect.stringMatching(new RegExp(`^  ${suspended} \\(generated-5\\) +NOT COLLECTED — AssumeRole failed, AccountNotActive, request id `)),
      ]);

      // Per-account rows: Markdown, HTML, and the JSON findings document they are built from.
      const reports = join(dir, 'relaxed');
      const markdown = await readFile(join(reports, 'findings.md'), 'utf8');
      const rows = tableRows(markdown, /^### Accounts \(5\)$/);
      expect(rows).toHaveLength(5);
      expect(rows[0]).toMatch(new RegExp(`^\\| \`${denied}\` \\| generated-4 \\| Alibaba Cloud \\| not collected: AssumeRole denied, NoPermission, request id ${recorded[0]!.requestId}`));
      expect(rows[1]).toMatch(new RegExp(`^\\| \`${suspended}\` \\| generated-5 \\| Alibaba Cloud \\| not collected: AssumeRole failed, AccountNotActive, request id ${recorded[1]!.requestId}`));
      for (const row of rows.slice(2)) expect(row).toMatch(/^\| `\d+` \| generated-[123] \| Alibaba Cloud \| complete \|/);
      const document = JSON.parse(await readFile(join(reports, 'findings.json'), 'utf8')) as FindingsDocument;
      for (const row of rows.slice(2)) {
        const id = /`(\d+)`/.exec(row)?.[1];
        const open = document.findings.filter((finding) => finding.accountId === id && !finding.suppressed);
        const cells = row.split('|').map((cell) => cell.trim());
        expect(cells.slice(5, 10).map(Number), id).toEqual(['critical', 'high', 'medium', 'low', 'info'].map((severity) => open.filter((finding) => finding.severity === severity).length));
      }
      const html = await readFile(join(reports, 'findings.html'), 'utf8');
      const section = /<section id="accounts"[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
      expect(section.match(/<tr id="account-\d+"/g)).toHaveLength(5);
      expect(section).toContain(`<tr id="account-${denied}" class="account-not-collected">`);
      expect(section).toMatch(new RegExp(`data-account="${ids[0]}">show \\d+</a>`));
      expect(html).toMatch(new RegExp(`<option value="${ids[1]}">${ids[1]} \\(generated-2\\)</option>`));

      const strict = await runCli([...args, '--out', join(dir, 'strict'), '--strict']);
      expect(strict.code).toBe(3);

      // The run's AssumeRole sessions name sgaudit and the snapshot; their keys appear nowhere.
      const sessions = emulator.stsSessions();
      expect(new Set(sessions.map((session) => session.sessionName))).toContain(`sgaudit-${snapshot.id}`);
      const secrets = [DEMO_CREDENTIALS.accessKeySecret, ...sessions.flatMap((session) => [session.accessKeySecret, session.securityToken])];
      for (const { name, text } of [...(await filesBelow(dir)), { name: 'output', text: relaxed.stdout + relaxed.stderr + strict.stdout + strict.stderr }]) {
        for (const secret of secrets) expect(text.includes(secret), `${name} holds a secret`).toBe(false);
      }
    });
  });

  it('--accounts selects among the discovered members (names, globs); analyze and report narrow their views the same way', async () => {
    await withTempDir(async (dir) => {
      const collected = await runCli(['collect', '--discover', '--accounts', 'generated-2,*-3', '--endpoint', emulator.url, '--regions', region, '--store', dir, '--strict']);
      expect(collected.code, collected.stderr).toBe(0);
      const snapshotPath = collected.stdout.trim();
      const snapshot = await readSnapshot(snapshotPath);
      expect(snapshot.accounts.map((account) => account.accountId).sort()).toEqual([ids[1], ids[2]]);

      const analyzed = await runCli(['analyze', snapshotPath, '--accounts', ids[2]]);
      expect(analyzed.code, analyzed.stderr).toBe(0);
      const narrowed = JSON.parse(analyzed.stdout) as FindingsDocument;
      expect(new Set(narrowed.findings.map((finding) => finding.accountId))).toEqual(new Set([ids[2]]));
      expect(new Set(narrowed.coverage.map((entry) => entry.accountId))).toEqual(new Set([ids[2]]));
      expect(narrowed.summary.total).toBe(narrowed.findings.length);

      expect((await runCli(['analyze', snapshotPath, '-o', join(dir, 'findings.jsonl.gz')])).code).toBe(0);
      const whole = JSON.parse((await runCli(['analyze', snapshotPath])).stdout) as FindingsDocument;
      const reported = await runCli(['report', join(dir, 'findings.jsonl.gz'), '--accounts', 'generated-2', '--format', 'json', '--out', join(dir, 'one')]);
      expect(reported.code, reported.stderr).toBe(0);
      const one = JSON.parse(await readFile(join(dir, 'one', 'findings.json'), 'utf8')) as FindingsDocument;
      expect(one.findings.map((finding) => finding.id)).toEqual(whole.findings.filter((finding) => finding.accountId === ids[1]).map((finding) => finding.id));
      expect(one.rootCauses?.every((cause) => cause.accountId === ids[1])).toBe(true);
      expect(one.findings.length).toBeGreaterThan(0);
      expect(one.findings.length).toBeLessThan(whole.findings.length);

      const none = await runCli(['report', join(dir, 'findings.jsonl.gz'), '--accounts', 'nobody', '--format', 'md', '--out', join(dir, 'none')]);
      expect(none.code).toBe(2);
      expect(none.stderr).toBe(`error: --accounts nobody matches no account of these findings (${ids[1]} (generated-2), ${ids[2]} (generated-3))\n`);
    });
  });

  it('when the directory cannot be listed, discovery is recorded as failed and nothing reads as empty (exit 3)', async () => {
    const bare = await startEmulator({ estate, resourceDirectory: false });
    try {
      await withTempDir(async (dir) => {
        const run = await runCli(['collect', '--discover', '--endpoint', bare.url, '--regions', region, '--store', dir, '--strict']);
        expect(run.code).toBe(3);
        const snapshot = await readSnapshot(run.stdout.trim());
        expect(snapshot.accounts).toEqual([]);
        expect(snapshot.coverage).toEqual([
          expect.objectContaining({ accountId: management, regionId: 'global', api: 'ListAccounts', status: 'failed', code: 'EntityNotExists.ResourceDirectory', requestId: expect.stringMatching(/^[0-9A-F-]{36}$/) }),
        ]);
      });
    } finally {
      await bare.close();
    }
  });
});
