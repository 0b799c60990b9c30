import { BREADTH_CLASSES, SEVERITY_RANK, type BreadthClass, type Finding, type RootCause, type Severity } from '../model/findings.js';
import { compareText } from '../model/findings-order.js';
import type { RootCauseDraft } from './checks/types.js';


interface Tally {
  first: RootCauseDraft;
  accountId: string;
  regionId: string;
  severity: Severity;
  breadth: BreadthClass;
  checks: Set<string>;
  exposes: Set<string>;
  findings: number;
  interfaces: Set<string>;
  internetInterfaces: Set<string>;
  instances: Set<string>;
}

const MAX_LISTED = 10;

/**
 * Per deciding rule: what it exposes, to whom, on how many interfaces and instances, the worst
 * severity of its own part of those findings (rootCausesOfRange), and the one change that fixes it. Suppressed findings are left
 * out (they were judged acceptable). Ordered worst first: severity, then the internet-reachable
 * interfaces it exposes (the blast radius), then all interfaces, then the key.
 */
export function summarizeRootCauses(findings: readonly Finding[], causesOf: ReadonlyMap<Finding, readonly RootCauseDraft[]>): RootCause[] {
  const tallies = new Map<string, Tally>();
  for (const finding of findings) {
    if (finding.suppressed) continue;
    const causes = causesOf.get(finding);
    if (!causes) continue;
    for (const cause of causes) {
      const scoped = `${finding.accountId}/${finding.regionId}/${cause.key}`;
      let tally = tallies.get(scoped);
      if (!tally) {
        tally = {
          first: cause,
          accountId: finding.accountId,
          regionId: finding.regionId,
          severity: cause.severity,
          breadth: cause.breadth,
          checks: new Set(),
          exposes: new Set(),
          findings: 0,
          interfaces: new Set(),
          internetInterfaces: new Set(),
          instances: new Set(),
        };
        tallies.set(scoped, tally);
      }
      tally.findings++;
      tally.checks.add(finding.check);
      if (SEVERITY_RANK[cause.severity] > SEVERITY_RANK[tally.severity]) tally.severity = cause.severity;
      if (BREADTH_CLASSES.indexOf(cause.breadth) < BREADTH_CLASSES.indexOf(tally.breadth)) tally.breadth = cause.breadth;
      if (tally.exposes.size < MAX_LISTED) tally.exposes.add(cause.exposes);
      if (finding.resource.type === 'networkInterface') {
        tally.interfaces.add(finding.resource.id);
        if (finding.check === 'public-exposure') tally.internetInterfaces.add(finding.resource.id);
      }
      for (const id of cause.interfaces ?? []) tally.interfaces.add(id);
      if (finding.instance) tally.instances.add(finding.instance.id);
    }
  }
  const result = [...tallies.values()].map(rootCauseOf);
  result.sort(
    (a, b) =>
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
      b.internetInterfaces - a.internetInterfaces ||
      b.interfaces - a.interfaces ||
      compareText(a.accountId, b.accountId) ||
      compareText(a.regionId, b.regionId) ||
      compareText(a.key, b.key),
  );
  return result;
}

function rootCauseOf(tally: Tally): RootCause {
  const { first } = tally;
  const cause: RootCause = {
    key: first.key,
    accountId: tally.accountId,
    regionId: tally.regionId,
    groupId: first.groupId,
    rule: first.rule,
    severity: tally.severity,
    checks: [...tally.checks].sort(),
    exposes: [...tally.exposes],
    sources: [first.rule.peer],
    breadth: tally.breadth,
    findings: tally.findings,
    interfaces: tally.interfaces.size,
    internetInterfaces: tally.internetInterfaces.size,
    instances: tally.instances.size,
    fix: fixOf(first, tally),
  };
  if (first.groupName) cause.groupName = first.groupName;
  if (first.ruleId) cause.ruleId = first.ruleId;
  return cause;
}

/**
 * The one change that removes every finding of the rule. A rule admitting every protocol is
 * rewritten as the rules the service needs; one whose peer is a prefix list is fixed in the
 * list; otherwise its source is narrowed to the allow-list that is meant.
 */
function fixOf(cause: RootCauseDraft, tally: Tally): string {
  const rule = cause.ruleId ? `rule ${cause.ruleId}` : `the ${cause.rule.protocol} rule at priority ${cause.rule.priority ?? '?'}`;
  const where = `${rule} of ${cause.groupId}${cause.groupName ? ` (${cause.groupName})` : ''}`;
  if (cause.rule.protocol === 'all') return `Replace ${where} (all protocols from ${cause.rule.peer}) with rules for the protocols and ports the service needs, from the sources that need them.`;
  if (cause.rule.peer.startsWith('pl-')) return `Remove the public entries from prefix list ${cause.rule.peer}, or point ${where} at a narrower list.`;
  const reach = tally.internetInterfaces.size > 0 ? `; until then a drop rule with a higher priority (lower number) for ${cause.rule.peer} closes it on all ${tally.internetInterfaces.size} internet-facing interface(s)` : '';
  return `Narrow the source of ${where} from ${cause.rule.peer} to the addresses that need it (a bastion, office egress, a prefix list)${reach}.`;
}
