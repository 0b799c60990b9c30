import type { Direction, NetworkInterface, Rule, SecurityGroup } from '../../model/snapshot.js';
import type { SnapshotView } from '../view.js';
import { AddressSet } from './address-set.js';
import { computePolicy, decidingRules, publicAcceptDeciders, publicAccepted, type AcceptedPiece, type DeciderFilter, type EffectivePolicy } from './evaluate.js';
import { RuleBook, type RuleSelection } from './rule-book.js';
import { eniOwnAddresses, hasNarrowingRules, orderingOf, type NicKind, type OrderedRule, type Ordering } from './rule-order.js';

/** Which policy of an interface: a direction, and for classic-network instances which NIC (default `internet`, what exposure needs). */
export interface PolicyQuery {
  direction: Direction;
  nic?: NicKind;
}

export interface GroupsQuery extends PolicyQuery {
  /** Evaluate only the rules this accepts (e.g. the rules that apply on every ENI of the group). */
  onlyRules?: (rule: Rule) => boolean;
}

/**
 * Everything an ENI's evaluation depends on: its pooled context (the set of groups, NIC and the
 * ENI's own addresses where rules are narrowed to some of them). ENIs with equal `key` have the
 * same effective policy, so callers group ENIs by it and evaluate each context once.
 */
export interface EvaluationContext {
  key: string;
  /** The ENI's account's provider decides how its groups combine. */
  ordering: Ordering;
  /** For Huawei in the port's sequence (first = matched first). */
  groups: SecurityGroup[];
  direction: Direction;
  nic: NicKind;
  classic: boolean;
  ownAddresses: AddressSet;
  missingGroupIds: string[];
}

/**
 * The one door to effective policy: built once per snapshot view, it owns the compiled rules
 * (RuleBook) and every memo, and answers what checks, drift and `explain` ask — the effective
 * ingress or egress of an interface with a witness per piece, the rules that decide anything in
 * a pool of groups, the public traffic an interface accepts. Nothing it computes outlives it.
 * Each ENI is evaluated with its own account's ordering, so one evaluator serves a snapshot of
 * Alibaba and Huawei accounts alike.
 */
export class PolicyEvaluator {
  private readonly book: RuleBook;
  /** Policies asked for by interface (policyOf), shared by every ENI of a context. */
  private readonly policies = new Map<string, EffectivePolicy>();
  /** Rule orders by context (rulesOf), without deciding any traffic. */
  private readonly ruleLists = new Map<string, OrderedRule[]>();
  private readonly decidersOfPolicy = new Map<EffectivePolicy, Set<Rule>>();
  private publicAcceptFilter: DeciderFilter | undefined;

  constructor(readonly view: SnapshotView) {
    this.book = new RuleBook(view);
  }

  /**
   * How an ENI's groups combine: its account's provider; for an interface the view does not hold
   * (a what-if), the provider of its first known group's account.
   */
  orderingOfEni(eni: NetworkInterface): Ordering {
    const located = this.view.enis.get(eni.id);
    if (located?.item === eni) return orderingOf(this.view.providerOfAccount(located.accountId));
    return this.orderingOfGroups(eni.securityGroupIds.flatMap((id) => this.view.groups.get(id)?.item ?? []));
  }

  /** How a list of groups combines: the provider of the first group's account (groups of one ENI share one cloud). */
  orderingOfGroups(groups: readonly SecurityGroup[]): Ordering {
    const first = groups[0] ? this.view.groups.get(groups[0].id) : undefined;
    return orderingOf(first ? this.view.providerOfAccount(first.accountId) : 'alicloud');
  }

  /** An ENI's pooled context for one direction and NIC. */
  contextOf(eni: NetworkInterface, query: PolicyQuery): EvaluationContext {
    const { view } = this;
    const ordering = this.orderingOfEni(eni);
    const nic = query.nic ?? 'internet';
    const classic = view.isClassicEni(eni);
    const groupIds = [...new Set(eni.securityGroupIds)];
    const groups: SecurityGroup[] = [];
    const missingGroupIds: string[] = [];
    for (const id of groupIds) {
      const group = view.groups.get(id)?.item;
      if (group) groups.push(group);
      else missingGroupIds.push(id);
    }
    const narrowing = hasNarrowingRules(groups, query.direction);
    const ownAddresses = narrowing ? eniOwnAddresses(eni) : AddressSet.EMPTY;
    // Alibaba pools the groups, so their order does not change the outcome: sorting the key lets
    // every ENI with the same set of groups share one evaluation. Huawei's order is the port's
    // sequence and decides, so it stays as the port lists it.
    const keyIds = ordering === 'alibaba' ? [...groupIds].sort() : groupIds;
    const key = [ordering, query.direction, classic ? nic : 'vpc', keyIds.join(','), narrowing ? ownAddresses.key() : ''].join('\u0000');
    return { key, ordering, groups: ordering === 'alibaba' ? sortByIds(groups) : groups, direction: query.direction, nic, classic, ownAddresses, missingGroupIds };
  }

