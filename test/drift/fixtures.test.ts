import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { computeDrift, type DriftOptions } from '../../src/analyze/drift/index.js';
import { readSnapshot } from '../../src/model/snapshot-file.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/drift');

interface ExpectedRun {
  options: DriftOptions;
  /** `kind resource-id` of every structural change, exactly. */
  changes: string[];
  /** `kind resource-id` of every exposure change, checked when the public-exposure check exists. */
  exposure?: string[];
  /** `account/region` of every not-compared entry, exactly (default none). */
  notCompared?: string[];
}

const cases = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && readdirSync(join(FIXTURES, entry.name)).includes('old.json'))
  .map((entry) => entry.name)
  .sort();

const isExposure = (line: string) => line.startsWith('new-exposure') || line.startsWith('removed-exposure');

describe('drift fixtures (old.json + new.json + expected.yaml)', () => {
  it('finds the fixture cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(8);
  });

  for (const name of cases) {
    const expected = parse(readFileSync(join(FIXTURES, name, 'expected.yaml'), 'utf8')) as { description: string; runs: ExpectedRun[] };
    for (const [index, run] of expected.runs.entries()) {
      it(`${name} #${index + 1} ${JSON.stringify(run.options)}: ${expected.description}`, async () => {
        const baseline = await readSnapshot(join(FIXTURES, name, 'old.json'));
        const current = await readSnapshot(join(FIXTURES, name, 'new.json'));
        const drift = computeDrift(baseline, current, run.options);
        const lines = drift.changes.map((change) => `${change.kind} ${change.resource.id}`);
        expect(lines.filter((line) => !isExposure(line)).sort()).toEqual([...run.changes].sort());
        if (run.options.exposure !== false) {
          expect(lines.filter(isExposure).sort()).toEqual([...(run.exposure ?? [])].sort());
        }
        const notCompared = drift.notCompared.filter((entry) => entry.api !== 'public-exposure').map((entry) => `${entry.accountId}/${entry.regionId}`);
        expect(notCompared.sort()).toEqual([...(run.notCompared ?? [])].sort());
      });
    }
  }
});
