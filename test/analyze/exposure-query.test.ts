import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { analyzeSnapshot } from '../../src/analyze/engine.js';
import { queryExposure, type ExposureQuery, type ExposureRow } from '../../src/analyze/exposure-query.js';
import { PolicyEvaluator } from '../../src/analyze/net/evaluator.js';
import { NON_PUBLIC_V4, NON_PUBLIC_V6 } from '../../src/analyze/net/public.js';
import { SnapshotView } from '../../src/analyze/view.js';
import { parseFromFlag, parsePortFlag } from '../../src/commands/exposure.js';
import { defaultAnalyzerSettings } from '../../src/config/defaults.js';
import { generateEstate } from '../../src/emulator/index.js';
import { Estate, SNAPSHOT_SCHEMA, type Snapshot } from '../../src/model/snapshot.js';
import { acceptedPublicSources, publicSpace, size } from './reference-reachability.js';

function snapshotOf(accounts: Snapshot['accounts'], id: string): Snapshot {
  return { schema: SNAPSHOT_SCHEMA, id, takenAt: '2026-01-01T00:00:00.000Z', tool: { name: 'sgaudit', version: 'test' }, provider: 'alicloud', coverage: [], accounts };
}

function ask(view: SnapshotView, port: string | undefined, from: string): ExposureRow[] {
  const query: ExposureQuery = { from: parseFromFlag(from, view, 'fixture') };
  const traffic = port === undefined ? undefined : parsePortFlag(port);
  if (traffic) query.traffic = traffic;
  return queryExposure(new PolicyEvaluator(view), defaultAnalyzerSettings(), query).rows;
}

const FixtureFile = z.strictObject({
  description: z.string(),
  estate: Estate,
  queries: z.array(z.strictObject({ description: z.string(), port: z.string().optional(), from: z.string(), expect: z.array(z.record(z.string(), z.unknown())) })),
});

const FIXTURES = new URL('../fixtures/exposure/', import.meta.url);

describe.each(readdirSync(FIXTURES).filter((name) => name.endsWith('.yaml')))('exposure queries over a fixture estate (test/fixtures/exposure/%s)', (name) => {
  const fixture = FixtureFile.parse(parseYaml(readFileSync(new URL(name, FIXTURES), 'utf8')));
  const view = new SnapshotView(snapshotOf(fixture.estate.accounts, 'exposure-fixture'));

  it.each(fixture.queries.map((query) => [query.description, query] as const))('%s', (_description, query) => {
    const rows = ask(view, query.port, query.from);
    const seen = rows.map((row) => ({
      interface: row.interface.id,
      protocol: row.protocol,
      ports: row.ports,
      severity: row.severity,
      breadth: row.breadth?.class,
      allowedPublicPort: row.allowedPublicPort,
      rootCauses: row.rootCauses,
    }));
    // Exactly the expected rows, each matched on the keys it lists.
    expect(seen).toHaveLength(query.expect.length);
    const unmatched = [...seen];
    for (const expected of query.expect) {
      const index = unmatched.findIndex((row) => Object.entries(expected).every(([key, value]) => JSON.stringify(row[key as keyof typeof row]) === JSON.stringify(value)));
      expect(index, `no row matches ${JSON.stringify(expected)} among ${JSON.stringify(unmatched)}`).toBeGreaterThanOrEqual(0);
      unmatched.splice(index, 1);
    }
  });
});

describe('exposure from the internet against an independent reachability computation and against analyze', () => {
  const estate = generateEstate({ instances: 2000, groups: 400, rulesPerGroup: 20, enis: 2400, eips: 400, seed: 11 });
  const snapshot = snapshotOf(estate.accounts, 'exposure-generated');
  const view = new SnapshotView(snapshot);
  const space = publicSpace(NON_PUBLIC_V4, NON_PUBLIC_V6);
  const findings = analyzeSnapshot(snapshot, { settings: defaultAnalyzerSettings(), now: new Date('2026-01-01T00:00:00Z') }).findings.filter((f) => f.check === 'public-exposure');

  it.each([
    ['tcp', 22],
    ['tcp', 443],
    ['tcp', 3306],
    ['tcp', 8080],
    ['udp', 53],
  ] as const)('%s/%i: the same interfaces and the same number of public sources as the reference', (protocol, port) => {
    const rows = ask(view, `${protocol}/${port}`, 'internet');
    const answered = new Map(rows.map((row) => [row.interface.id, row]));
    expect(answered.size).toBe(rows.length);
    let reached = 0;
    for (const { item: eni } of view.enis.values()) {
      const addresses = view.publicAddressesOfEni(eni);
      const accepted = acceptedPublicSources(view, eni, protocol, port, space);
      const v4 = addresses.some((a) => a.via !== 'ipv6') ? size(accepted.v4) : 0n;
      const v6 = addresses.some((a) => a.via === 'ipv6') ? size(accepted.v6) : 0n;
      const row = answered.get(eni.id);
      if (v4 === 0n && v6 === 0n) {
        expect(row, `${eni.id} accepts nothing public on ${protocol}/${port}`).toBeUndefined();
        continue;
      }
      reached++;
      expect(row, `${eni.id} accepts ${v4} public IPv4 sources on ${protocol}/${port}`).toBeDefined();
      expect(BigInt(row?.breadth?.publicIpv4 ?? -1)).toBe(v4);
      expect(BigInt(row?.breadth?.publicIpv6 ?? '-1')).toBe(v6);
    }
    expect(reached).toBeGreaterThan(protocol === 'udp' ? 0 : 5);
  });

  it('tcp/3306 ranks as analyze does, naming the root causes of that port among the finding\'s', () => {
    const covering = findings.filter((f) => (f.detail.protocol === 'tcp' || f.detail.protocol === 'all') && f.detail.ports && f.detail.ports.from <= 3306 && 3306 <= f.detail.ports.to);
    const rows = ask(view, 'tcp/3306', 'internet');
    expect(rows.map((row) => row.interface.id).sort()).toEqual(covering.map((f) => f.resource.id).sort());
    for (const row of rows) {
      const finding = covering.find((f) => f.resource.id === row.interface.id);
      expect(row.severity).toBe(finding?.severity);
      expect(row.breadth?.class).toBe(finding?.breadth?.class);
      // The finding may span more ports than 3306, and so more deciding rules.
      expect(row.rootCauses.length).toBeGreaterThan(0);
      for (const key of row.rootCauses) expect(finding?.rootCauses).toContain(key);
    }
  });
});
