import type { Breadth, BreadthClass, Evidence, Severity } from '../../model/findings.js';
import { AddressSet, CidrCovers } from '../net/address-set.js';
import { breadthOf, classifyBreadth, countAddresses } from '../net/breadth.js';
import { witnessEvidence, WitnessMemo } from '../net/evidence.js';
import { describeExposure, readableSources, touchedSpecs, type ExposedRange } from '../net/exposure.js';
import { PortSet } from '../net/port-set.js';
import type { RuleRef } from '../net/rule-order.js';
import type { Sensitivity } from '../severity.js';
import { ruleKey as canonicalRuleKey } from './rule-ref.js';
import type { RootCauseDraft } from './types.js';
import type { AnalyzerSettings, PortSpec } from '../../config/settings.js';

type Traffic = Pick<ExposedRange, 'protocol' | 'ports'>;

/** `tcp/22 SSH`, `tcp/27017-27019 MongoDB`: the service a finding names next to its port. */
function serviceLabel(spec: PortSpec): string {
  const ports = spec.protocol === 'tcp' || spec.protocol === 'udp' ? `/${spec.from === spec.to ? spec.from : `${spec.from}-${spec.to}`}` : '';
  return spec.name ? `${spec.protocol}${ports} ${spec.name}` : `${spec.protocol}${ports}`;
}

/** `sg-1/sgr-2`, or `sg-1/<canonical key>` for a rule the API returned without an id (as its finding resource). */
function rootCauseKey(ref: RuleRef): string {
  if (ref.kind !== 'rule') return `${ref.groupId}/${ref.kind}`;
  if (ref.ruleId) return `${ref.groupId}/${ref.ruleId}`;
  return ref.rule ? `${ref.groupId}/${canonicalRuleKey(ref.rule)}` : `${ref.groupId}/rule-${ref.ruleIndex ?? 0}`;
}

/**
 * What the exposure checks say about an exposed range, for one check run: the sensitive services
 * it touches, its breadth and sensitivity, and its root causes. Estates repeat a few hundred
 * protocol/port ranges across tens of thousands of findings, so service names are memoized here.
 */
export class ExposureFacts {
  private readonly servicesByTraffic = new Map<string, string[]>();
  private readonly witnesses = new WitnessMemo();
  /** A root cause's rule as written, one object per rule: ranges of thousands of policies share them. */
  private readonly ruleOf = new Map<RuleRef, RootCauseDraft['rule']>();
  /** The CIDR blocks of the intervals this run's findings print. */
  readonly covers = new CidrCovers();

  constructor(private readonly settings: AnalyzerSettings) {}

  /** The sensitive services the traffic touches, each named once. */
  services(traffic: Traffic): string[] {
    const key = `${traffic.protocol}/${traffic.ports.from}/${traffic.ports.to}`;
    let services = this.servicesByTraffic.get(key);
    if (!services) {
      services = [...new Set(touchedSpecs(this.settings.sensitivePorts, traffic.protocol, traffic.ports).map(serviceLabel))];
      this.servicesByTraffic.set(key, services);
    }
    return services;
  }

  /** Sensitive when it touches a sensitive port or is every protocol at once; ICMP only reveals a host. */
  sensitivity(traffic: Traffic, services: readonly string[]): Sensitivity {
    if (traffic.protocol === 'icmp' || traffic.protocol === 'icmpv6') return 'icmp';
    return traffic.protocol === 'all' || services.length > 0 ? 'sensitive' : 'other';
  }

  /** The range's breadth, its summary in the readable form of the sources the finding prints. */
  breadth(range: ExposedRange, printed: readonly string[]): Breadth {
    return breadthOf(range.sources, readableSources(range.sources, range.pieces, printed, this.covers), this.settings.breadth);
  }

  /** The witness rules of the range; one Evidence object per rule and role for the whole run. */
  evidence(range: ExposedRange): Evidence[] {
    return witnessEvidence(range.pieces.map((accepted) => accepted.piece), undefined, this.witnesses);
  }

  /**
   * The deciding rules of an exposed range as root causes, each judged on its own part: the ports
   * and public sources it admits itself. A partner /24 that shares a finding with `0.0.0.0/0` is
   * an allow-list, and removing it would close nothing, so it is not ranked as the internet one.
   */
  rootCauses(range: ExposedRange, severityOf: (sensitivity: Sensitivity, breadth: BreadthClass) => Severity): RootCauseDraft[] {
    const byRule = new Map<RuleRef, ExposedRange['pieces']>();
    for (const accepted of range.pieces) {
      const ref = accepted.piece.decidedBy;
      const list = byRule.get(ref);
      if (list) list.push(accepted);
      else byRule.set(ref, [accepted]);
    }
    const causes: RootCauseDraft[] = [];
    for (const [ref, pieces] of byRule) {
      const admitted = byRule.size === 1 ? [range] : admittedParts(range, pieces);
      const services = admitted.length === 1 ? this.services(admitted[0] as Traffic) : [...new Set(admitted.flatMap((part) => this.services(part)))];
      const own = byRule.size === 1 ? range.sources : AddressSet.unionAll(pieces.map((piece) => piece.peers));
      const breadth = classifyBreadth(countAddresses(own), this.settings.breadth);
      const cause: RootCauseDraft = {
        key: rootCauseKey(ref),
        groupId: ref.groupId,
        rule: this.ruleAsWritten(ref),
        exposes: admitted.map((part) => this.describe(part)).join(', '),
        severity: severityOf(this.sensitivity(range, services), breadth),
        breadth,
      };
      if (ref.groupName) cause.groupName = ref.groupName;
      if (ref.ruleId) cause.ruleId = ref.ruleId;
      causes.push(cause);
    }
    return causes;
  }

  private ruleAsWritten(ref: RuleRef): RootCauseDraft['rule'] {
    let rule = this.ruleOf.get(ref);
    if (!rule) {
      rule = { policy: ref.policy, protocol: ref.protocol, ports: { from: ref.ports.from, to: ref.ports.to }, peer: ref.peer };
      if (ref.priority !== undefined) rule.priority = ref.priority;
      if (ref.description) rule.description = ref.description;
      this.ruleOf.set(ref, rule);
    }
    return rule;
  }

  /** `tcp 22 (tcp/22 SSH)`, `all protocols and ports (tcp/20-21 FTP, tcp/22 SSH, tcp/23 Telnet, …)`. */
  describe(traffic: Traffic): string {
    const services = this.services(traffic);
    const text = describeExposure(traffic.protocol, traffic.ports);
    return services.length === 0 ? text : `${text} (${services.length > 3 ? `${services.slice(0, 3).join(', ')}, …` : services.join(', ')})`;
  }
}

/** The parts of the range one rule's pieces admit (a rule's part can come as several pieces, one per run of identical rule sets). */
function admittedParts(range: ExposedRange, pieces: ExposedRange['pieces']): Traffic[] {
  if (range.protocol !== 'tcp' && range.protocol !== 'udp') return [range];
  const admitted = pieces.reduce((ports, piece) => ports.union(piece.ports), PortSet.EMPTY).intersect(PortSet.range(range.ports.from, range.ports.to));
  return admitted.ranges().map((ports) => ({ protocol: range.protocol, ports }));
}
