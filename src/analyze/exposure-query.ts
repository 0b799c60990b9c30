import type { AnalyzerSettings } from '../config/settings.js';
import type { Breadth, Evidence, FindingInstance, Severity } from '../model/findings.js';
import type { NetworkInterface, PortRange, Rule } from '../model/snapshot.js';
import { ExposureFacts } from './checks/exposure-facts.js';
import type { RootCauseDraft } from './checks/types.js';
import { AddressSet } from './net/address-set.js';
import { countAddresses } from './net/breadth.js';
import { acceptedFrom, PUBLIC_PEER_KINDS, type AcceptedPiece } from './net/evaluate.js';
import type { EvaluationContext, PolicyEvaluator } from './net/evaluator.js';
import { capList, describeExposure, exposedRanges, sourceCidrs, touchedSpecs, type ExposedRange } from './net/exposure.js';
import { PortSet } from './net/port-set.js';
import { PUBLIC_SPACE } from './net/public.js';
import { PORT_PROTOCOLS, type EvalProtocol } from './net/rule-order.js';
import { exposureSeverity } from './severity.js';
import type { Located, PublicAddress } from './view.js';

/**
 * `sgaudit exposure`: every interface that accepts some traffic from some sources, answered by the
 * evaluator that `analyze` uses. From the internet (or any public range) only interfaces with a
 * public address of that family count, and only rules whose peers can be public (CIDRs, prefix
 * lists) admit — exactly public-exposure's reading, without leaving out the allowed public ports.
 * A range with any public address in it is such a question (its private part is not asked about:
 * `0.0.0.0/0` means the internet). Wholly private sources (a private CIDR, a group's members) reach
 * any interface the groups admit them to, IPv6 ones only interfaces with an IPv6 address: security
 * groups are all this answers about; routes and peering are out of its sight.
 */
export interface ExposureQuery {
  /** One protocol, optionally narrowed to ports (tcp/udp); without it, every protocol and port. */
  traffic?: { protocol: EvalProtocol; ports?: PortRange };
  from: ExposureSource;
}

export type ExposureSource = { kind: 'internet' } | { kind: 'cidr'; text: string; addresses: AddressSet } | { kind: 'group'; groupId: string };

export interface ExposureRow {
  accountId: string;
  regionId: string;
  interface: { id: string; name?: string };
  instance?: FindingInstance;
  protocol: string;
  ports: PortRange;
  /** `tcp 22`, `all protocols and ports`. */
  traffic: string;
  /** The sensitive services the traffic touches (`tcp/22 SSH`). */
  services: string[];
  /** The accepted sources within the query's, as CIDRs (capped at 20). */
  sources: string[];
  /** The interface addresses they reach: its public ones for public sources, else its private ones. */
  addresses: string[];
  /** For public sources: how many public addresses get in, and the class (internet, wide, allow-list). */
  breadth?: Breadth;
  /** For private sources: how many addresses get in (`256 addresses`). */
  privateSources?: string;
  /**
   * What `analyze` ranks the same exposure as (public sources only); absent on an allowed public
   * port, which analyze does not report.
   */
  severity?: Severity;
  allowedPublicPort?: true;
  evidence: Evidence[];
  /** Keys of the deciding rules (`<groupId>/<ruleId>`), described in the answer's rootCauses. */
  rootCauses: string[];
}

export interface ExposureRootCause {
  key: string;
  groupId: string;
  groupName?: string;
  ruleId?: string;
  rule: RootCauseDraft['rule'];
  /** The rule judged on its own part (its ports, the public sources it admits itself); absent for private sources. */
  severity?: Severity;
  /** Indexes into `rows`. */
  rows: number[];
  interfaces: number;
}

export interface ExposureAnswer {
  /** `tcp 6379 from internet`. */
  question: string;
  rows: ExposureRow[];
  /** The deciding rules, worst first: fix one and its rows go (unless another rule also admits them). */
  rootCauses: ExposureRootCause[];
  interfaces: number;
  instances: number;
  /** Evaluation contexts of the interfaces whose groups could admit the query (the others need none). */
  evaluatedContexts: number;
}

