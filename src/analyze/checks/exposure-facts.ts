import type { Breadth } from '../../model/findings.js';
import type { AddressSet } from '../net/address-set.js';
import { breadthOf } from '../net/breadth.js';
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
 * The deciding rules of an exposed range as root causes, each with the part of the range it
 * admits: when two rules decide tcp 1-21 and tcp 22, each is told which ports are its own.
 */
export function rootCausesOfRange(range: ExposedRange, settings: AnalyzerSettings): RootCauseDraft[] {
  const byRule = new Map<RuleRef, ExposedRange['pieces']>();
  for (const accepted of range.pieces) {
    const ref = accepted.piece.decidedBy;
    const list = byRule.get(ref);
    if (list) list.push(accepted);
    else byRule.set(ref, [accepted]);
  }
  const causes: RootCauseDraft[] = [];
  for (const [ref, pieces] of byRule) {
    const cause: RootCauseDraft = {
      key: ruleKey(ref),
      groupId: ref.groupId,
      rule: { policy: ref.policy, protocol: ref.protocol, ports: { from: ref.ports.from, to: ref.ports.to }, peer: ref.peer },
      exposes: describeAdmitted(range, pieces, settings),
    };
    if (ref.groupName) cause.groupName = ref.groupName;
    if (ref.ruleId) cause.ruleId = ref.ruleId;
    if (ref.priority !== undefined) cause.rule.priority = ref.priority;
    if (ref.description) cause.rule.description = ref.description;
    causes.push(cause);
  }
  return causes;
}

function describeAdmitted(range: ExposedRange, pieces: ExposedRange['pieces'], settings: AnalyzerSettings): string {
  if (range.protocol === 'all' || (range.protocol !== 'tcp' && range.protocol !== 'udp')) return withServices(range, settings);
  // A rule's part of the range can come as several pieces (one per run of identical rule sets).
  const admitted = pieces.reduce((ports, piece) => ports.union(piece.ports), PortSet.EMPTY).intersect(PortSet.range(range.ports.from, range.ports.to));
  return admitted
    .ranges()
    .map((ports) => withServices({ protocol: range.protocol, ports }, settings))
    .join(', ');
}

function withServices(range: Pick<ExposedRange, 'protocol' | 'ports'>, settings: AnalyzerSettings): string {
  const services = sensitiveServices(range, settings);
  const traffic = describeExposure(range.protocol, range.ports);
  return services.length === 0 ? traffic : `${traffic} (${services.length > 3 ? `${services.slice(0, 3).join(', ')}, …` : services.join(', ')})`;
}
