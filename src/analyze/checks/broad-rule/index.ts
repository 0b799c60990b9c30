import ipaddr from 'ipaddr.js';
import type { Rule } from '../../../model/snapshot.js';
import { AddressSet, parsePlainV4 } from '../../net/address-set.js';
import { breadthOf } from '../../net/breadth.js';
import { PUBLIC_SPACE } from '../../net/public.js';
import { isEvaluable, portRangesOf } from '../../net/rule-order.js';
import { broadRuleSeverity } from '../../severity.js';
import { describeTraffic, formatPeer, ruleEvidence, ruleResource } from '../rule-ref.js';
import type { Check, FindingDraft } from '../types.js';
import type { AnalyzerSettings } from '../../../config/settings.js';
import { inScope } from '../scope.js';

type BroadReason = 'protocol-all' | 'port-span' | 'broad-source';

/**
 * Accept rules that allow more than anyone usually means to, whether or not they expose anything
 * today: protocol ALL, a port range wider than `broadPortSpan`, or a source CIDR shorter than
 * `broadSourcePrefix` (/16) or `broadSourcePrefixV6` (/48), public or private — a 10.0.0.0/8 rule
 * lets every workload in the network in. Only ingress: egress allow-all is the default of basic
 * groups, so a rule saying it again adds nothing.
 */
export const check: Check = {
  meta: {
    id: 'broad-rule',
    title: 'Accept rule is broader than needed',
    severity: 'medium',
    description:
      'Reports ingress accept rules that allow every protocol, a port range wider than thresholds.broadPortSpan (default 100 ports), or a source wider than thresholds.broadSourcePrefix (default /16 for IPv4, /48 for IPv6; rules that only open allowedPublicPorts such as tcp/443 are exempt from the source test). A public source ranks by its breadth: high when it is the internet at large, medium when wide, low for an allow-list; a private source is low.',
    rationale:
      'Broad rules are how least privilege erodes: a range opened "for now" keeps admitting every new service that starts listening in it, and a whole-VPC or whole-internet source lets any compromised host reach the port.',
    remediation:
      'Replace the rule with rules for the specific protocol and ports the service uses, and narrow the source to the CIDRs, security groups or prefix lists that actually need access.',
    docs: 'docs/checks/broad-rule.md',
  },
  run({ view, settings, scope }) {
    const findings: FindingDraft[] = [];
    // Estates repeat a few distinct CIDRs across many rules: classify each text once per run.
    const sources = new Map<string, SourceFacts | null>();
    for (const { item: group, accountId, regionId } of view.groups.values()) {
      if (!inScope(scope?.groups, group.id)) continue;
      for (const rule of group.rules) {
        // A disabled (Huawei) rule admits nothing, like one the collector could not read.
        if (rule.policy !== 'accept' || rule.direction !== 'ingress' || !isEvaluable(rule)) continue;
        const facts = sourceFacts(rule, sources);
        const reasons = broadReasons(rule, facts, settings);
        if (reasons.length === 0) continue;
        const peer = formatPeer(rule.source);
        const breadth = facts?.public ? breadthOf(facts.publicPart, [peer], settings.breadth) : undefined;
        const publicSource = breadth !== undefined;
        findings.push({
          severity: broadRuleSeverity(breadth?.class),
          ...(breadth ? { breadth } : {}),
          message: `${rule.id ? `Rule ${rule.id}` : 'Rule'} in ${group.id} (${group.name}) accepts ${describeTraffic(rule)} from ${peer}${publicSource ? ' (public)' : ''}: ${reasons.map(explain).join(', ')}.`,
          accountId,
          regionId,
          resource: ruleResource(group, rule),
          detail: {
            direction: rule.direction,
            protocol: rule.protocol,
            ports: { from: rule.ports.from, to: rule.ports.to },
            sources: [peer],
            extra: { reasons },
          },
          evidence: [ruleEvidence(group, rule, 'subject')],
        });
      }
    }
    return findings;
  },
};

function explain(reason: BroadReason): string {
  if (reason === 'protocol-all') return 'every protocol';
  if (reason === 'port-span') return 'a wide port range';
  return 'a wide source range';
}

function broadReasons(rule: Rule, prefix: SourceFacts | undefined, settings: AnalyzerSettings): BroadReason[] {
  const reasons: BroadReason[] = [];
  if (rule.protocol === 'all') reasons.push('protocol-all');
  // Only tcp/udp have ports; other protocols are normalized to 1-65535 and would all look "wide".
  // A Huawei multiport rule (22,80,8000-9000) is as wide as its widest range, not its span.
  const ranges = portRangesOf(rule);
  if ((rule.protocol === 'tcp' || rule.protocol === 'udp') && ranges.some((range) => range.to - range.from + 1 > settings.broadPortSpan)) reasons.push('port-span');
  // Serving the allowed public ports (tcp/80, tcp/443) to everyone is the point of a web tier, not breadth.
  const onlyAllowedPorts = ranges.every((range) =>
    settings.allowedPublicPorts.some((allowed) => allowed.protocol === rule.protocol && allowed.from <= range.from && range.to <= allowed.to),
  );
  if (prefix && !onlyAllowedPorts && prefix.length < (prefix.kind === 'ipv4' ? settings.broadSourcePrefix : settings.broadSourcePrefixV6)) reasons.push('broad-source');
  return reasons;
}

interface SourceFacts {
  kind: 'ipv4' | 'ipv6';
  length: number;
  public: boolean;
  /** The source's public addresses, which its breadth counts. */
  publicPart: AddressSet;
}

function sourceFacts(rule: Rule, known: Map<string, SourceFacts | null>): SourceFacts | undefined {
  const text = rule.source?.cidr ?? rule.source?.ipv6Cidr;
  if (text === undefined) return undefined;
  let facts = known.get(text);
  if (facts === undefined) known.set(text, (facts = classifySource(text)));
  return facts ?? undefined;
}

function classifySource(text: string): SourceFacts | null {
  const set = AddressSet.parse(text);
  if (!set) return null; // unparseable-rule reports it
  const publicPart = set.intersect(PUBLIC_SPACE);
  const plain = parsePlainV4(text);
  if (plain) return { kind: 'ipv4', length: plain.prefix, public: !publicPart.isEmpty(), publicPart };
  try {
    if (text.includes('/')) {
      const [address, length] = ipaddr.parseCIDR(text);
      return { kind: address.kind(), length, public: !publicPart.isEmpty(), publicPart };
    }
    const address = ipaddr.parse(text);
    return { kind: address.kind(), length: address.kind() === 'ipv4' ? 32 : 128, public: !publicPart.isEmpty(), publicPart };
  } catch {
    return null;
  }
}