/** Query → rows, one per interface, protocol and maximal port range with one source set, root causes worst first. */
export function queryExposure(evaluator: PolicyEvaluator, settings: AnalyzerSettings, query: ExposureQuery): ExposureAnswer {
  const { view } = evaluator;
  const sources = sourcesOf(evaluator, query.from);
  const publicPart = sources.intersect(PUBLIC_SPACE);
  // A range with public addresses in it (0.0.0.0/0, a partner's /24) asks about the internet side;
  // only a wholly private one (10.0.0.0/8, a group's members) asks about the inside.
  const privatePart = publicPart.isEmpty() ? sources : AddressSet.EMPTY;
  const wanted = wantedPorts(query.traffic);
  const facts = new ExposureFacts(settings);
  // The sources within each family combination: a handful of sets, computed once, not per interface.
  const within = new Map<AddressSet, Map<AddressSet, AddressSet>>();
  const sourcesIn = (sources: AddressSet, families: AddressSet): AddressSet => {
    let bySources = within.get(families);
    if (!bySources) within.set(families, (bySources = new Map()));
    let result = bySources.get(sources);
    if (!result) bySources.set(sources, (result = sources.intersect(families)));
    return result;
  };
  const prefilter = new RulePrefilter(evaluator, query.traffic?.protocol, wanted);
  const matchesQuery = query.traffic ? (rule: Rule) => mayMatchTraffic(rule, query.traffic?.protocol, wanted) : undefined;

  // Interfaces that share an evaluation context share its answer; contexts are evaluated once.
  const byContext = new Map<string, { context: EvaluationContext; enis: { located: Located<NetworkInterface>; addresses: PublicAddress[] }[] }>();
  for (const located of view.enis.values()) {
    const addresses = view.publicAddressesOfEni(located.item);
    const reachable = sourcesIn(publicPart, familiesOf(addresses));
    const inside = sourcesIn(privatePart, privateFamiliesOf(located.item));
    if (inside.isEmpty() && reachable.isEmpty()) continue;
    if (!prefilter.mayAdmit(located.item, reachable, inside)) continue;
    const context = evaluator.contextOf(located.item, { direction: 'ingress' });
    let entry = byContext.get(context.key);
    if (!entry) byContext.set(context.key, (entry = { context, enis: [] }));
    entry.enis.push({ located, addresses });
  }

  const found: RowWithCauses[] = [];
  for (const { context, enis } of byContext.values()) {
    // Only public accepts matter when every source is public: the evaluation decides just those, exactly.
    const policy = evaluator.evaluate(context, { publicAcceptsOnly: privatePart.isEmpty(), ...(matchesQuery ? { onlyRules: matchesQuery } : {}) });
    const rangesOf = new Map<AddressSet, Map<AddressSet, ExposedRange[]>>();
    for (const { located, addresses } of enis) {
      const reachable = sourcesIn(publicPart, familiesOf(addresses));
      const inside = sourcesIn(privatePart, privateFamiliesOf(located.item));
      // Both are one of a few memoized sets, so the pair of objects identifies the question.
      let byInside = rangesOf.get(reachable);
      if (!byInside) rangesOf.set(reachable, (byInside = new Map()));
      let ranges = byInside.get(inside);
      if (!ranges) {
        const accepted = [...acceptedFrom(policy, reachable, { peerKinds: PUBLIC_PEER_KINDS }), ...acceptedFrom(policy, inside)];
        byInside.set(inside, (ranges = exposedRanges(narrowed(accepted, query.traffic?.protocol, wanted), [])));
      }
      for (const range of ranges) found.push(rowOf(evaluator, facts, settings, located, addresses, range));
    }
  }
  found.sort((a, b) => byRowOrder(a.row, b.row));
  const rows = found.map(({ row }) => row);
  const rootCauses = rootCausesOf(found);
  return {
    question: `${query.traffic ? describeExposure(query.traffic.protocol, query.traffic.ports ?? { from: 1, to: 65535 }) : 'any traffic'} from ${describeSource(query.from)}`,
    rows,
    rootCauses,
    interfaces: new Set(rows.map((row) => row.interface.id)).size,
    instances: new Set(rows.flatMap((row) => (row.instance ? [row.instance.id] : []))).size,
    evaluatedContexts: byContext.size,
  };
}

function describeSource(from: ExposureSource): string {
  if (from.kind === 'internet') return 'the internet';
  return from.kind === 'cidr' ? from.text : `members of ${from.groupId}`;
}

function sourcesOf(evaluator: PolicyEvaluator, from: ExposureSource): AddressSet {
  if (from.kind === 'internet') return PUBLIC_SPACE;
  if (from.kind === 'cidr') return from.addresses;
  return evaluator.groupMemberAddresses(from.groupId);
}

/** The address families an interface is reachable on from the internet. */
function familiesOf(addresses: readonly PublicAddress[]): AddressSet {
  const v4 = addresses.some((a) => a.via !== 'ipv6');
  const v6 = addresses.some((a) => a.via === 'ipv6');
  return v4 && v6 ? AddressSet.ALL : v4 ? AddressSet.ALL_V4 : v6 ? AddressSet.ALL_V6 : AddressSet.EMPTY;
}

/** The address families an interface has addresses in on the inside: IPv6 only with an IPv6 address. */
function privateFamiliesOf(eni: NetworkInterface): AddressSet {
  const v6 = eni.ipv6Addresses.length > 0;
  return v6 ? AddressSet.ALL : AddressSet.ALL_V4;
}

