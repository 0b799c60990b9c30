import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import Ajv2020 from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { specFor } from '../../bench/estate-spec.js';
import { analyzeSnapshot } from '../../src/analyze/engine.js';
import { generateEstate, sampleEstate } from '../../src/emulator/index.js';
import { FileFormatError } from '../../src/model/errors.js';
import { sniffFileKind } from '../../src/model/file-kind.js';
import { findingsLineJsonSchema } from '../../src/model/findings-file.js';
import type { FindingsDocument } from '../../src/model/findings.js';
import { writeSnapshot } from '../../src/model/snapshot-file.js';
import { SNAPSHOT_SCHEMA, type Snapshot } from '../../src/model/snapshot.js';
import { normalizeFinding, renderJson } from '../../src/report/json.js';
import { parseFindingsDocument, readFindingsDocument } from '../../src/report/read-findings.js';
import { writeFindingsFile } from '../../src/report/write-findings.js';
import { loadFixture } from './helpers.js';
import { syntheticFindings } from './synthetic-findings.js';

/**
 * sgaudit/findings@2 (src/model/findings-file.ts): what `analyze -o` and `scan` write must read
 * back as the very document a findings@1 JSON file of the same findings gives, and every broken
 * file must be refused in one line naming the file, the line and the problem.
 */
const REPO = new URL('../..', import.meta.url).pathname;
let dir: string;
const snapshotOf = (accounts: Snapshot['accounts']): Snapshot => ({ schema: SNAPSHOT_SCHEMA, id: 'estate', takenAt: '2026-01-01T00:00:00.000Z', tool: { name: 'sgaudit', version: 'test' }, provider: 'alicloud', coverage: [], accounts });
let estate: FindingsDocument;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sgaudit-findings-file-'));
  estate = analyzeSnapshot(snapshotOf(generateEstate(specFor(500)).accounts), { now: new Date('2026-01-01T00:00:00Z') });
}, 60_000);
afterAll(async () => rm(dir, { recursive: true, force: true }));

/** What a findings@1 file of the document reads back as. */
const viaJson = (doc: FindingsDocument) => parseFindingsDocument('findings.json', renderJson(doc));

async function writeAndRead(name: string, doc: FindingsDocument): Promise<{ read: FindingsDocument; lines: Record<string, unknown>[]; path: string }> {
  const path = join(dir, `${name}.jsonl.gz`);
  await writeFindingsFile(path, doc);
  const text = gunzipSync(readFileSync(path)).toString('utf8');
  expect(text.endsWith('\n')).toBe(true);
  return { read: await readFindingsDocument(path), lines: text.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>), path };
}

/** Documents the round trip covers: the report fixture, an analyzed generated estate, synthetic findings, and the sample estate with drift. */
const documents: [string, () => FindingsDocument][] = [
  ['the report fixture', loadFixture],
  ['a generated estate of 500 instances, analyzed', () => estate],
  ['synthetic findings (suppressed ones, drift, long evidence)', () => syntheticFindings({ findings: 2_000, seed: 7 })],
  ['the sample estate against a baseline', () => analyzeSnapshot(snapshotOf(sampleEstate().accounts), { baseline: snapshotOf(sampleEstate().accounts.slice(0, 1)), now: new Date('2026-01-01T00:00:00Z') })],
  [
    'findings whose remediation and docs are not their check’s, or whose check is not in the catalog',
    () => {
      const doc = loadFixture();
      const [first, second, third, ...rest] = doc.findings;
      return {
        ...doc,
        findings: [
          { ...first!, remediation: 'Something else entirely.', docs: undefined },
          { ...second!, docs: 'docs/elsewhere.md' },
          { ...third!, check: 'not-in-the-catalog', docs: undefined },
          ...rest,
        ],
      };
    },
  ],
  ['no findings at all', () => ({ ...loadFixture(), findings: [], rootCauses: [] })],
];

