import { BREADTH_CLASSES, BREADTH_LABEL, type BreadthClass, type Evidence, type Finding, type FindingsDocument, type RootCause } from '../model/findings.js';
import { compareText } from '../model/findings-order.js';
import { breadthSources, formatProtocolPorts } from './describe.js';

/**
 * A root cause as reports show it. Documents written before root causes existed get theirs rebuilt
 * from the deciding rules of their critical findings, which do not say how broad the sources are.
 */
export interface RiskView extends Omit<RootCause, 'breadth'> {
  breadth?: BreadthClass;
}

export interface TopRisks {
  /** `document`: the document's own `rootCauses`; `critical-findings`: rebuilt for an older document. */
  source: 'document' | 'critical-findings';
  causes: RiskView[];
  /** Indexes into `causes` of the root causes of each finding that has any, in cause order. */
  causesOf: ReadonlyMap<Finding, readonly number[]>;
}

/** How many root causes every report names first. */
export const TOP_RISKS_SHOWN = 20;

/**
 * Root causes worst first, with the findings each one explains. The document's order is kept: the
 * analyzer ranks by severity and blast radius, which reports must not second-guess.
 */
export function topRisks(doc: FindingsDocument): TopRisks {
  if (doc.rootCauses) {
    const index = new Map(doc.rootCauses.map((cause, at) => [cause.key, at]));
    const causesOf = new Map<Finding, number[]>();
    for (const finding of doc.findings) {
      const at = (finding.rootCauses ?? []).map((key) => index.get(key)).filter((value): value is number => value !== undefined);
      if (at.length > 0) causesOf.set(finding, [...new Set(at)].sort((a, b) => a - b));
    }
    return { source: 'document', causes: doc.rootCauses, causesOf };
  }
  return derivedRisks(doc.findings);
}

interface Derived {
  cause: RiskView;
  findings: Finding[];
}

/** The deciding rule's key, as the analyzer names root causes: `<groupId>/<ruleId>` (the rule's shape when it has no id). */
function derivedKey(decides: Evidence): string {
  return `${decides.groupId}/${decides.ruleId ?? `${decides.policy ?? 'accept'} ${formatProtocolPorts(decides.protocol, decides.ports)} ${decides.peer ?? ''}`.trim()}`;
}

function derivedRisks(findings: readonly Finding[]): TopRisks {
  const byKey = new Map<string, Derived>();
  for (const finding of findings) {
    if (finding.severity !== 'critical' || finding.suppressed) continue;
    const decides = finding.evidence.find((entry) => entry.role === 'decides');
    if (!decides) continue;
    const key = derivedKey(decides);
    let entry = byKey.get(key);
    if (!entry) {
      entry = {
        cause: {
          key,
          accountId: finding.accountId,
          regionId: finding.regionId,
          groupId: decides.groupId,
          ...(decides.groupName ? { groupName: decides.groupName } : {}),
          ...(decides.ruleId ? { ruleId: decides.ruleId } : {}),
          rule: {
            ...(decides.priority === undefined ? {} : { priority: decides.priority }),
            policy: decides.policy ?? 'accept',
            protocol: decides.protocol ?? finding.detail.protocol ?? 'all',
            ports: decides.ports ?? finding.detail.ports ?? { from: 1, to: 65535 },
            peer: decides.peer ?? '',
            ...(decides.description ? { description: decides.description } : {}),
          },
          severity: 'critical',
          checks: [],
          exposes: [],
          sources: [],
          findings: 0,
          interfaces: 0,
          internetInterfaces: 0,
          instances: 0,
          fix: finding.remediation,
        },
        findings: [],
      };
      byKey.set(key, entry);
    }
    entry.findings.push(finding);
  }
  const derived = [...byKey.values()].map(({ cause, findings: members }) => ({ cause: summarize(cause, members), findings: members }));
  derived.sort(
    (a, b) =>
      b.cause.internetInterfaces - a.cause.internetInterfaces || b.cause.interfaces - a.cause.interfaces || compareText(a.cause.key, b.cause.key),
  );
  const causesOf = new Map<Finding, number[]>();
  derived.forEach((entry, at) => {
    for (const finding of entry.findings) causesOf.set(finding, [at]);
  });
  return { source: 'critical-findings', causes: derived.map((entry) => entry.cause), causesOf };
}

const distinct = (values: Iterable<string>): string[] => [...new Set(values)].sort(compareText);

function summarize(cause: RiskView, findings: readonly Finding[]): RiskView {
  const interfaces = findings.filter((finding) => finding.resource.type === 'networkInterface');
  const breadths = new Set(findings.map((finding) => finding.breadth?.class));
  const breadth = BREADTH_CLASSES.find((kind) => breadths.has(kind));
  return {
    ...cause,
    checks: distinct(findings.map((finding) => finding.check)),
    exposes: distinct(findings.map((finding) => formatProtocolPorts(finding.detail.protocol, finding.detail.ports)).filter(Boolean)),
    // The class is shown beside the sources (causeBreadth), so a recorded breadth gives them without it.
    sources: distinct(findings.flatMap((finding) => (finding.breadth ? [breadthSources(finding.breadth)] : (finding.detail.sources ?? [])))).slice(0, SOURCES_SHOWN),
    ...(breadth ? { breadth } : {}),
    findings: findings.length,
    interfaces: new Set(interfaces.map((finding) => finding.resource.id)).size,
    internetInterfaces: new Set(interfaces.filter((finding) => finding.check === 'public-exposure').map((finding) => finding.resource.id)).size,
    instances: new Set(findings.flatMap((finding) => (finding.instance ? [finding.instance.id] : []))).size,
  };
}

const SOURCES_SHOWN = 5;

/** `sg-abc/sgr-123`: the rule to change, by the key the analyzer gives it. */
export function causeRuleRef(cause: RiskView): string {
  return cause.ruleId ? `${cause.groupId}/${cause.ruleId}` : cause.key;
}

/** `accept tcp/22 from 0.0.0.0/0`: the rule as a reader finds it in the console. */
export function causeRuleShape(cause: RiskView): string {
  const { policy, protocol, ports, peer } = cause.rule;
  return `${policy} ${formatProtocolPorts(protocol, ports)}${peer ? ` from ${peer}` : ''}`;
}

/** `tcp 22 (ssh), tcp 3389 (rdp), …`: what the rule exposes, a few items and an ellipsis. */
export function causeExposes(cause: RiskView, shown = 3): string {
  return listed(cause.exposes, shown);
}

/** `internet: 0.0.0.0/0, ::/0`; only the sources when an older document does not record breadth. */
export function causeBreadth(cause: RiskView): string {
  const sources = listed(cause.sources, 3);
  if (!cause.breadth) return sources;
  return sources ? `${BREADTH_LABEL[cause.breadth]}: ${sources}` : BREADTH_LABEL[cause.breadth];
}

function listed(values: readonly string[], shown: number): string {
  return values.length > shown ? `${values.slice(0, shown).join(', ')}, …` : values.join(', ');
}

/** The causes every report lists: the top ones, and every critical one however many there are. */
export function listedCauses(risks: TopRisks): RiskView[] {
  const critical = risks.causes.filter((cause) => cause.severity === 'critical').length;
  return risks.causes.slice(0, Math.max(TOP_RISKS_SHOWN, critical));
}
