/**
 * The check fixture harness (ESLint RuleTester style). Each check has a folder
 * `src/analyze/checks/<check-id>/fixtures/` beside its module, with one YAML case per file:
 *
 *   description  unique within the folder
 *   settings     optional partial AnalyzerSettings (port specs as objects or "tcp/22" strings;
 *                internalTier keys merge over the defaults)
 *   coverage     optional Coverage entries for the snapshot header
 *   estate       the model Estate; zod defaults fill omitted optional fields
 *   expect       REQUIRED. [] = no findings. Otherwise exactly as many findings, each expected
 *                entry partially deep-matched against a distinct actual finding.
 *
 * Partial deep match: objects compare only the listed keys; arrays of scalars (sources,
 * addresses) must hold the same values in any order; arrays of objects (evidence) must contain a
 * distinct matching element for every listed one (extra actual elements are fine).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { findCheck } from '../../src/analyze/checks/index.js';
import type { AnalyzerSettings, PortSpec, TierMatcher } from '../../src/config/settings.js';
import { analyzeSnapshot } from '../../src/analyze/engine.js';
import { defaultAnalyzerSettings } from '../../src/config/defaults.js';
import { portSpecOrThrow } from '../../src/config/ports.js';
import type { Finding } from '../../src/model/findings.js';
import { Coverage, Estate, SNAPSHOT_SCHEMA, type Snapshot } from '../../src/model/snapshot.js';

/** Each check's folder: `<id>/index.ts` (the module) and `<id>/fixtures/` (its cases). */
const CHECKS_ROOT = new URL('../../src/analyze/checks/', import.meta.url).pathname;
const FIXTURE_NOW = new Date('2025-06-01T00:00:00Z');

const CaseFile = z.strictObject({
  description: z.string().min(1),
  settings: z.record(z.string(), z.unknown()).optional(),
  coverage: z.array(Coverage).optional(),
  estate: Estate,
  expect: z.array(z.record(z.string(), z.unknown())),
});

export interface FixtureCase {
  checkId: string;
  file: string;
  description: string;
  settings: Record<string, unknown>;
  coverage: z.infer<typeof Coverage>[];
  estate: z.infer<typeof Estate>;
  expect: Record<string, unknown>[];
}

