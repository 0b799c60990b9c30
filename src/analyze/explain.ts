import type { Evidence } from '../model/findings.js';
import type { Direction, NetworkInterface } from '../model/snapshot.js';
import { AddressSet } from './net/address-set.js';
import { acceptedFrom, decisionFor, EVAL_PROTOCOLS, PORT_PROTOCOLS, type EvalProtocol } from './net/evaluate.js';
import type { PolicyEvaluator } from './net/evaluator.js';
import type { Ordering } from './net/rule-order.js';
import { evidenceOf, witnessEvidence } from './net/evidence.js';
import { classifyBreadth, countAddresses, describeCount } from './net/breadth.js';
import { DEFAULT_BREADTH_THRESHOLDS } from '../config/settings.js';
import { displayCidrs } from './net/exposure.js';
import { publicPart } from './net/public.js';
import { isPrimaryType, type PublicAddress, type SnapshotView } from './view.js';

/**
 * `sgaudit explain`: what one network interface really accepts (or sends), or the decision for
 * one packet, with the rules that prove it. Evaluates a single ENI on an already loaded view, so
 * it answers in milliseconds even on the largest snapshots (bench/analyze.ts measures it).
 */
export interface ExplainQuery {
  /** An ENI id, or an instance id (its primary interface). */
  target: string;
  direction: Direction;
  /** One packet: protocol, port and the remote address. Without it, the whole accepted set. */
  packet?: { protocol: EvalProtocol; port: number; address: string };
}

interface AcceptedLine {
  protocol: string;
  ports: string;
  peers: string[];
  /** How many public addresses get in this way (default thresholds), when any do. */
  breadth?: string;
  evidence: Evidence[];
}

export interface Explanation {
  eni: { id: string; name: string; instanceId?: string; accountId: string; regionId: string };
  direction: Direction;
  /** How the groups combine: the ENI's account's cloud (Alibaba pools them, Huawei follows the port's sequence). */
  ordering: Ordering;
  groups: { id: string; name: string; type: string; rules: number }[];
  missingGroupIds: string[];
  publicAddresses: PublicAddress[];
  packet?: { protocol: string; port: number; address: string; decision: 'accept' | 'drop'; evidence: Evidence[] };
  accepted?: AcceptedLine[];
}

export class ExplainTargetError extends Error {}

const ORDERING_TEXT: Record<Ordering, string> = {
  alibaba: 'pooled, by priority; drop wins ties',
  huawei: "Huawei: in the port's sequence, each group by priority; deny wins ties",
};

function findEni(view: SnapshotView, target: string): { eni: NetworkInterface; accountId: string; regionId: string } | undefined {
  const direct = view.enis.get(target);
  if (direct) return { eni: direct.item, accountId: direct.accountId, regionId: direct.regionId };
  const attached = view.enisByInstance.get(target) ?? [];
  const primary = attached.find((located) => isPrimaryType(located.item.type)) ?? attached[0];
  return primary ? { eni: primary.item, accountId: primary.accountId, regionId: primary.regionId } : undefined;
}

