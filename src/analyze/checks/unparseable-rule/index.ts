import ipaddr from 'ipaddr.js';
import type { Peer, Rule, RuleProblem } from '../../../model/snapshot.js';
import { parsePlainV4 } from '../../net/address-set.js';
import { describeTraffic, formatPeer, ruleEvidence, rulePeer, ruleResource } from '../rule-ref.js';
import type { Check, FindingDraft } from '../types.js';
import { inScope } from '../scope.js';

/**
 * Rules the collector could not fully understand carry `problems`; the evaluator skips them, so
 * what they allow or deny is unknown. A check must surface them, or a skipped drop rule would
 * silently turn into "exposed" and a skipped accept into "safe". Values that slipped through
 * normalization (bad CIDRs, impossible port ranges) are reported the same way.
 */
export const check: Check = {
  meta: {
    id: 'unparseable-rule',
    title: 'Security group rule could not be understood',
    severity: 'medium',
    description:
      'Reports rules with a field sgaudit could not interpret (an unknown protocol, a port range like "abc/x", a missing priority, a malformed CIDR). Such rules are left out of the exposure analysis.',
    rationale:
      'Every other check reasons about what a rule allows. A rule that cannot be read makes those conclusions uncertain: if it is a drop rule, traffic it blocks may be reported as exposed; if it is an accept rule, real exposure may be missed.',
    remediation:
      'Inspect the rule in the console or with DescribeSecurityGroupAttribute. Recreate it with a supported protocol and an explicit port range, or report the value to the sgaudit maintainers if the cloud accepts it.',
    docs: 'docs/checks/unparseable-rule.md',
  },
  run({ view, scope }) {
    const findings: FindingDraft[] = [];
    for (const { item: group, accountId, regionId } of view.groups.values()) {
      if (!inScope(scope?.groups, group.id)) continue;
      for (const rule of group.rules) {
        const odd = oddValues(rule);
        if (odd === NO_PROBLEMS && !(rule.problems && rule.problems.length > 0)) continue;
        const problems = [...(rule.problems ?? []), ...odd];
        const listed = problems.map((problem) => `${problem.field} "${problem.value}": ${problem.problem}`).join('; ');
        findings.push({
          message: `Rule ${rule.id ?? `(${describeTraffic(rule)} ${formatPeer(rulePeer(rule))})`} in ${group.id} (${group.name}) was not understood and is left out of the analysis: ${listed}.`,
          accountId,
          regionId,
          resource: ruleResource(group, rule),
          detail: {
            direction: rule.direction,
            extra: { problems: problems.map(({ field, value, problem }) => ({ field, value, problem })) },
          },
          evidence: [ruleEvidence(group, rule, 'subject')],
        });
      }
    }
    return findings;
  },
};

/** Shared by the (nearly all) rules without odd values: they need no array each. */
const NO_PROBLEMS: readonly RuleProblem[] = [];

function oddValues(rule: Rule): readonly RuleProblem[] {
  const { from, to } = rule.ports;
  const badPorts = !Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to > 65535 || from > to;
  const { source, destination } = rule;
  if (!badPorts && (!source || peerLooksValid(source)) && (!destination || peerLooksValid(destination))) return NO_PROBLEMS;
  const problems: RuleProblem[] = [];
  if (badPorts) problems.push({ field: 'ports', value: `${from}/${to}`, problem: 'not a valid port range (expected 0 ≤ from ≤ to ≤ 65535)' });
  if (source) problems.push(...peerProblems('source', source));
  if (destination) problems.push(...peerProblems('destination', destination));
  return problems;
}

/** peerProblems(…) is empty: one kind of peer, a valid address where one is named. */
function peerLooksValid(peer: Peer): boolean {
  const kinds = Number(peer.cidr !== undefined) + Number(peer.ipv6Cidr !== undefined) + Number(peer.groupId !== undefined) + Number(peer.prefixListId !== undefined);
  return kinds <= 1 && (peer.cidr === undefined || isAddressOrCidr(peer.cidr, 'ipv4')) && (peer.ipv6Cidr === undefined || isAddressOrCidr(peer.ipv6Cidr, 'ipv6'));
}

function peerProblems(side: string, peer: Peer): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const kinds = [peer.cidr, peer.ipv6Cidr, peer.groupId, peer.prefixListId].filter((value) => value !== undefined);
  if (kinds.length > 1) problems.push({ field: side, value: kinds.join(', '), problem: 'names more than one kind of peer' });
  if (peer.cidr !== undefined && !isAddressOrCidr(peer.cidr, 'ipv4')) problems.push({ field: `${side}.cidr`, value: peer.cidr, problem: 'not an IPv4 address or CIDR' });
  if (peer.ipv6Cidr !== undefined && !isAddressOrCidr(peer.ipv6Cidr, 'ipv6')) problems.push({ field: `${side}.ipv6Cidr`, value: peer.ipv6Cidr, problem: 'not an IPv6 address or CIDR' });
  return problems;
}

/** Estates repeat a few distinct CIDRs across many rules: parse each text once per kind. */
const addressValidity = { ipv4: new Map<string, boolean>(), ipv6: new Map<string, boolean>() };

function isAddressOrCidr(text: string, kind: 'ipv4' | 'ipv6'): boolean {
  const known = addressValidity[kind];
  let valid = known.get(text);
  if (valid === undefined) {
    if (known.size > 100_000) known.clear();
    valid = parseAddressOrCidr(text, kind);
    known.set(text, valid);
  }
  return valid;
}

function parseAddressOrCidr(text: string, kind: 'ipv4' | 'ipv6'): boolean {
  if (parsePlainV4(text)) return kind === 'ipv4';
  try {
    const [address] = text.includes('/') ? ipaddr.parseCIDR(text) : [ipaddr.parse(text)];
    return address.kind() === kind;
  } catch {
    return false;
  }
}