/** Reads and validates every case of one check folder; throws a message naming the file on any defect. */
export function loadCases(checkId: string, root = CHECKS_ROOT): FixtureCase[] {
  if (!findCheck(checkId)) throw new Error(`${join(root, checkId)}: unknown check id "${checkId}" (not in the catalog)`);
  const folder = join(root, checkId, 'fixtures');
  const seen = new Map<string, string>();
  const cases: FixtureCase[] = [];
  for (const name of readdirSync(folder).filter((entry) => /\.ya?ml$/.test(entry)).sort()) {
    const file = join(folder, name);
    const raw: unknown = parseYaml(readFileSync(file, 'utf8'));
    if (raw === null || typeof raw !== 'object' || !('expect' in raw)) throw new Error(`${file}: case has no "expect" (use [] for a valid case)`);
    const parsed = CaseFile.safeParse(raw);
    if (!parsed.success) {
      throw new Error(`${file}: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
    }
    const previous = seen.get(parsed.data.description);
    if (previous) throw new Error(`${file}: duplicate description, also in ${basename(previous)}`);
    seen.set(parsed.data.description, file);
    cases.push({ checkId, file, coverage: [], settings: {}, ...parsed.data } as FixtureCase);
  }
  return cases;
}

/** The check folders: every directory under src/analyze/checks/. */
export function listCheckFolders(root = CHECKS_ROOT): string[] {
  return readdirSync(root)
    .filter((entry) => statSync(join(root, entry)).isDirectory())
    .sort();
}

function fixtureSnapshot(fixture: Pick<FixtureCase, 'estate' | 'coverage'>): Snapshot {
  return {
    schema: SNAPSHOT_SCHEMA,
    id: 'fixture',
    takenAt: FIXTURE_NOW.toISOString(),
    tool: { name: 'sgaudit', version: 'fixture' },
    provider: 'alicloud',
    coverage: fixture.coverage,
    accounts: fixture.estate.accounts,
  };
}

function toPortSpec(value: unknown): PortSpec {
  return typeof value === 'string' ? portSpecOrThrow(value) : (value as PortSpec);
}

function fixtureSettings(overrides: Record<string, unknown>): AnalyzerSettings {
  const settings = defaultAnalyzerSettings();
  for (const [key, value] of Object.entries(overrides)) {
    if (!(key in settings)) throw new Error(`settings.${key} is not an AnalyzerSettings key`);
    if (key === 'allowedPublicPorts' || key === 'sensitivePorts') (settings[key] as PortSpec[]) = (value as unknown[]).map(toPortSpec);
    else if (key === 'internalTier') settings.internalTier = { ...settings.internalTier, ...(value as Partial<TierMatcher>) };
    else (settings as unknown as Record<string, unknown>)[key] = value;
  }
  return settings;
}

/** Runs ONLY the case's check through the engine, so ids, defaults and sorting are the real ones. */
export function runCase(fixture: FixtureCase): Finding[] {
  const check = findCheck(fixture.checkId);
  if (!check) throw new Error(`unknown check ${fixture.checkId}`);
  const document = analyzeSnapshot(fixtureSnapshot(fixture), { checks: [check], settings: fixtureSettings(fixture.settings), now: FIXTURE_NOW });
  return document.findings;
}

export function partialMatch(expected: unknown, actual: unknown): boolean {
  if (expected === null || typeof expected !== 'object') return Object.is(expected, actual);
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return false;
    const scalars = expected.every((item) => item === null || typeof item !== 'object');
    if (scalars) {
      if (expected.length !== actual.length) return false;
      const left = expected.map((item) => JSON.stringify(item)).sort();
      const right = actual.map((item) => JSON.stringify(item)).sort();
      return left.every((item, index) => item === right[index]);
    }
    return assignDistinct(expected, actual) !== undefined;
  }
  if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
  return Object.entries(expected).every(([key, value]) => partialMatch(value, (actual as Record<string, unknown>)[key]));
}

/** Backtracking assignment of each expected item to a distinct matching actual item (sizes are tiny). */
function assignDistinct(expected: readonly unknown[], actual: readonly unknown[]): number[] | undefined {
  const used = new Array<boolean>(actual.length).fill(false);
  const assignment: number[] = [];
  const search = (index: number): boolean => {
    if (index === expected.length) return true;
    for (let candidate = 0; candidate < actual.length; candidate++) {
      if (used[candidate] || !partialMatch(expected[index], actual[candidate])) continue;
      used[candidate] = true;
      assignment[index] = candidate;
      if (search(index + 1)) return true;
      used[candidate] = false;
    }
    return false;
  };
  return search(0) ? assignment : undefined;
}

/** undefined when the findings satisfy `expect`; otherwise a readable explanation. */
export function compareFindings(expected: readonly Record<string, unknown>[], actual: readonly Finding[]): string | undefined {
  const summary = () =>
    actual
      .map((finding) => `  - ${JSON.stringify({ severity: finding.severity, resource: finding.resource, detail: finding.detail, message: finding.message })}`)
      .join('\n') || '  (none)';
  if (expected.length !== actual.length) return `expected ${expected.length} finding(s), got ${actual.length}:\n${summary()}`;
  if (assignDistinct(expected, actual) === undefined) {
    const unmatched = expected.filter((item) => !actual.some((finding) => partialMatch(item, finding)));
    return `no one-to-one match; expected entries without any match: ${JSON.stringify(unmatched)}\nactual:\n${summary()}`;
  }
  return undefined;
}