export function explain(evaluator: PolicyEvaluator, query: ExplainQuery): Explanation {
  const { view } = evaluator;
  const found = findEni(view, query.target);
  if (!found) throw new ExplainTargetError(`no network interface or instance "${query.target}" in the snapshot`);
  const { eni } = found;
  const policy = evaluator.policyOf(eni, { direction: query.direction });
  const explanation: Explanation = {
    eni: { id: eni.id, name: eni.name || view.instanceOfEni(eni)?.name || '', ...(eni.instanceId ? { instanceId: eni.instanceId } : {}), accountId: found.accountId, regionId: found.regionId },
    direction: query.direction,
    ordering: policy.ordering,
    groups: view.groupsOfEni(eni).map((group) => ({ id: group.id, name: group.name, type: group.type, rules: group.rules.length })),
    missingGroupIds: eni.securityGroupIds.filter((id) => !view.groups.has(id)),
    publicAddresses: view.publicAddressesOfEni(eni),
  };
  if (query.packet) {
    const { protocol, port, address } = query.packet;
    const piece = decisionFor(policy, protocol, port, address);
    if (!piece) throw new ExplainTargetError(`"${address}" is not an IP address`);
    explanation.packet = {
      protocol,
      port,
      address,
      decision: piece.decision,
      evidence: [evidenceOf(piece.decidedBy, 'decides'), ...piece.passed.map((ref) => evidenceOf(ref, 'passed', 'evaluated first; does not match this packet'))],
    };
    return explanation;
  }
  explanation.accepted = acceptedFrom(policy, AddressSet.ALL)
    .sort((a, b) => EVAL_PROTOCOLS.indexOf(a.protocol) - EVAL_PROTOCOLS.indexOf(b.protocol))
    .map((accepted) => {
      const line: AcceptedLine = {
        protocol: accepted.protocol,
        ports: PORT_PROTOCOLS.has(accepted.protocol) ? accepted.ports.toString() : '',
        peers: displayCidrs(accepted.peers, 12),
        evidence: witnessEvidence([accepted.piece], 5),
      };
      const publicPeers = publicPart(accepted.peers);
      if (!publicPeers.isEmpty()) {
        const counts = countAddresses(publicPeers);
        line.breadth = `${classifyBreadth(counts, DEFAULT_BREADTH_THRESHOLDS)}: ${describeCount(counts)}`;
      }
      return line;
    });
  return explanation;
}

function ruleLine(evidence: Evidence): string {
  const where = `${evidence.groupId}${evidence.groupName ? ` (${evidence.groupName})` : ''}`;
  const rule = evidence.ruleId ? ` rule ${evidence.ruleId}` : '';
  const what = `${evidence.policy ?? ''} ${evidence.protocol ?? ''} ${evidence.ports ? `${evidence.ports.from}-${evidence.ports.to}` : ''} ${evidence.peer ?? ''}`.replace(/\s+/g, ' ').trim();
  return `${evidence.role.padEnd(7)} ${where}${rule}${evidence.priority === undefined ? '' : ` priority ${evidence.priority}`}: ${what}${evidence.note ? ` — ${evidence.note}` : ''}`;
}

export function formatExplanation(explanation: Explanation): string {
  const { eni } = explanation;
  const lines = [
    `${eni.id}${eni.name ? ` (${eni.name})` : ''}${eni.instanceId ? ` on ${eni.instanceId}` : ''} — ${eni.accountId}/${eni.regionId}, ${explanation.direction}`,
    `groups (${ORDERING_TEXT[explanation.ordering]}): ${explanation.groups.map((g) => `${g.id} ${g.name} [${g.type}, ${g.rules} rules]`).join('; ') || 'none'}`,
  ];
  if (explanation.missingGroupIds.length) lines.push(`groups not in the snapshot: ${explanation.missingGroupIds.join(', ')}`);
  lines.push(`public addresses: ${explanation.publicAddresses.map((a) => `${a.address} (${a.via})`).join(', ') || 'none (not reachable from the internet)'}`);
  if (explanation.packet) {
    const { packet } = explanation;
    lines.push('', `${packet.protocol} ${packet.port} from ${packet.address}: ${packet.decision.toUpperCase()}`);
    for (const evidence of packet.evidence) lines.push(`  ${ruleLine(evidence)}`);
  } else {
    lines.push('', explanation.accepted?.length ? 'accepted:' : 'accepts nothing');
    for (const accepted of explanation.accepted ?? []) {
      lines.push(`  ${accepted.protocol}${accepted.ports ? ` ${accepted.ports}` : ''} from ${accepted.peers.join(', ')}${accepted.breadth ? ` [public — ${accepted.breadth}]` : ''}`);
      for (const evidence of accepted.evidence) lines.push(`    ${ruleLine(evidence)}`);
    }
  }
  return lines.join('\n');
}