describe('findings@2 round trip', () => {
  it.each(documents)('%s reads back as its findings@1 JSON does', async (name, document) => {
    const doc = document();
    const { read, lines } = await writeAndRead(name.replace(/\W+/g, '-'), doc);
    expect(read).toEqual(viaJson(doc));
    // The same bytes once rendered: nothing is lost or reordered, whatever the file's own order.
    expect(renderJson(read)).toBe(renderJson(doc));
    expect(lines[0]).toMatchObject({ schema: 'sgaudit/findings@2', counts: { findings: doc.findings.length } });
    expect(lines.at(-1)).toEqual({ end: true, findings: doc.findings.length });
  });

  it('writes every finding in the order normalizeFinding gives (direct encoding and validated path agree)', async () => {
    const definedKeys = (value: object) => Object.entries(value).filter(([, member]) => member !== undefined).map(([key]) => key);
    let compared = 0;
    for (const [name, document] of documents) {
      const doc = document();
      const byId = new Map(doc.findings.map((finding) => [finding.id, finding]));
      const { lines } = await writeAndRead(`order-${name.replace(/\W+/g, '-')}`, doc);
      for (const line of lines) {
        const written = line.finding as (Record<string, unknown> & { id: string; detail: Record<string, unknown> }) | undefined;
        if (!written) continue;
        const normalized = normalizeFinding(byId.get(written.id)!);
        // remediation and docs may be left out (or docs null) when they are the check's.
        expect(Object.keys(written).filter((key) => key !== 'remediation' && key !== 'docs')).toEqual(definedKeys(normalized).filter((key) => key !== 'remediation' && key !== 'docs'));
        expect(Object.keys(written)).toEqual(Object.keys(normalized).filter((key) => key in written));
        expect(Object.keys(written.detail)).toEqual(definedKeys(normalized.detail));
        for (const member of ['resource', 'breadth', 'instance', 'suppressed'] as const) {
          const expected = normalized[member];
          expect(written[member] === undefined ? undefined : Object.keys(written[member] as object)).toEqual(expected && definedKeys(expected));
        }
        expect(JSON.stringify(written.detail)).toBe(JSON.stringify(normalized.detail));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(2_000);
  });

  it('writes each evidence rule once, before the first finding that refers to it', async () => {
    const { lines } = await writeAndRead('dedupe', estate);
    const rules = lines.filter((line) => 'rule' in line);
    const references = lines.flatMap((line) => ((line.finding as { evidence?: { rule: number }[] } | undefined)?.evidence ?? []).map((ref) => ref.rule));
    expect(rules.length).toBe((lines[0]!.counts as { rules: number }).rules);
    expect(rules.length).toBeLessThan(references.length / 2);
    expect(new Set(rules.map(({ rule: _rule, ...fields }) => JSON.stringify(fields))).size).toBe(rules.length);
    let defined = 0;
    for (const line of lines.slice(1)) {
      if ('rule' in line) expect(line.rule).toBe(defined++);
      for (const ref of (line.finding as { evidence?: { rule: number }[] } | undefined)?.evidence ?? []) expect(ref.rule).toBeLessThan(defined);
    }
  });

  it('leaves out the remediation and docs a finding shares with its check, and marks docs the check has but the finding lacks', async () => {
    const [, document] = documents[4]!;
    const { lines } = await writeAndRead('defaults', document());
    const findings = lines.filter((line) => 'finding' in line).map((line) => line.finding as Record<string, unknown>);
    const byMessage = (doc: FindingsDocument, index: number) => findings.find((finding) => finding.id === doc.findings[index]!.id)!;
    const doc = document();
    expect(byMessage(doc, 0)).toMatchObject({ remediation: 'Something else entirely.', docs: null });
    expect(byMessage(doc, 1)).toMatchObject({ docs: 'docs/elsewhere.md' });
    expect(byMessage(doc, 1)).not.toHaveProperty('remediation');
    expect(byMessage(doc, 2)).toHaveProperty('remediation');
    expect(byMessage(doc, 2)).not.toHaveProperty('docs');
    expect(findings.filter((finding) => 'remediation' in finding).length).toBeLessThanOrEqual(2);
  });

  it('groups the findings of a root cause together, worst root cause first, findings without one last', async () => {
    const { lines } = await writeAndRead('grouped', estate);
    const causes = estate.rootCauses ?? [];
    expect(causes.length).toBeGreaterThan(10);
    const rank = new Map(causes.map((cause, index) => [`${cause.accountId}/${cause.regionId}/${cause.key}`, index]));
    const ranks = lines
      .filter((line) => 'finding' in line)
      .map((line) => line.finding as { accountId: string; regionId: string; rootCauses?: string[] })
      .map((finding) => Math.min(causes.length, ...(finding.rootCauses ?? []).map((key) => rank.get(`${finding.accountId}/${finding.regionId}/${key}`) ?? causes.length)));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(new Set(ranks).size).toBeGreaterThan(10);
  });

  it('shares one evidence object per rule and role', async () => {
    const { read } = await writeAndRead('shared', estate);
    const evidence = read.findings.flatMap((finding) => finding.evidence);
    expect(new Set(evidence).size).toBe(new Set(evidence.map((entry) => JSON.stringify(entry))).size);
    expect(new Set(evidence).size).toBeLessThan(evidence.length);
  });

  it('reads the file decompressed as well, and a findings@1 file as before', async () => {
    const { path } = await writeAndRead('plain', loadFixture());
    const plain = join(dir, 'plain.jsonl');
    writeFileSync(plain, gunzipSync(readFileSync(path)));
    expect(await readFindingsDocument(plain)).toEqual(viaJson(loadFixture()));
    const json = join(dir, 'findings.json');
    writeFileSync(json, renderJson(loadFixture()));
    expect(await readFindingsDocument(json)).toEqual(viaJson(loadFixture()));
    expect(await sniffFileKind(path)).toBe('findings');
  });

  it('never leaves a partial file: a document that fails validation writes nothing', async () => {
    const doc = loadFixture();
    const target = join(dir, 'atomic', 'findings.jsonl.gz');
    const broken = { ...doc, findings: [...doc.findings, { ...doc.findings[0]!, severity: 'urgent' as never }] };
    await expect(writeFindingsFile(target, broken)).rejects.toThrow(/severity/);
    expect(readdirSync(join(dir, 'atomic'))).toEqual([]);
  });
});

describe('findings@2 line schema', () => {
  const file = join(REPO, 'schema/findings-line.schema.json');
  const generated = `${JSON.stringify(findingsLineJsonSchema(), null, 2)}\n`;

  it('schema/findings-line.schema.json is up to date (UPDATE_GENERATED=1 rewrites it)', () => {
    if (process.env.UPDATE_GENERATED === '1') writeFileSync(file, generated);
    expect(readFileSync(file, 'utf8')).toBe(generated);
  });

  it('accepts every line sgaudit writes', async () => {
    const validate = new Ajv2020.default({ strict: false }).compile(JSON.parse(generated) as object);
    const { lines } = await writeAndRead('schema', syntheticFindings({ findings: 300, seed: 3 }));
    for (const line of lines) expect(validate(line), JSON.stringify(validate.errors)).toBe(true);
  });
});

describe('broken findings@2 files', () => {
  let lines: string[];
  /** Line numbers (1-based) of the first rule line and the first finding line. */
  let firstRule: number;
  let firstFinding: number;

  beforeAll(async () => {
    const path = join(dir, 'valid.jsonl.gz');
    await writeFindingsFile(path, loadFixture());
    lines = gunzipSync(readFileSync(path)).toString('utf8').trimEnd().split('\n');
    firstRule = lines.findIndex((line) => line.startsWith('{"rule"')) + 1;
    firstFinding = lines.findIndex((line) => line.startsWith('{"finding"')) + 1;
  });

  const edit = (lineNumber: number, change: (value: Record<string, unknown>) => void) => (all: string[]) =>
    all.map((line, index) => {
      if (index !== lineNumber - 1) return line;
      const value = JSON.parse(line) as Record<string, unknown>;
      change(value);
      return JSON.stringify(value);
    });
  const finding = (value: Record<string, unknown>) => value.finding as Record<string, unknown>;
  const gz = (all: string[]) => gzipSync(`${all.join('\n')}\n`);

  /** name → the file's bytes from the valid file's lines, and the message (after `<path>`). */
  const cases: [string, (all: string[]) => Buffer, () => RegExp][] = [
    ['truncated gzip', (all) => gz(all).subarray(0, Math.floor(gz(all).length / 2)), () => /^(:\d+)?: truncated \(the compressed stream ends early\)$/],
    ['no end line', (all) => gz(all.slice(0, -1)), () => new RegExp(`^:${lines.length - 1}: truncated \\(no end line\\)$`)],
    ['cut after the header', (all) => gz(all.slice(0, 1)), () => /^:1: truncated \(no end line\)$/],
    ['an empty gzip stream', () => gzipSync(''), () => /^: empty file$/],
    ['corrupt gzip data', () => Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.from('not deflate at all')]), () => /^: corrupt gzip data$/],
    ['a reference to an unknown rule', (all) => gz(edit(firstFinding, (v) => ((finding(v).evidence as { rule: number }[])[0]!.rule = 999))(all)), () => new RegExp(`^:${firstFinding}: finding\\.evidence\\[0\\]\\.rule: unknown rule 999 \\(not defined on an earlier line\\)$`)],
    ['a reference to a rule defined later', (all) => gz(edit(firstFinding, (v) => ((finding(v).evidence as { rule: number }[])[0]!.rule = 3))(all)), () => new RegExp(`^:${firstFinding}: finding\\.evidence\\[0\\]\\.rule: unknown rule 3`)],
    ['an invalid severity', (all) => gz(edit(firstFinding, (v) => (finding(v).severity = 'urgent'))(all)), () => new RegExp(`^:${firstFinding}: finding\\.severity: `)],
    ['an unknown member of a finding', (all) => gz(edit(firstFinding, (v) => (finding(v).colour = 'red'))(all)), () => new RegExp(`^:${firstFinding}: finding: Unrecognized key`)],
    ['an unknown evidence role', (all) => gz(edit(firstFinding, (v) => ((finding(v).evidence as { role: string }[])[0]!.role = 'witness'))(all)), () => new RegExp(`^:${firstFinding}: finding\\.evidence\\[0\\]\\.role: `)],
    ['a full evidence entry instead of a reference', (all) => gz(edit(firstFinding, (v) => ((finding(v).evidence as unknown[])[0] = { role: 'decides', groupId: 'sg-1' }))(all)), () => new RegExp(`^:${firstFinding}: finding\\.evidence\\[0\\]`)],
    ['a finding of an unknown check without its remediation', (all) => gz(edit(firstFinding, (v) => (finding(v).check = 'not-a-check'))(all)), () => new RegExp(`^:${firstFinding}: finding\\.remediation: missing, and check "not-a-check" is not in the header's checks`)],
    ['an invalid rule', (all) => gz(edit(firstRule, (v) => (v.priority = 'first'))(all)), () => new RegExp(`^:${firstRule}: rule line: priority: `)],
    ['rules out of order', (all) => gz(edit(firstRule, (v) => (v.rule = 5))(all)), () => new RegExp(`^:${firstRule}: rule 5 out of order: rules are numbered from 0 in the order they first appear, expected 0$`)],
    ['a line that is not JSON', (all) => gz(all.map((line, index) => (index === firstFinding - 1 ? line.slice(0, 40) : line))), () => new RegExp(`^:${firstFinding}: not JSON \\(a corrupt or cut line\\)$`)],
    ['a line of no known kind', (all) => gz([...all.slice(0, 2), '{"kind":"securityGroup"}', ...all.slice(2)]), () => /^:3: not a rule, finding or end line$/],
    ['data after the end line', (all) => gz([...all, all[firstFinding - 1]!]), () => new RegExp(`^:${lines.length + 1}: data after the end line$`)],
    ['an end line that counts wrong', (all) => gz(edit(all.length, (v) => (v.findings = 21))(all)), () => new RegExp(`^:${lines.length}: end line counts 21 findings but 20 were read$`)],
    ['a header that counts wrong', (all) => gz(edit(1, (v) => ((v.counts as { findings: number }).findings = 21))(all)), () => new RegExp(`^:${lines.length}: header counts 21 findings but 20 were read$`)],
    ['a header that counts rules wrong', (all) => gz(edit(1, (v) => ((v.counts as { rules: number }).rules += 1))(all)), () => /^: header counts \d+ rules but \d+ were read$/],
    ['an invalid header', (all) => gz(edit(1, (v) => ((v.summary as { total: unknown }).total = 'many'))(all)), () => /^:1: summary\.total: /],
    ['a header without counts', (all) => gz(edit(1, (v) => delete v.counts)(all)), () => /^:1: counts: /],
    ['another schema version', (all) => gz(edit(1, (v) => (v.schema = 'sgaudit/findings@3'))(all)), () => /^:1: not an sgaudit findings document \(schema "sgaudit\/findings@3", expected "sgaudit\/findings@2"\)$/],
    ['a foreign gzip JSON Lines file', () => gzipSync('{"hello":"world"}\n'), () => /^:1: not an sgaudit findings document \(no "schema" field, expected "sgaudit\/findings@2"\)$/],
    ['a gzipped findings@1 document', () => gzipSync(renderJson(loadFixture())), () => /^:1: not an sgaudit findings document \(the first line is not JSON\)$/],
  ];

  it.each(cases)('refuses %s in one line naming the file', async (name, bytes, message) => {
    const path = join(dir, `${name.replace(/\W+/g, '-')}.jsonl.gz`);
    writeFileSync(path, bytes(lines));
    const error = await readFindingsDocument(path).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FileFormatError);
    expect((error as FileFormatError).exitCode).toBe(2);
    const text = (error as Error).message;
    expect(text.startsWith(path)).toBe(true);
    expect(text.slice(path.length)).toMatch(message());
    expect(text).not.toContain('\n');
  });

  it('says a snapshot given as findings is a snapshot, and which command takes it', async () => {
    const path = join(dir, 'snapshot.jsonl.gz');
    await writeSnapshot(path, snapshotOf(sampleEstate().accounts));
    await expect(readFindingsDocument(path)).rejects.toThrow(`${path}: not a findings document: it is a snapshot: run \`sgaudit analyze ${path}\` first (or \`sgaudit explain ${path} <id>\`)`);
  });

  it('names a file it cannot read', async () => {
    mkdirSync(join(dir, 'a-directory'));
    await expect(readFindingsDocument(join(dir, 'a-directory'))).rejects.toThrow(`${join(dir, 'a-directory')}: is a directory, expected a findings file`);
  });
});
