import { describe, expect, it } from 'vitest';
import { SEVERITIES, type Severity } from '../../src/model/findings.js';
import { renderSarif, sarifLevel } from '../../src/report/sarif.js';
import { loadFixture, sarifValidator } from './helpers.js';
import { syntheticFindings } from './synthetic-findings.js';

interface SarifLog {
  version: string;
  runs: {
    tool: { driver: { rules: { id: string; helpUri?: string; defaultConfiguration: { level: string } }[] } };
    invocations: { toolExecutionNotifications: { message: { text: string } }[] }[];
    results: {
      ruleId: string;
      ruleIndex: number;
      level: string;
      partialFingerprints: Record<string, string>;
      locations: { logicalLocations: { fullyQualifiedName: string }[] }[];
      message: { text: string };
      properties: { severity: string; suppressed: boolean } & Record<string, unknown>;
      suppressions?: { kind: string; justification: string }[];
    }[];
  }[];
}

describe('SARIF report', () => {
  const doc = loadFixture();
  const validate = sarifValidator();

  it.each([
    ['the fixture', doc],
    ['2,000 synthetic findings', syntheticFindings({ findings: 2000, seed: 11 })],
    ['an empty document', { ...doc, findings: [], coverage: [], suppressions: [] }],
  ])('validates against the SARIF 2.1.0 schema: %s', (_name, input) => {
    const log = JSON.parse(renderSarif(input)) as unknown;
    const valid = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('the validator rejects a broken log (so the check above can fail)', () => {
    const log = JSON.parse(renderSarif(doc)) as SarifLog;
    const broken = { ...log, runs: [{ ...log.runs[0], results: [{ level: 'fatal', message: {} }] }] };
    expect(validate(broken)).toBe(false);
  });

  it.each<[Severity, string]>([
    ['critical', 'error'],
    ['high', 'error'],
    ['medium', 'warning'],
    ['low', 'note'],
    ['info', 'note'],
  ])('maps severity %s to level %s', (severity, level) => {
    expect(sarifLevel(severity)).toBe(level);
  });

  it('has one rule per check, results pointing at them, fingerprints, locations and suppressions', () => {
    const log = JSON.parse(renderSarif(doc)) as SarifLog;
    const run = log.runs[0];
    expect(log.version).toBe('2.1.0');
    const rules = run?.tool.driver.rules ?? [];
    expect(rules.map((rule) => rule.id)).toEqual([...doc.checks.map((check) => check.id)].sort());
    expect(rules.find((rule) => rule.id === 'public-exposure')?.helpUri).toBe('https://example.invalid/docs/checks/public-exposure');
    // Relative doc paths are not URIs a code-scanning UI could open.
    expect(rules.find((rule) => rule.id === 'drift')?.helpUri).toBeUndefined();
    const results = run?.results ?? [];
    expect(results).toHaveLength(doc.findings.length);
    for (const result of results) {
      expect(rules[result.ruleIndex]?.id).toBe(result.ruleId);
      expect(result.level).toBe(sarifLevel(result.properties.severity as Severity));
      expect(SEVERITIES).toContain(result.properties.severity);
    }
    const ids = results.map((result) => result.partialFingerprints['sgauditFindingId/v1']);
    expect(new Set(ids)).toEqual(new Set(doc.findings.map((finding) => finding.id)));
    const suppressed = results.filter((result) => result.properties.suppressed);
    expect(suppressed).toHaveLength(2);
    expect(suppressed.every((result) => result.suppressions?.[0]?.kind === 'external')).toBe(true);
    expect(results.filter((result) => result.suppressions).length).toBe(2);
    expect(results[0]?.locations[0]?.logicalLocations[0]?.fullyQualifiedName).toMatch(/^\d+\/[a-z0-9-]+\/[a-zA-Z]+\/.+/);
    const notifications = run?.invocations[0]?.toolExecutionNotifications ?? [];
    expect(notifications.map((n) => n.message.text)).toEqual([
      'Coverage partial: DescribeSecurityGroupAttribute in account 1234567890123456 region cn-hangzhou (Throttling.User): Request was denied due to user flow control. <b>retry</b> [request 6E1D9A5B-0C3F-4A7E-9B1D-2F8C7E6A5B4C]',
      'Coverage denied: DescribeInstances in account 9876543210987654 region us-west-1 (Forbidden.RAM): User not authorized to operate on the specified resource. [request 0A1B2C3D-4E5F-6789-ABCD-EF0123456789]',
    ]);
  });

  it('says who can reach an exposure: breadth in the message and the properties, with instance and root causes', () => {
    const results = (JSON.parse(renderSarif(doc)) as SarifLog).runs[0]?.results ?? [];
    const web = results.find((result) => result.partialFingerprints['sgauditFindingId/v1'] === 'c6b497da5de495cb');
    expect(web?.message.text).toBe('eni-web01 (47.96.1.10) accepts tcp/22 from 0.0.0.0/0 via sg-web rule sgr-ssh. Breadth: internet: 0.0.0.0/0.');
    expect(web?.properties).toMatchObject({ breadth: 'internet', breadthSummary: 'internet: 0.0.0.0/0', publicIpv4: 3702258432, publicIpv6: '0', instanceId: 'i-bp1web01', instanceName: 'web-01', rootCauses: ['sg-bp1web/sgr-ssh'] });
    const unused = results.find((result) => result.ruleId === 'unused-group');
    expect(Object.keys(unused?.properties ?? {})).not.toContain('breadth');
  });

  it('does not repeat a breadth the message already names', () => {
    const finding = doc.findings.find((entry) => entry.id === 'c6b497da5de495cb')!;
    const named = { ...finding, message: 'eni-bp1web01 accepts tcp 22 (SSH) from internet: 0.0.0.0/0 on 47.96.1.10.' };
    const results = (JSON.parse(renderSarif({ ...doc, findings: [named] })) as SarifLog).runs[0]?.results ?? [];
    expect(results[0]?.message.text).toBe(named.message);
  });

  it('adds a rule for a finding whose check is missing from doc.checks', () => {
    const log = JSON.parse(renderSarif({ ...doc, checks: [] })) as SarifLog;
    const run = log.runs[0];
    expect(run?.tool.driver.rules.map((rule) => rule.id).sort()).toEqual([...new Set(doc.findings.map((finding) => finding.check))].sort());
    for (const result of run?.results ?? []) expect(run?.tool.driver.rules[result.ruleIndex]?.id).toBe(result.ruleId);
    expect(validate(log)).toBe(true);
  });
});
