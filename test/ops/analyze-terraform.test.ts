import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTerraformState } from '../../src/analyze/drift/terraform.js';
import { parseConfigText } from '../../src/config/load.js';
import { readSnapshot } from '../../src/model/snapshot-file.js';
import { analyzeWithBaseline } from '../../src/pipeline/analyze.js';
import { REPO } from './helpers.js';

const fixtures = join(REPO, 'test/fixtures/drift/terraform');

describe('analysis against Terraform state (baseline.terraformState)', () => {
  it('adds drift findings for hand-added rules next to the catalog findings, with suppressions applied', async () => {
    const live = await readSnapshot(join(fixtures, 'live.json'));
    const terraform = await readTerraformState(join(fixtures, 'hand-added-rule.tfstate.json'));
    const config = parseConfigText(
      'suppressions:\n  - { check: drift, resource: sg-ops, reason: "ops group is managed by hand", owner: platform, expires: 2999-01-01 }\n',
      'inline.yaml',
    );
    const document = analyzeWithBaseline(live, { config, terraform, now: new Date('2026-11-25T00:00:00Z') });
    const drift = document.findings.filter((finding) => finding.check === 'drift');
    expect(drift.map((f) => `${String(f.detail.extra?.kind)} ${f.resource.id}`).sort()).toEqual(
      ['unmanaged-group sg-bj', 'unmanaged-group sg-ops', 'unmanaged-rule sgr-web-2'],
    );
    expect(drift.find((f) => f.resource.id === 'sg-ops')?.suppressed?.reason).toBe('ops group is managed by hand');
    expect(document.checks.map((c) => c.id)).toContain('drift');
    expect(document.findings.some((f) => f.check !== 'drift')).toBe(true);
  });
});