function wantedPorts(traffic: ExposureQuery['traffic']): PortSet {
  if (!traffic?.ports || !PORT_PROTOCOLS.has(traffic.protocol)) return PortSet.ALL;
  return PortSet.range(traffic.ports.from, traffic.ports.to);
}

/** The accepted pieces of the asked protocol and ports only. */
function narrowed(accepted: readonly AcceptedPiece[], protocol: EvalProtocol | undefined, ports: PortSet): AcceptedPiece[] {
  if (!protocol) return [...accepted];
  const result: AcceptedPiece[] = [];
  for (const piece of accepted) {
    if (piece.protocol !== protocol) continue;
    const kept = PORT_PROTOCOLS.has(protocol) ? piece.ports.intersect(ports) : piece.ports;
    if (!kept.isEmpty()) result.push(kept === piece.ports ? piece : { ...piece, ports: kept });
  }
  return result;
}

interface RowWithCauses {
  row: ExposureRow;
  causes: RootCauseDraft[];
}

function rowOf(evaluator: PolicyEvaluator, facts: ExposureFacts, settings: AnalyzerSettings, located: Located<NetworkInterface>, addresses: readonly PublicAddress[], range: ExposedRange): RowWithCauses {
  const { item: eni, accountId, regionId } = located;
  const causes = facts.rootCauses(range, exposureSeverity);
  const publicSources = range.sources.intersect(PUBLIC_SPACE);
  const privateSources = range.sources.subtract(PUBLIC_SPACE);
  const services = facts.services(range);
  const row: ExposureRow = {
    accountId,
    regionId,
    interface: eni.name ? { id: eni.id, name: eni.name } : { id: eni.id },
    protocol: range.protocol,
    ports: range.ports,
    traffic: describeExposure(range.protocol, range.ports),
    services,
    sources: capList(sourceCidrs(range.sources, range.pieces, facts.covers), 20),
    addresses: publicSources.isEmpty()
      ? [...eni.privateIps, ...eni.ipv6Addresses]
      : addresses.filter((a) => publicSources.intersects(a.via === 'ipv6' ? AddressSet.ALL_V6 : AddressSet.ALL_V4)).map((a) => a.address),
    evidence: facts.evidence(range),
    rootCauses: causes.map((cause) => cause.key),
  };
  const instance = evaluator.view.instanceOfEni(eni);
  if (instance) row.instance = instance.name ? { id: instance.id, name: instance.name } : { id: instance.id };
  if (!publicSources.isEmpty()) {
    const publicPieces = range.pieces.filter((piece) => piece.peers.intersects(PUBLIC_SPACE));
    row.breadth = facts.breadth({ ...range, sources: publicSources, pieces: publicPieces }, sourceCidrs(publicSources, publicPieces, facts.covers));
    if (onAllowedPorts(settings, range)) row.allowedPublicPort = true;
    else row.severity = exposureSeverity(facts.sensitivity(range, services), row.breadth.class);
  }
  if (!privateSources.isEmpty()) row.privateSources = describeAddressCount(privateSources);
  return { row, causes };
}

/** `27 addresses`, `~2^64 IPv6 addresses` (describeCount speaks of public ones). */
function describeAddressCount(set: AddressSet): string {
  const { ipv4, ipv6 } = countAddresses(set);
  const parts: string[] = [];
  if (ipv4 > 0) parts.push(`${ipv4} ${ipv4 === 1 ? 'address' : 'addresses'}`);
  if (ipv6 > 0n) parts.push(ipv6 < 1n << 32n ? `${ipv6} IPv6 ${ipv6 === 1n ? 'address' : 'addresses'}` : `~2^${ipv6.toString(2).length - 1} IPv6 addresses`);
  return parts.join(' + ');
}

/** Every port of the range is an allowed public port (analyze reports none of it). */
function onAllowedPorts(settings: AnalyzerSettings, range: ExposedRange): boolean {
  if (range.protocol === 'all' || !PORT_PROTOCOLS.has(range.protocol as EvalProtocol)) return false;
  const allowed = touchedSpecs(settings.allowedPublicPorts, range.protocol, range.ports);
  const covered = allowed.reduce((ports, spec) => ports.union(PortSet.range(spec.from, spec.to)), PortSet.EMPTY);
  return covered.covers(PortSet.range(range.ports.from, range.ports.to));
}

const SEVERITY_ORDER: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };
const severityRank = (severity: Severity | undefined) => (severity ? SEVERITY_ORDER[severity] : 5);

