import type { Breadth, Evidence, Severity } from '../../../model/findings.js';
import { exposureSeverity } from '../../severity.js';
import { ExposureFacts } from '../exposure-facts.js';
import { AddressSet, type CidrCovers } from '../../net/address-set.js';
import type { NetworkInterface } from '../../../model/snapshot.js';
import { PUBLIC_PEER_KINDS, type EffectivePolicy } from '../../net/evaluate.js';
import type { EvaluationContext, PolicyEvaluator } from '../../net/evaluator.js';
import { capList, describeExposure, exposedRanges, sourceCidrs, type ExposedRange } from '../../net/exposure.js';
import { PUBLIC_SPACE } from '../../net/public.js';
import type { Located, PublicAddress, SnapshotView } from '../../view.js';
import type { Check, FindingDraft, RootCauseDraft } from '../types.js';
import type { AnalyzerSettings } from '../../../config/settings.js';
import { inScope } from '../scope.js';

/**
 * Exposure is computed from the effective policy of each internet-reachable ENI (all its groups
 * pooled, priorities and drop-wins-ties applied), not from single rules: an accept shadowed by a
 * drop in another group is not exposure, and `1.0.0.0/1` or a prefix list of public ranges is.
 */
export const check: Check = {
  meta: {
    id: 'public-exposure',
    title: 'Internet-reachable network interface accepts public traffic',
    severity: 'high',
    description:
      'Reports every network interface that has a public IPv4 address, an EIP or a global IPv6 address and whose security groups, taken together, accept traffic from public addresses on a protocol or port range outside allowedPublicPorts (default tcp 80 and 443). One finding per interface, protocol and maximal port range on which the same public sources are accepted, with its breadth: how many public addresses are admitted (several narrow ranges add up) and the class that follows — internet (at least a /8\'s worth of IPv4 or a /32\'s worth of IPv6), wide (a /16 or /48), or allow-listed. IPv4 sources count only when the interface has a public IPv4 address or EIP, IPv6 sources only when it has a global IPv6 address; ICMP only from IPv4 sources, ICMPv6 only from IPv6 ones.',
    rationale:
      'Severity is sensitivity × breadth (docs/severity.md): an admin or database port (SSH, RDP, MySQL, Redis …) or every protocol open to the internet at large is critical, because anyone can reach it today; the same port open to a wide public range is high, and to a partner allow-list low. Other ports are high, medium and info; ICMP is at most low. Each finding names its root cause, the deciding rule, and the report ranks root causes by how many internet-facing interfaces they expose.',
    remediation:
      'Restrict the source of the deciding rule to the addresses that need access (office egress, a bastion, a prefix list), move the service behind a load balancer or a bastion, or add a drop rule with a higher priority (lower number). Remove the public address if the instance does not need one.',
    docs: 'docs/checks/public-exposure.md',
  },
  run({ view, evaluator, settings, scope }) {
    const findings: FindingDraft[] = [];
    // ENIs with the same evaluation key share one policy; evaluating each key once and letting it
    // go keeps memory flat (the view-wide cache would hold every combination to the end).
    const byEvaluation = new Map<string, { context: EvaluationContext; enis: { eni: Located<NetworkInterface>; addresses: PublicAddress[] }[] }>();
    const publicAccepts = new Map<string, { v4: boolean; v6: boolean }>();
    for (const located of view.enis.values()) {
      if (!inScope(scope?.enis, located.item.id)) continue;
      const addresses = view.publicAddressesOfEni(located.item);
      if (addresses.length === 0) continue;
      if (!mayAcceptPublic(evaluator, located.item, addresses, publicAccepts)) continue;
      const context = evaluator.contextOf(located.item, { direction: 'ingress' });
      let entry = byEvaluation.get(context.key);
      if (!entry) byEvaluation.set(context.key, (entry = { context, enis: [] }));
      entry.enis.push({ eni: located, addresses });
    }
    const memo: RunMemo = { sourcesOfPiece: new Map(), facts: new ExposureFacts(settings) };
    for (const { context, enis } of byEvaluation.values()) {
      // Findings come only from pieces publicAccepted keeps: the evaluation decides just those, exactly.
      const policy = evaluator.evaluate(context, { publicAcceptsOnly: true });
      const rangesByFamily = new Map<AddressSet, ExposedRange[]>();
      // ENIs sharing a policy share its ranges, and so everything a finding says about a range
      // (evidence included: findings are read-only data, so the array is shared). Ranges belong to
      // one policy, so the map lives for one policy: held for the whole check it kept every
      // policy's pieces alive to the end (promoted, scavenged, then a major GC).
      const factsOfRange = new Map<ExposedRange, RangeFacts>();
      for (const { eni: located, addresses } of enis) findings.push(...exposureFindings(view, evaluator, located, addresses, policy, rangesByFamily, factsOfRange, memo, settings));
    }
    return findings;
  },
};