  /** The effective policy of an interface, memoized by context: call it freely from several checks. */
  policyOf(eni: NetworkInterface, query: PolicyQuery): EffectivePolicy {
    const context = this.contextOf(eni, query);
    let policy = this.policies.get(context.key);
    if (!policy) this.policies.set(context.key, (policy = this.evaluate(context)));
    return policy;
  }

  /**
   * Evaluates a context without keeping the result, for checks that visit each context once (so
   * tens of thousands of policies are not all held until the analysis ends). With
   * `publicAcceptsOnly`, only the pieces `publicAccepted` reads are decided (exactly as the full
   * evaluation decides them): what the exposure checks need, at a fraction of the work.
   */
  evaluate(context: EvaluationContext, options: { publicAcceptsOnly?: boolean; onlyRules?: (rule: Rule) => boolean } = {}): EffectivePolicy {
    const cached = this.policies.get(context.key);
    if (cached) return cached;
    // Only the rules that can match some traffic decide that traffic exactly as all of them do:
    // a caller asking about one port evaluates that port's rules (the rest of the policy is then
    // not meaningful, and the result is not kept).
    const rules = options.onlyRules
      ? this.poolRules(context.groups, context.direction, { ordering: context.ordering, nic: context.nic, classic: context.classic, ownAddresses: context.ownAddresses, onlyRules: options.onlyRules })
      : (this.ruleLists.get(context.key) ?? this.contextRules(context));
    const deciders = options.publicAcceptsOnly ? (this.publicAcceptFilter ??= publicAcceptDeciders()) : undefined;
    return computePolicy({ ...context, rules, deciders });
  }

  /** The rules of an interface's evaluation in order (explicit, then intra-group), without deciding any traffic. */
  rulesOf(eni: NetworkInterface, query: PolicyQuery): readonly OrderedRule[] {
    const context = this.contextOf(eni, query);
    const known = this.policies.get(context.key)?.rules ?? this.ruleLists.get(context.key);
    if (known) return known;
    const rules = this.contextRules(context);
    this.ruleLists.set(context.key, rules);
    return rules;
  }

  /**
   * The policy of a bare list of groups (an unattached group, or "what if an ENI carried these
   * groups", in that sequence for Huawei). Not memoized.
   */
  policyOfGroups(groups: readonly SecurityGroup[], query: GroupsQuery): EffectivePolicy {
    const nic = query.nic ?? 'internet';
    const ordering = this.orderingOfGroups(groups);
    const rules = this.poolRules(groups, query.direction, { ordering, nic, classic: false, ownAddresses: AddressSet.EMPTY, onlyRules: query.onlyRules });
    return computePolicy({ groups, direction: query.direction, ordering, nic, missingGroupIds: [], rules });
  }

  /** The snapshot rules that decide some traffic when these groups are evaluated together, without building pieces. */
  decidingRulesOfGroups(groups: readonly SecurityGroup[], query: GroupsQuery): Set<Rule> {
    const rules = this.poolRules(groups, query.direction, { ordering: this.orderingOfGroups(groups), nic: query.nic ?? 'internet', classic: false, ownAddresses: AddressSet.EMPTY, onlyRules: query.onlyRules });
    return decidingRules(rules);
  }

  /** The snapshot rules that decide at least one piece of a policy (memoized: many ENIs share a policy). */
  decidingRulesOf(policy: EffectivePolicy): Set<Rule> {
    let result = this.decidersOfPolicy.get(policy);
    if (!result) {
      result = new Set();
      for (const piece of policy.pieces) if (piece.decidedBy.rule) result.add(piece.decidedBy.rule);
      this.decidersOfPolicy.set(policy, result);
    }
    return result;
  }

  /** Accepted traffic from public addresses (within `filter`), from CIDR and prefix-list peers only. */
  publicAccepted(policy: EffectivePolicy, filter?: AddressSet): AcceptedPiece[] {
    return publicAccepted(policy, filter);
  }

  /** A group's evaluable rules of one direction in its own order, peers resolved. */
  groupRules(group: SecurityGroup, direction: Direction): readonly OrderedRule[] {
    return this.book.groupRules(group, direction);
  }

  /** The private (and IPv6) addresses of every ENI that carries the group: what a reference to it admits. */
  groupMemberAddresses(groupId: string): AddressSet {
    return this.book.groupMemberAddresses(groupId);
  }

  private contextRules(context: EvaluationContext): OrderedRule[] {
    return this.poolRules(context.groups, context.direction, { ordering: context.ordering, nic: context.nic, classic: context.classic, ownAddresses: context.ownAddresses });
  }

  /** Explicit rules in evaluation order, then each group's intra-group accept (Alibaba only: Huawei has none implicit). */
  private poolRules(groups: readonly SecurityGroup[], direction: Direction, selection: RuleSelection): OrderedRule[] {
    const rules = this.book.orderRules(groups, direction, selection);
    if (selection.ordering === 'huawei') return rules;
    for (const group of groups) {
      if (group.innerAccessPolicy !== 'accept') continue;
      const members = this.book.groupMemberAddresses(group.id);
      if (members.isEmpty()) continue;
      rules.push(this.book.innerAccessRule(group, direction, members));
    }
    return rules;
  }
}

function sortByIds(groups: SecurityGroup[]): SecurityGroup[] {
  return [...groups].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
