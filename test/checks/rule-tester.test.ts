import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareFindings, loadCases, partialMatch } from './rule-tester.js';
import type { Finding } from '../../src/model/findings.js';

describe('partialMatch', () => {
  it.each([
    ['listed keys only', { a: 1 }, { a: 1, b: 2 }, true],
    ['scalar differs', { a: 1 }, { a: 2 }, false],
    ['missing key', { a: { b: 1 } }, { a: {} }, false],
    ['scalar arrays ignore order', { s: ['b', 'a'] }, { s: ['a', 'b'] }, true],
    ['scalar arrays need equal length', { s: ['a'] }, { s: ['a', 'b'] }, false],
    ['object arrays are subsets', { e: [{ r: 'x' }] }, { e: [{ r: 'y' }, { r: 'x', q: 1 }] }, true],
    ['object arrays need distinct matches', { e: [{ r: 'x' }, { r: 'x' }] }, { e: [{ r: 'x' }] }, false],
    ['empty array matches only empty', { e: [] }, { e: [{ r: 'x' }] }, false],
    ['object vs array', { a: {} }, { a: [] }, false],
  ])('%s', (_name, expected, actual, result) => {
    expect(partialMatch(expected, actual)).toBe(result);
  });
});

describe('compareFindings', () => {
  const finding = (id: string) => ({ resource: { type: 'securityGroup', id }, severity: 'low' }) as unknown as Finding;
  it('requires equal counts and a one-to-one match', () => {
    expect(compareFindings([], [])).toBeUndefined();
    expect(compareFindings([], [finding('sg-1')])).toMatch(/expected 0 finding\(s\), got 1/);
    expect(compareFindings([{ resource: { id: 'sg-1' } }, { resource: { id: 'sg-1' } }], [finding('sg-1'), finding('sg-2')])).toMatch(/no one-to-one match/);
    expect(compareFindings([{ severity: 'low' }, { resource: { id: 'sg-1' } }], [finding('sg-2'), finding('sg-1')])).toBeUndefined();
  });
});

describe('loadCases rejects defective fixtures', () => {
  const root = mkdtempSync(join(tmpdir(), 'sgaudit-fixtures-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const estate = 'estate: { accounts: [] }\n';
  const write = (folder: string, name: string, text: string) => {
    mkdirSync(join(root, folder, 'fixtures'), { recursive: true });
    writeFileSync(join(root, folder, 'fixtures', name), text);
  };

  it.each([
    ['a case without expect', 'unused-group', [['a.yaml', `description: a\n${estate}`]], /has no "expect"/],
    ['an unknown check id', 'no-such-check', [['a.yaml', `description: a\n${estate}expect: []\n`]], /unknown check id "no-such-check"/],
    ['a duplicate description', 'too-many-groups', [['a.yaml', `description: same\n${estate}expect: []\n`], ['b.yaml', `description: same\n${estate}expect: []\n`]], /duplicate description, also in a.yaml/],
    ['an unknown top-level key', 'broad-rule', [['a.yaml', `description: a\n${estate}expect: []\nexpected: []\n`]], /Unrecognized key/],
  ])('%s', (_name, folder, files, message) => {
    for (const [name, text] of files as [string, string][]) write(folder as string, name, text);
    expect(() => loadCases(folder as string, root)).toThrow(message as RegExp);
  });
});