function byRowOrder(a: ExposureRow, b: ExposureRow): number {
  return (
    severityRank(a.severity) - severityRank(b.severity) ||
    compare(a.accountId, b.accountId) ||
    compare(a.regionId, b.regionId) ||
    compare(a.interface.id, b.interface.id) ||
    compare(a.protocol, b.protocol) ||
    a.ports.from - b.ports.from
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Rows under each deciding rule (a row admitted by two rules is under both), worst first, then by interfaces. */
function rootCausesOf(found: readonly RowWithCauses[]): ExposureRootCause[] {
  const byKey = new Map<string, ExposureRootCause & { interfaceIds: Set<string> }>();
  found.forEach(({ row, causes }, index) => {
    for (const cause of causes) {
      const key = `${row.accountId}\u0000${row.regionId}\u0000${cause.key}`;
      let entry = byKey.get(key);
      if (!entry) {
        entry = { key: cause.key, groupId: cause.groupId, rule: cause.rule, rows: [], interfaces: 0, interfaceIds: new Set() };
        if (cause.groupName) entry.groupName = cause.groupName;
        if (cause.ruleId) entry.ruleId = cause.ruleId;
        byKey.set(key, entry);
      }
      entry.rows.push(index);
      entry.interfaceIds.add(row.interface.id);
      // Judged on the rule's own part, as analyze's root causes are; private sources have no breadth to judge.
      if (row.severity && severityRank(cause.severity) < severityRank(entry.severity)) entry.severity = cause.severity;
    }
  });
  return [...byKey.values()]
    .map(({ interfaceIds, ...cause }) => ({ ...cause, interfaces: interfaceIds.size }))
    .sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || b.interfaces - a.interfaces || compare(a.key, b.key));
}

/**
 * Skips interfaces none of whose groups has an accept rule that could admit the query: most
 * interfaces, for a single port from the internet. Reads the rules as stored (protocol, ports,
 * the kind and family of the peer) rather than compiled, so it costs less than the evaluation it
 * saves; it may let an interface through that admits nothing, never the reverse. Only when every
 * source is public (private sources also come in through intra-group access, which has no rule).
 */
class RulePrefilter {
  private readonly byGroup = new Map<string, boolean>();
  private readonly publicCidrs = new Map<string, boolean>();

  constructor(
    private readonly evaluator: PolicyEvaluator,
    private readonly protocol: EvalProtocol | undefined,
    private readonly ports: PortSet,
  ) {}

  mayAdmit(eni: NetworkInterface, publicSources: AddressSet, privateSources: AddressSet): boolean {
    if (!privateSources.isEmpty()) return true;
    const v4 = publicSources.v4.length > 0;
    const v6 = publicSources.v6.length > 0;
    for (const groupId of eni.securityGroupIds) if (this.groupMayAdmit(groupId, v4, v6)) return true;
    return false;
  }

  private groupMayAdmit(groupId: string, v4: boolean, v6: boolean): boolean {
    const key = `${groupId}/${v4 ? 4 : ''}${v6 ? 6 : ''}`;
    let admits = this.byGroup.get(key);
    if (admits === undefined) {
      const group = this.evaluator.view.groups.get(groupId)?.item;
      admits = group?.rules.some((rule) => this.ruleMayAdmit(rule, v4, v6)) ?? false;
      this.byGroup.set(key, admits);
    }
    return admits;
  }

  private ruleMayAdmit(rule: Rule, v4: boolean, v6: boolean): boolean {
    if (rule.direction !== 'ingress' || rule.policy !== 'accept' || !mayMatchTraffic(rule, this.protocol, this.ports)) return false;
    const peer = rule.source;
    // Prefix lists and address groups may hold either family; group references never stand for public addresses.
    if (peer?.prefixListId || peer?.addressGroupId) return true;
    return (v4 && this.isPublic(peer?.cidr)) || (v6 && this.isPublic(peer?.ipv6Cidr));
  }

  /** A CIDR with some public address in it; unparseable text counts (the evaluator reports it). */
  private isPublic(cidr: string | undefined): boolean {
    if (cidr === undefined) return false;
    let result = this.publicCidrs.get(cidr);
    if (result === undefined) {
      const parsed = AddressSet.parse(cidr);
      this.publicCidrs.set(cidr, (result = parsed === undefined || parsed.intersects(PUBLIC_SPACE)));
    }
    return result;
  }
}

/** The rule can match some of the traffic (as stored: a multiport rule's `ports` spans all its ranges, a superset). */
function mayMatchTraffic(rule: Rule, protocol: EvalProtocol | undefined, ports: PortSet): boolean {
  if (!protocol || rule.protocol === 'all') return true;
  if (protocol === 'other' || rule.protocol !== protocol) return false;
  return !PORT_PROTOCOLS.has(protocol) || PortSet.range(rule.ports.from, rule.ports.to).intersects(ports);
}
