import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleEstate } from '../../src/emulator/index.js';
import { sniffFileKind } from '../../src/model/file-kind.js';
import { readSnapshot, writeSnapshot } from '../../src/model/snapshot-file.js';
import { SNAPSHOT_SCHEMA } from '../../src/model/snapshot.js';
import { readFindingsDocument } from '../../src/report/read-findings.js';
import { writeFindingsFile } from '../../src/report/write-findings.js';
import { loadFixture } from '../report/helpers.js';

/** Each reader recognises sgaudit's other file kinds and names the command that takes them. */
const FINDINGS = new URL('../fixtures/report/findings.json', import.meta.url).pathname;
const STATE = new URL('../fixtures/drift/terraform/clean.tfstate.json', import.meta.url).pathname;
const NESTED_SNAPSHOT = new URL('../fixtures/drift/new-exposure/new.json', import.meta.url).pathname;
let dir: string;
let snapshot: string;
let findingsFile: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sgaudit-file-kind-'));
  snapshot = join(dir, 'snap.jsonl.gz');
  findingsFile = join(dir, 'findings.jsonl.gz');
  await writeFindingsFile(findingsFile, loadFixture());
  await writeSnapshot(snapshot, { schema: SNAPSHOT_SCHEMA, id: 's', takenAt: '2026-01-01T00:00:00.000Z', tool: { name: 'sgaudit', version: 'test' }, provider: 'alicloud', coverage: [], accounts: sampleEstate().accounts });
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('file kinds', () => {
  it('are recognised from their first bytes', async () => {
    expect(await sniffFileKind(snapshot)).toBe('snapshot');
    expect(await sniffFileKind(FINDINGS)).toBe('findings');
    expect(await sniffFileKind(findingsFile)).toBe('findings');
    expect(await sniffFileKind(STATE)).toBe('terraform-state');
    expect(await sniffFileKind(join(dir, 'missing'))).toBe('unknown');
  });

  it.each([
    ['a snapshot given to report', () => readFindingsDocument(snapshot), () => `${snapshot}: not a findings document: it is a snapshot: run \`sgaudit analyze ${snapshot}\` first (or \`sgaudit explain ${snapshot} <id>\`)`],
    ['findings given to analyze', () => readSnapshot(FINDINGS), () => `${FINDINGS}: not a snapshot: it is a findings document: render it with \`sgaudit report ${FINDINGS}\``],
    ['a findings@2 file given to analyze', () => readSnapshot(findingsFile), () => `${findingsFile}: not a snapshot: it is a findings document: render it with \`sgaudit report ${findingsFile}\``],
    ['Terraform state given to analyze', () => readSnapshot(STATE), () => `${STATE}: not a snapshot: it is Terraform state: compare it with a snapshot, \`sgaudit diff ${STATE} <snapshot>\``],
  ])('%s says which command takes it', async (_name, read, message) => {
    await expect(read()).rejects.toThrow(message());
  });

  it('leaves a nested-JSON snapshot readable', async () => {
    await expect(readSnapshot(NESTED_SNAPSHOT)).resolves.toMatchObject({ schema: SNAPSHOT_SCHEMA });
  });
});
