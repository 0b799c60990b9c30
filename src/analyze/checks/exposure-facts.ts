import type { Breadth, BreadthClass, Severity } from '../../model/findings.js';
import { AddressSet } from '../net/address-set.js';
import { breadthOf, classifyBreadth, countAddresses } from '../net/breadth.js';
import { describeExposure, touchedSpecs, type ExposedRange } from '../net/exposure.js';
import { PortSet } from '../net/port-set.js';
import type { RuleRef } from '../net/rule-order.js';
import type { Sensitivity } from '../severity.js';
import type { AnalyzerSettings, PortSpec, RootCauseDraft } from './types.js';

/** `tcp/22 SSH`, `tcp/27017-27019 MongoDB`: the service a finding names next to its port. */
export function serviceLabel(spec: PortSpec): string {
  const ports = spec.protocol === 'tcp' || spec.protocol === 'udp' ? `/${spec.from === spec.to ? spec.from : `${spec.from}-${spec.to}`}` : '';
  return spec.name ? `${spec.protocol}${ports} ${spec.name}` : `${spec.protocol}${ports}`;
}

/** The sensitive services an exposed range touches, each named once. */
export function sensitiveServices(range: Pick<ExposedRange, 'protocol' | 'ports'>, settings: AnalyzerSettings): string[] {
  return [...new Set(touchedSpecs(settings.sensitivePorts, range.protocol, range.ports).map(serviceLabel))];
}

/** Sensitive when it touches a sensitive port or is every protocol at once; ICMP only reveals a host. */
export function rangeSensitivity(range: Pick<ExposedRange, 'protocol'>, services: readonly string[]): Sensitivity {
  if (range.protocol === 'icmp' || range.protocol === 'icmpv6') return 'icmp';
  return range.protocol === 'all' || services.length > 0 ? 'sensitive' : 'other';
}

export function rangeBreadth(sources: AddressSet, shown: readonly string[], settings: AnalyzerSettings): Breadth {
  return breadthOf(sources, shown, settings.breadth);
}

/** `sg-1/sgr-2`, or the rule's position for a rule the API returned without an id. */
export function ruleKey(ref: RuleRef): string {
  if (ref.kind !== 'rule') return `${ref.groupId}/${ref.kind}`;
  return `${ref.groupId}/${ref.ruleId ?? `rule-${ref.ruleIndex ?? 0}`}`;
}

/**
 * The deciding rules of an exposed range as root causes, each judged on its own part: the ports
 * and public sources it admits itself. A partner /24 that shares a finding with `0.0.0.0/0` is
 * an allow-list, and removing it would close nothing, so it is not ranked as the internet one.
 */
export function rootCausesOfRange(range: ExposedRange, settings: AnalyzerSettings, severityOf: (sensitivity: Sensitivity, breadth: BreadthClass) => Severity): RootCauseDraft[] {
  const byRule = new Map<RuleRef, ExposedRange['pieces']>();
  for (const accepted of range.pieces) {
    const ref = accepted.piece.decidedBy;
    const list = byRule.get(ref);
    if (list) list.push(accepted);
    else byRule.set(ref, [accepted]);
  }
  const causes: RootCauseDraft[] = [];
  for (const [ref, pieces] of byRule) {
    const admitted = admittedRanges(range, pieces);
    const services = [...new Set(admitted.flatMap((part) => sensitiveServices(part, settings)))];
    const breadth = classifyBreadth(countAddresses(AddressSet.unionAll(pieces.map((piece) => piece.peers))), settings.breadth);
    const cause: RootCauseDraft = {
      key: ruleKey(ref),
      groupId: ref.groupId,
      rule: { policy: ref.policy, protocol: ref.protocol, ports: { from: ref.ports.from, to: ref.ports.to }, peer: ref.peer },
      exposes: admitted.map((part) => withServices(part, settings)).join(', '),
      severity: severityOf(rangeSensitivity(range, services), breadth),
      breadth,
    };
    if (ref.groupName) cause.groupName = ref.groupName;
    if (ref.ruleId) cause.ruleId = ref.ruleId;
    if (ref.priority !== undefined) cause.rule.priority = ref.priority;
    if (ref.description) cause.rule.description = ref.description;
    causes.push(cause);
  }
  return causes;
}

/** The parts of the range one rule's pieces admit (a rule's part can come as several pieces, one per run of identical rule sets). */
function admittedRanges(range: ExposedRange, pieces: ExposedRange['pieces']): Pick<ExposedRange, 'protocol' | 'ports'>[] {
  if (range.protocol !== 'tcp' && range.protocol !== 'udp') return [range];
  const admitted = pieces.reduce((ports, piece) => ports.union(piece.ports), PortSet.EMPTY).intersect(PortSet.range(range.ports.from, range.ports.to));
  return admitted.ranges().map((ports) => ({ protocol: range.protocol, ports }));
}

function withServices(range: Pick<ExposedRange, 'protocol' | 'ports'>, settings: AnalyzerSettings): string {
  const services = sensitiveServices(range, settings);
  const traffic = describeExposure(range.protocol, range.ports);
  return services.length === 0 ? traffic : `${traffic} (${services.length > 3 ? `${services.slice(0, 3).join(', ')}, …` : services.join(', ')})`;
}