function exposureFindings(
  view: SnapshotView,
  evaluator: PolicyEvaluator,
  { item: eni, accountId, regionId }: Located<NetworkInterface>,
  addresses: PublicAddress[],
  policy: EffectivePolicy,
  rangesByFamily: Map<AddressSet, ExposedRange[]>,
  factsOfRange: Map<ExposedRange, RangeFacts>,
  memo: RunMemo,
  settings: AnalyzerSettings,
): FindingDraft[] {
  const findings: FindingDraft[] = [];
  const hasV4 = addresses.some((a) => a.via !== 'ipv6');
  const hasV6 = addresses.some((a) => a.via === 'ipv6');
  const filter = hasV4 && hasV6 ? PUBLIC_SPACE : hasV4 ? PUBLIC_V4 : PUBLIC_V6;
  let ranges = rangesByFamily.get(filter);
  if (!ranges) rangesByFamily.set(filter, (ranges = exposedRanges(evaluator.publicAccepted(policy, filter), settings.allowedPublicPorts)));
  if (ranges.length === 0) return findings;
  const instance = view.instanceOfEni(eni);
  const name = instance?.name || eni.name || undefined;
  // One object per interface, shared by its findings (read-only data).
  const instanceRef = instance ? (instance.name ? { id: instance.id, name: instance.name } : { id: instance.id }) : undefined;
  for (const range of ranges) {
    let facts = factsOfRange.get(range);
    if (!facts) factsOfRange.set(range, (facts = describeRange(range, filter, memo)));
    const reachable = addresses.filter((a) => (a.via === 'ipv6' ? facts.v6Sources : facts.v4Sources));
    const { services } = facts;
    const draft: FindingDraft = {
      severity: facts.severity,
      title: facts.title,
      message: `${eni.id}${name ? ` (${name})` : ''}${instance ? ` on ${instance.id}` : ''} accepts ${facts.traffic}${services.length > 0 ? ` (${services.join(', ')})` : ''} from ${facts.breadth.summary} on ${reachable.map((a) => a.address).join(', ')}.`,
      accountId,
      regionId,
      resource: name ? { type: 'networkInterface', id: eni.id, name } : { type: 'networkInterface', id: eni.id },
      detail: {
        direction: 'ingress',
        protocol: range.protocol,
        ports: range.ports,
        sources: facts.sources,
        addresses: reachable.map((a) => a.address),
        ...(services.length > 0 || eni.serviceManaged ? { extra: { ...(services.length > 0 ? { sensitive: services } : {}), ...(eni.serviceManaged ? { serviceManaged: eni.serviceId ?? true } : {}) } } : {}),
      },
      evidence: facts.evidence,
      breadth: facts.breadth,
      rootCauses: facts.causes,
    };
    draft.idDetail = { ...draft.detail, sources: facts.publicSources };
    if (instanceRef) draft.instance = instanceRef;
    findings.push(draft);
  }
  return findings;
}

