import { describe, expect, it } from 'vitest';
import { analyzeSnapshot } from '../../src/analyze/engine.js';
import { NON_PUBLIC_V4, NON_PUBLIC_V6 } from '../../src/analyze/net/public.js';
import { SnapshotView } from '../../src/analyze/view.js';
import { defaultAnalyzerSettings } from '../../src/config/defaults.js';
import { generateEstate } from '../../src/emulator/index.js';
import { SNAPSHOT_SCHEMA, type Snapshot } from '../../src/model/snapshot.js';
import { acceptedPublicSources, publicSpace, size } from './reference-reachability.js';

/**
 * Every critical finding is a sensitive port (or every protocol) that a stranger on the internet
 * can reach today, and every such port is a critical finding — checked against an independent
 * computation of reachability (reference-reachability.ts) on generated estates.
 */
const INTERNET_V4 = 1n << 24n;
const INTERNET_V6 = 1n << 96n;

function snapshotOf(seed: number): Snapshot {
  const estate = generateEstate({ instances: 2000, groups: 400, rulesPerGroup: 20, enis: 2400, eips: 400, seed });
  return { schema: SNAPSHOT_SCHEMA, id: `reachability-${seed}`, takenAt: '2026-01-01T00:00:00.000Z', tool: { name: 'sgaudit', version: 'test' }, provider: 'alicloud', coverage: [], accounts: estate.accounts };
}

