import { constants } from 'node:buffer';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileFormatError, SgauditError } from '../../src/model/errors.js';
import { readFindingsDocument } from '../../src/report/read-findings.js';
import { FIXTURE_PATH, loadFixture } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'sgaudit-read-findings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const valid = JSON.stringify(loadFixture());
const withFirstFinding = (change: Record<string, unknown>) => {
  const doc = JSON.parse(valid) as { findings: Record<string, unknown>[] };
  doc.findings[0] = { ...doc.findings[0], ...change };
  return JSON.stringify(doc);
};

const withDocument = (change: (doc: Record<string, unknown>) => void) => {
  const doc = JSON.parse(valid) as Record<string, unknown>;
  change(doc);
  return JSON.stringify(doc);
};
const withFinding = (index: number, change: (finding: Record<string, unknown>) => void) =>
  withDocument((doc) => {
    const finding = (doc.findings as Record<string, unknown>[])[index]!;
    expect(finding.evidence).not.toEqual([]);
    change(finding);
  });

describe('readFindingsDocument', () => {
  it('reads the fixture', async () => {
    const doc = await readFindingsDocument(FIXTURE_PATH);
    expect(doc.findings).toHaveLength(20);
  });

  it.each([
    ['empty.json', '', /empty\.json: empty file, expected a findings file$/],
    ['truncated.json', valid.slice(0, valid.length / 2), /truncated\.json: not valid JSON \(.*\); truncated or not a findings file\?$/],
    ['array.json', '[1,2]', /array\.json: not an sgaudit findings document \(no "schema" field, expected "sgaudit\/findings@1"\)$/],
    ['snapshot.json', JSON.stringify({ schema: 'sgaudit/snapshot@1', id: 'x' }), /snapshot\.json: not a findings document: it is a snapshot: run `sgaudit analyze \S+snapshot\.json` first/],
    ['other.json', JSON.stringify({ schema: 'someone/else@3', id: 'x' }), /other\.json: not an sgaudit findings document \(schema "someone\/else@3", expected "sgaudit\/findings@1"\)$/],
    ['severity.json', withFirstFinding({ severity: 'urgent' }), /severity\.json: findings\[0\]\.severity: /],
    ['extra-key.json', withFirstFinding({ colour: 'red' }), /extra-key\.json: findings\[0\]: Unrecognized key/],
    ['later-evidence.json', withFinding(7, (finding) => ((finding.evidence as Record<string, unknown>[])[0]!.role = 'witness')), /later-evidence\.json: findings\[7\]\.evidence\[0\]\.role: /],
    ['summary.json', withDocument((doc) => (doc.summary = { ...(doc.summary as object), total: 'many' })), /summary\.json: summary\.total: /],
    ['findings-object.json', withDocument((doc) => (doc.findings = {})), /findings-object\.json: findings: /],
  ])('rejects %s with one line naming the file and the problem', async (name, content, message) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    const error = await readFindingsDocument(path).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FileFormatError);
    expect((error as FileFormatError).exitCode).toBe(2);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
    expect((error as Error).message.startsWith(path)).toBe(true);
  });

  it('refuses a findings file too large for one string up front, with what to do instead', async () => {
    const path = join(dir, 'huge.json');
    // A JSON document's start (what a findings@1 file looks like), then sparse: the size is all that is read.
    writeFileSync(path, `{"schema":"sgaudit/findings@1","findings":[${' '.repeat(64 * 1024)}`);
    truncateSync(path, constants.MAX_STRING_LENGTH + 1);
    const error = await readFindingsDocument(path).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SgauditError);
    expect((error as SgauditError).exitCode).toBe(2);
    expect((error as Error).message).toMatch(/huge\.json: findings file of 512 MB is larger than one JSON document sgaudit can read/);
    expect((error as SgauditError).hint).toContain('-o findings.jsonl.gz');
    rmSync(path);
  });

  it('names a missing file', async () => {
    const error = await readFindingsDocument(join(dir, 'missing.json')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SgauditError);
    expect((error as SgauditError).code).toBe('FILE_NOT_FOUND');
    expect((error as SgauditError).exitCode).toBe(2);
    expect((error as Error).message).toBe(`${join(dir, 'missing.json')}: no such findings file`);
  });
});