/**
 * Ingress defaults to drop and intra-group access is never public, so an ENI whose groups have no
 * accept rule with a public peer (of a family the ENI is reachable on) accepts nothing from the
 * internet: it needs no evaluation.
 */
function mayAcceptPublic(evaluator: PolicyEvaluator, eni: NetworkInterface, addresses: readonly PublicAddress[], cache: Map<string, { v4: boolean; v6: boolean }>): boolean {
  const v4 = addresses.some((a) => a.via !== 'ipv6');
  const v6 = addresses.some((a) => a.via === 'ipv6');
  for (const groupId of eni.securityGroupIds) {
    let facts = cache.get(groupId);
    if (!facts) {
      facts = { v4: false, v6: false };
      const group = evaluator.view.groups.get(groupId)?.item;
      for (const rule of group ? evaluator.groupRules(group, 'ingress') : []) {
        if (rule.policy !== 'accept' || !PUBLIC_PEER_KINDS.includes(rule.peerKind)) continue;
        facts.v4 ||= rule.peers.intersects(PUBLIC_V4);
        facts.v6 ||= rule.peers.intersects(PUBLIC_V6);
      }
      cache.set(groupId, facts);
    }
    if ((v4 && facts.v4) || (v6 && facts.v6)) return true;
  }
  return false;
}

/** What a finding says about an exposed range, whichever ENI it is on. */
interface RangeFacts {
  severity: Severity;
  title: string;
  traffic: string;
  sources: string[];
  /** The exact public sources (as address intervals), what the finding's id names. */
  publicSources: string[];
  services: string[];
  breadth: Breadth;
  causes: RootCauseDraft[];
  v4Sources: boolean;
  v6Sources: boolean;
  evidence: Evidence[];
}

/**
 * The source CIDRs of ranges decided by a single piece, by the piece's peers and the address
 * filter: those two are all such a range's sources depend on (they are the peers within the
 * filter's public part), and most single-piece ranges repeat a rule's peers object seen before
 * (computing the CIDR cover again was most of the garbage per range).
 */
type SourcesMemo = Map<AddressSet, Map<AddressSet, string[]>>;

/** What one run of the check shares across policies. */
interface RunMemo {
  sourcesOfPiece: SourcesMemo;
  facts: ExposureFacts;
}

function rangeSources(range: ExposedRange, filter: AddressSet, memo: SourcesMemo, covers: CidrCovers): string[] {
  if (range.pieces.length !== 1) return sourceCidrs(range.sources, range.pieces, covers);
  const peers = (range.pieces[0] as ExposedRange['pieces'][number]).piece.peers;
  let byPeers = memo.get(filter);
  if (!byPeers) memo.set(filter, (byPeers = new Map()));
  let sources = byPeers.get(peers);
  if (!sources) byPeers.set(peers, (sources = sourceCidrs(range.sources, range.pieces, covers)));
  return sources;
}

function describeRange(range: ExposedRange, filter: AddressSet, memo: RunMemo): RangeFacts {
  const { facts } = memo;
  const services = facts.services(range);
  const traffic = describeExposure(range.protocol, range.ports);
  const sources = rangeSources(range, filter, memo.sourcesOfPiece, facts.covers);
  const breadth = facts.breadth(range, sources);
  return {
    severity: exposureSeverity(facts.sensitivity(range, services), breadth.class),
    title: `Internet-reachable interface accepts ${traffic} from ${breadth.class === 'internet' ? 'the internet' : breadth.class === 'wide' ? 'a wide public range' : 'allow-listed public sources'}`,
    traffic,
    sources: capList(sources, 20),
    publicSources: [range.sources.key()],
    services,
    breadth,
    causes: facts.rootCauses(range, exposureSeverity),
    v4Sources: range.sources.intersects(AddressSet.ALL_V4),
    v6Sources: range.sources.intersects(AddressSet.ALL_V6),
    evidence: facts.evidence(range),
  };
}

const PUBLIC_V4 = PUBLIC_SPACE.ipv4();
const PUBLIC_V6 = PUBLIC_SPACE.ipv6();