describe.each([7, 42])('critical exposure against an independent reachability computation (seed %i)', (seed) => {
  const snapshot = snapshotOf(seed);
  const view = new SnapshotView(snapshot);
  const settings = defaultAnalyzerSettings();
  const document = analyzeSnapshot(snapshot, { settings, now: new Date('2026-01-01T00:00:00Z') });
  const exposure = document.findings.filter((finding) => finding.check === 'public-exposure');
  const space = publicSpace(NON_PUBLIC_V4, NON_PUBLIC_V6);
  const sensitivePorts = settings.sensitivePorts.filter((spec) => spec.protocol === 'tcp' || spec.protocol === 'udp');

  function reference(eniId: string, protocol: string, port: number): { v4: bigint; v6: bigint } {
    const eni = view.enis.get(eniId)?.item;
    if (!eni) throw new Error(`no ENI ${eniId}`);
    const addresses = view.publicAddressesOfEni(eni);
    const accepted = acceptedPublicSources(view, eni, protocol, port, space);
    return {
      v4: addresses.some((a) => a.via !== 'ipv6') ? size(accepted.v4) : 0n,
      v6: addresses.some((a) => a.via === 'ipv6') ? size(accepted.v6) : 0n,
    };
  }

  it('the estate holds what the checks below must tell apart', () => {
    // Partner allow-lists on sensitive ports (low) beside the same ports open to the world (critical).
    expect(exposure.filter((finding) => finding.severity === 'low' && finding.breadth?.class === 'allow-listed' && finding.detail.extra?.sensitive).length).toBeGreaterThan(50);
    expect(exposure.filter((finding) => finding.severity === 'critical').length).toBeGreaterThan(50);
  });

  it('every sensitive port open to the internet is a critical finding', () => {
    let open = 0;
    for (const { item: eni } of view.enis.values()) {
      if (view.publicAddressesOfEni(eni).length === 0) continue;
      for (const spec of sensitivePorts) {
        for (const port of new Set([spec.from, spec.to])) {
          const counts = reference(eni.id, spec.protocol, port);
          if (counts.v4 < INTERNET_V4 && counts.v6 < INTERNET_V6) continue;
          open++;
          const covering = exposure.find(
            (finding) =>
              finding.resource.id === eni.id &&
              (finding.detail.protocol === spec.protocol || finding.detail.protocol === 'all') &&
              (finding.detail.ports?.from ?? 0) <= port &&
              port <= (finding.detail.ports?.to ?? 0),
          );
          expect(covering?.severity, `${eni.id} ${spec.protocol}/${port}`).toBe('critical');
        }
      }
    }
    expect(open).toBeGreaterThan(20);
  });

  it('every critical finding is a sensitive port or every protocol reachable from the internet, with the breadth counted exactly', () => {
    const critical = exposure.filter((finding) => finding.severity === 'critical');
    expect(critical.length).toBeGreaterThan(10);
    for (const finding of critical) {
      const { protocol, ports } = finding.detail;
      const probes =
        protocol === 'all'
          ? [{ protocol: 'tcp', port: 22 }]
          : sensitivePorts.filter((spec) => spec.protocol === protocol && spec.from <= (ports?.to ?? 0) && (ports?.from ?? 0) <= spec.to).map((spec) => ({ protocol: spec.protocol, port: Math.max(spec.from, ports?.from ?? 0) }));
      expect(probes.length, finding.message).toBeGreaterThan(0);
      const reachable = probes.map((probe) => reference(finding.resource.id, probe.protocol, probe.port)).filter((counts) => counts.v4 >= INTERNET_V4 || counts.v6 >= INTERNET_V6);
      expect(reachable.length, finding.message).toBeGreaterThan(0);
    }
  });

  it('no exposure missed and none extra: at every rule boundary of every twentieth public interface, a finding exactly where public sources get in', () => {
    const allowed = settings.allowedPublicPorts;
    let probed = 0;
    let open = 0;
    const enis = [...view.enis.values()].filter(({ item }) => view.publicAddressesOfEni(item).length > 0);
    const findingsOf = new Map<string, typeof exposure>();
    for (const finding of exposure) findingsOf.set(finding.resource.id, [...(findingsOf.get(finding.resource.id) ?? []), finding]);
    for (let e = 0; e < enis.length; e += 20) {
      const eni = (enis[e] as (typeof enis)[number]).item;
      for (const protocol of ['tcp', 'udp'] as const) {
        const ports = new Set([1, 65535]);
        for (const groupId of eni.securityGroupIds) {
          for (const rule of view.groups.get(groupId)?.item.rules ?? []) {
            if (rule.direction !== 'ingress' || (rule.protocol !== protocol && rule.protocol !== 'all')) continue;
            for (const port of [rule.ports.from - 1, rule.ports.from, rule.ports.to, rule.ports.to + 1]) if (port >= 1 && port <= 65535) ports.add(port);
          }
        }
        for (const port of ports) {
          if (allowed.some((spec) => spec.protocol === protocol && spec.from <= port && port <= spec.to)) continue;
          probed++;
          const counts = reference(eni.id, protocol, port);
          const covering = (findingsOf.get(eni.id) ?? []).filter(
            (finding) =>
              (finding.detail.protocol === protocol || finding.detail.protocol === 'all') &&
              (finding.detail.ports?.from ?? 0) <= port &&
              port <= (finding.detail.ports?.to ?? 0),
          );
          const label = `${eni.id} ${protocol}/${port}`;
          if (counts.v4 === 0n && counts.v6 === 0n) {
            expect(covering.map((finding) => finding.message), label).toEqual([]);
            continue;
          }
          open++;
          expect(covering.length, label).toBe(1);
          expect({ v4: String(counts.v4), v6: String(counts.v6) }, label).toEqual({ v4: String(covering[0]?.breadth?.publicIpv4), v6: covering[0]?.breadth?.publicIpv6 });
        }
      }
    }
    expect(probed).toBeGreaterThan(500);
    expect(open).toBeGreaterThan(50);
  });

  it('the breadth of every exposure finding is the exact count of public sources at both ends of its ports', () => {
    for (const finding of exposure) {
      const { protocol, ports } = finding.detail;
      if (protocol !== 'tcp' && protocol !== 'udp') continue;
      for (const port of [ports?.from ?? 0, ports?.to ?? 0]) {
        const counts = reference(finding.resource.id, protocol, port);
        expect({ v4: String(counts.v4), v6: String(counts.v6) }, `${finding.message} @${port}`).toEqual({ v4: String(finding.breadth?.publicIpv4), v6: finding.breadth?.publicIpv6 });
      }
    }
  });
});
