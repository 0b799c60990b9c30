import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../src/analyze/checks/index.js';
import { CHECK_IDS } from '../../src/config/settings.js';
import { SEVERITIES } from '../../src/model/findings.js';
import { compareFindings, listCheckFolders, loadCases, runCase } from './rule-tester.js';

const repoRoot = new URL('../../', import.meta.url).pathname;

describe.each(listCheckFolders())('check %s', (checkId) => {
  const cases = loadCases(checkId);
  it.each(cases.map((fixture) => [fixture.description, fixture] as const))('%s', (_description, fixture) => {
    const problem = compareFindings(fixture.expect, runCase(fixture));
    expect(problem, `${fixture.file}\n${problem ?? ''}`).toBeUndefined();
  });
});

describe('catalog meta-test', () => {
  it.each(CATALOG.map((check) => [check.meta.id, check] as const))('%s has metadata, a module named after it and fixtures', async (id, check) => {
    const { meta } = check;
    expect(id).toMatch(/^[a-z][a-z0-9-]*$/);
    expect(SEVERITIES).toContain(meta.severity);
    for (const field of ['title', 'description', 'rationale', 'remediation'] as const) expect(meta[field].trim().length, field).toBeGreaterThan(10);
    expect(meta.title.length).toBeLessThanOrEqual(80);
    expect(meta.docs).toBe(`docs/checks/${id}.md`);

    const modulePath = `src/analyze/checks/${id}/index.ts`;
    expect(existsSync(repoRoot + modulePath), modulePath).toBe(true);
    const module = (await import(`${repoRoot}${modulePath}`)) as { check?: unknown };
    expect(module.check, `${modulePath} exports the catalog entry as "check"`).toBe(check);

    const cases = loadCases(id);
    expect(cases.filter((fixture) => fixture.expect.length === 0).length, 'valid cases (expect: [])').toBeGreaterThanOrEqual(1);
    expect(cases.filter((fixture) => fixture.expect.length > 0).length, 'invalid cases').toBeGreaterThanOrEqual(1);
    for (const fixture of cases) {
      for (const entry of fixture.expect) if ('severity' in entry) expect(SEVERITIES, fixture.file).toContain(entry.severity);
    }
  });

  it('has unique ids, a folder for every check, and no check folder the catalog does not list', () => {
    const ids = CATALOG.map((check) => check.meta.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(listCheckFolders().filter((folder) => !ids.includes(folder))).toEqual([]);
    expect(ids.filter((id) => !listCheckFolders().includes(id))).toEqual([]);
    // sgaudit.yaml validates check ids against config's own list (config does not import the analyzer).
    expect([...CHECK_IDS].sort()).toEqual([...ids].sort());
  });
});
