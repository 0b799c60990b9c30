import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExposureAnswer } from '../../src/analyze/exposure-query.js';
import { sampleEstate } from '../../src/emulator/index.js';
import { writeSnapshot } from '../../src/model/snapshot-file.js';
import { SNAPSHOT_SCHEMA } from '../../src/model/snapshot.js';
import { runMain } from '../ops/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'sgaudit-exposure-'));
const snapshotPath = join(dir, 'sample.jsonl.gz');
const run = (...args: string[]) => runMain(args);

beforeAll(async () => {
  const accounts = sampleEstate().accounts;
  await writeSnapshot(snapshotPath, { schema: SNAPSHOT_SCHEMA, id: 'sample-1', takenAt: '2025-06-01T00:00:00Z', tool: { name: 'sgaudit', version: 'test' }, provider: 'alicloud', coverage: [], accounts });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sgaudit exposure', () => {
  it('answers "who has SSH open to the internet" in text, json and csv with the same interfaces', async () => {
    const text = await run('exposure', snapshotPath, '--port', 'tcp/22');
    expect(text.code).toBe(0);
    expect(text.stdout.split('\n')[0]).toMatch(/^tcp 22 from the internet: \d+ interfaces? on \d+ instances?$/);

    const json = await run('exposure', snapshotPath, '--port', 'tcp/22', '--format', 'json');
    const answer = JSON.parse(json.stdout) as ExposureAnswer;
    expect(answer.rows.length).toBeGreaterThan(0);
    expect(answer.rows.every((row) => row.protocol === 'tcp' && row.ports.from === 22 && row.ports.to === 22)).toBe(true);
    // Worst first: the first root cause is at least as severe as any row.
    expect(answer.rootCauses[0]?.severity).toBe(answer.rows[0]?.severity);
    for (const row of answer.rows) expect(text.stdout).toContain(row.interface.id);

    const csv = await run('exposure', snapshotPath, '--port', 'tcp/22', '--format', 'csv');
    const records = parseCsv(csv.stdout, { columns: true }) as Record<string, string>[];
    expect(records.map((record) => record.interface_id)).toEqual(answer.rows.map((row) => row.interface.id));
  });

  it('takes a partner range and a group as the source', async () => {
    const all = JSON.parse((await run('exposure', snapshotPath, '--format', 'json')).stdout) as ExposureAnswer;
    expect(all.question).toBe('any traffic from the internet');
    const group = all.rootCauses.find((cause) => cause.groupId)?.groupId as string;
    const fromGroup = await run('exposure', snapshotPath, '--from', group, '--format', 'json');
    expect(fromGroup.code).toBe(0);
    expect((JSON.parse(fromGroup.stdout) as ExposureAnswer).question).toBe(`any traffic from members of ${group}`);
    const partner = await run('exposure', snapshotPath, '--from', '203.0.113.0/24', '--port', 'tcp/3306', '--format', 'json');
    const rows = (JSON.parse(partner.stdout) as ExposureAnswer).rows;
    for (const row of rows) expect(row.breadth?.publicIpv4).toBeLessThanOrEqual(256);
  });

  it.each([
    [['--port', 'tcp/70000'], /--port: expected tcp\/PORT or tcp\/FROM-TO with ports 1–65535/],
    [['--port', 'icmp/8'], /--port: icmp has no ports/],
    [['--port', 'sctp/1'], /--port: expected PROTOCOL/],
    [['--from', 'sg-nope'], /--from: "sg-nope" is not internet, an address or CIDR, or a security group/],
    [['--format', 'xml'], /--format must be text, json or csv/],
  ])('refuses %j with a usage error', async (args, message) => {
    const { code, stdout, stderr } = await run('exposure', snapshotPath, ...args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
  });
});
