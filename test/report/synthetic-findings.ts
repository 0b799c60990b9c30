import { createRandom } from '../../src/emulator/random.js';
import {
  FINDINGS_SCHEMA,
  SEVERITIES,
  SEVERITY_RANK,
  type Breadth,
  type BreadthClass,
  type CheckInfo,
  type Evidence,
  type Finding,
  type FindingsDocument,
  type RootCause,
  type Severity,
} from '../../src/model/findings.js';

const CHECKS: CheckInfo[] = [
  ['public-exposure', 'Internet-reachable port accepts public sources', 'high'],
  ['latent-exposure', 'Group would expose sensitive ports if given a public address', 'medium'],
  ['unused-group', 'Security group is attached to nothing', 'low'],
  ['broad-rule', 'Accept rule is broader than needed', 'medium'],
  ['public-ip-internal-tier', 'Internal-tier instance has a public address', 'high'],
  ['shadowed-rule', 'Rule can never decide', 'low'],
  ['dangling-reference', 'Rule references a missing group or prefix list', 'medium'],
  ['too-many-groups', 'ENI has too many security groups', 'low'],
  ['drift', 'Changed since baseline', 'medium'],
].map(([id, title, severity]) => ({
  id: id as string,
  title: title as string,
  severity: severity as Severity,
  description: `${title as string}: what the check looks for, one paragraph written for the reader of the report.`,
  remediation: `Fix for ${id as string}: narrow the rule source to known CIDRs, or remove the rule and reach the service through a bastion.`,
  docs: `docs/checks/${id as string}.md`,
}));

const PORTS = [22, 3389, 3306, 5432, 6379, 8080, 9200, 27017, 443, 80];
const SENSITIVE: Record<number, string> = { 22: 'ssh', 3389: 'rdp', 3306: 'mysql', 5432: 'postgresql', 6379: 'redis', 9200: 'elasticsearch', 27017: 'mongodb' };
const REGIONS = ['cn-hangzhou', 'cn-shanghai', 'cn-beijing', 'ap-southeast-1', 'eu-central-1'];
/** Peers of the rules, with the breadth and public IPv4 count the analyzer would give them. */
const PEERS: { peer: string; breadth: BreadthClass; ipv4: number; ipv6: string }[] = [
  { peer: '0.0.0.0/0', breadth: 'internet', ipv4: 3_702_258_432, ipv6: '0' },
  { peer: '::/0', breadth: 'internet', ipv4: 0, ipv6: String(2n ** 125n) },
  { peer: '1.0.0.0/1', breadth: 'internet', ipv4: 1_879_048_192, ipv6: '0' },
  { peer: '198.51.0.0/16', breadth: 'wide', ipv4: 65_536, ipv6: '0' },
  { peer: '203.0.113.0/24', breadth: 'allow-listed', ipv4: 256, ipv6: '0' },
];
const EXPOSURE = new Set(['public-exposure', 'latent-exposure']);
/** Checks whose findings are about a group or one of its rules, as the analyzer's are. */
const ON_GROUP = new Set(['latent-exposure', 'unused-group']);
const ON_RULE = new Set(['broad-rule', 'shadowed-rule', 'dangling-reference']);

export interface SyntheticOptions {
  findings: number;
  seed?: number;
  /** Fraction of suppressed findings (default 0.05). */
  suppressedRatio?: number;
  /** Put hostile strings into names and descriptions (default true). */
  hostile?: boolean;
  /** Security groups, six rules each; every rule an exposure finding names is a root cause (default 400). */
  groups?: number;
  /** Write breadth, instances and root causes, as documents of this version do (default true). */
  rootCauses?: boolean;
}

const HOSTILE = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', '{{7*7}}', '=cmd|"/C calc"!A0', '</script><!--', 'esc \u001b[31mred\u001b[0m'];

/** Severity = sensitivity × breadth (DESIGN.md), so the synthetic ranking is the real one. */
function exposureSeverity(port: number, breadth: BreadthClass, check: string): Severity {
  if (check === 'latent-exposure') return breadth === 'internet' ? 'medium' : 'low';
  const sensitive = port in SENSITIVE;
  if (breadth === 'internet') return sensitive ? 'critical' : 'high';
  if (breadth === 'wide') return sensitive ? 'high' : 'medium';
  return sensitive ? 'low' : 'info';
}

/**
 * A findings document shaped like a large estate's: many ENIs share a few hundred groups, so the
 * same witness rules recur across findings the way they do in real results, and each rule that
 * exposes something is one root cause of many findings.
 */
export function syntheticFindings(options: SyntheticOptions): FindingsDocument {
  // Seeded, so synthetic documents are identical run to run.
  const rand = createRandom(options.seed ?? 42);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(rand() * values.length)] as T;
  const hex = (length: number) => Array.from({ length }, () => Math.floor(rand() * 16).toString(16)).join('');
  const withCauses = options.rootCauses !== false;
  const accounts = Array.from({ length: 8 }, (_, i) => String(1_000_000_000_000_000 + i * 7919));
  const groups = Array.from({ length: options.groups ?? 400 }, (_, i) => ({
    id: `sg-${hex(17)}`,
    name: options.hostile !== false && i % 50 === 0 ? `grp-${i} ${pick(HOSTILE)}` : `grp-${i}-${pick(['web', 'app', 'db', 'cache', 'ops'])}`,
    accountId: pick(accounts),
    regionId: pick(REGIONS),
    rules: Array.from({ length: 6 }, (_, r) => ({ ruleId: `sgr-${hex(17)}`, port: PORTS[(i + r) % PORTS.length] as number, priority: 1 + r * 10, peer: pick(PEERS) })),
  }));
  const findings: Finding[] = [];
  const severityWeights: [Severity, number][] = [['critical', 0.05], ['high', 0.2], ['medium', 0.35], ['low', 0.3], ['info', 0.1]];
  const pickSeverity = (): Severity => {
    let r = rand();
    for (const [severity, weight] of severityWeights) if ((r -= weight) <= 0) return severity;
    return 'info';
  };
  for (let n = 0; n < options.findings; n += 1) {
    const check = pick(CHECKS);
    const group = pick(groups);
    const rule = pick(group.rules);
    const eni = `eni-${hex(17)}`;
    const instance = `i-${hex(17)}`;
    const ip = `47.${Math.floor(rand() * 255)}.${Math.floor(rand() * 255)}.${Math.floor(rand() * 255)}`;
    const exposure = EXPOSURE.has(check.id);
    const source = exposure ? rule.peer.peer : pick(['0.0.0.0/0', '::/0', '1.0.0.0/1', '10.0.0.0/8', '203.0.113.0/24']);
    const evidence: Evidence[] = [
      { role: 'decides', groupId: group.id, groupName: group.name, ruleId: rule.ruleId, direction: 'ingress', policy: 'accept', priority: rule.priority, protocol: 'tcp', ports: { from: rule.port, to: rule.port }, peer: source },
    ];
    if (rand() < 0.4) {
      const other = pick(group.rules);
      evidence.unshift({ role: 'passed', groupId: group.id, groupName: group.name, ruleId: other.ruleId, direction: 'ingress', policy: 'drop', priority: 1, protocol: 'tcp', ports: { from: other.port, to: other.port }, peer: '0.0.0.0/0', note: 'does not cover this traffic' });
    }
    const severity = exposure && withCauses ? exposureSeverity(rule.port, rule.peer.breadth, check.id) : pickSeverity();
    const onInterface = !ON_GROUP.has(check.id) && !ON_RULE.has(check.id);
    if (ON_RULE.has(check.id)) evidence.splice(0, evidence.length, { ...(evidence.at(-1) as Evidence), role: 'subject' });
    const finding: Finding = {
      id: hex(16),
      check: check.id,
      severity,
      title: check.title,
      message: onInterface
        ? `${eni} (node-${n}) on ${instance} accepts tcp ${rule.port} from ${source} on ${ip} via ${group.id} rule ${rule.ruleId} at priority ${rule.priority}.`
        : `${group.id} (${group.name}) accepts tcp ${rule.port} from ${source}; none of its interfaces has a public address yet.`,
      accountId: exposure ? group.accountId : pick(accounts),
      regionId: exposure ? group.regionId : pick(REGIONS),
      resource: onInterface
        ? { type: 'networkInterface', id: eni, name: `node-${n}` }
        : ON_RULE.has(check.id)
          ? { type: 'rule', id: rule.ruleId, name: group.name }
          : { type: 'securityGroup', id: group.id, name: group.name },
      detail: { direction: 'ingress', protocol: 'tcp', ports: { from: rule.port, to: rule.port }, sources: [source], ...(onInterface ? { addresses: [ip] } : {}) },
      evidence,
      remediation: check.remediation,
      docs: check.docs,
    };
    if (exposure && withCauses) {
      const breadth: Breadth = { class: rule.peer.breadth, publicIpv4: rule.peer.ipv4, publicIpv6: rule.peer.ipv6, summary: `${rule.peer.breadth === 'allow-listed' ? 'allow-list' : rule.peer.breadth}: ${source}` };
      finding.breadth = breadth;
      if (onInterface) finding.instance = { id: instance, name: `node-${n}` };
      finding.rootCauses = [`${group.id}/${rule.ruleId}`];
    }
    if (check.id === 'drift') finding.detail.extra = { kind: pick(['new-exposure', 'rule-added', 'rule-removed', 'rule-modified']) };
    if (rand() < (options.suppressedRatio ?? 0.05)) {
      finding.suppressed = { reason: 'Accepted risk, see SEC-42', owner: 'netops', expires: '2099-01-01', matchedBy: `${check.id}:*` };
    }
    findings.push(finding);
  }
  const active = findings.filter((finding) => !finding.suppressed);
  const bySeverity: Record<string, number> = Object.fromEntries(SEVERITIES.map((s) => [s, active.filter((f) => f.severity === s).length]));
  const byCheck: Record<string, number> = {};
  for (const finding of active) byCheck[finding.check] = (byCheck[finding.check] ?? 0) + 1;
  const rules = new Map(groups.flatMap((group) => group.rules.map((rule) => [`${group.id}/${rule.ruleId}`, { group, rule }] as const)));
  return {
    schema: FINDINGS_SCHEMA,
    snapshotId: 'snap-synthetic',
    snapshotTakenAt: '2025-01-01T00:00:00Z',
    generatedAt: '2025-01-01T00:05:00Z',
    tool: { name: 'sgaudit', version: '0.1.0' },
    coverage: accounts.flatMap((accountId) => REGIONS.map((regionId) => ({ accountId, regionId, api: 'DescribeSecurityGroups' as const, status: 'complete' as const }))),
    checks: CHECKS,
    summary: { total: findings.length, suppressed: findings.length - active.length, bySeverity, byCheck },
    findings,
    suppressions: [],
    ...(withCauses ? { rootCauses: rootCausesOf(active, rules) } : {}),
  };
}

type RuleOf = Map<string, { group: { id: string; name: string; accountId: string; regionId: string }; rule: { ruleId: string; port: number; priority: number; peer: (typeof PEERS)[number] } }>;

/** What the analyzer summarizes: one entry per deciding rule, worst first, blast radius next. */
function rootCausesOf(findings: readonly Finding[], rules: RuleOf): RootCause[] {
  const byKey = new Map<string, Finding[]>();
  for (const finding of findings) {
    for (const key of finding.rootCauses ?? []) {
      let members = byKey.get(key);
      if (!members) byKey.set(key, (members = []));
      members.push(finding);
    }
  }
  const causes = [...byKey.entries()].map(([key, members]): RootCause => {
    const { group, rule } = rules.get(key)!;
    const interfaces = members.filter((finding) => finding.resource.type === 'networkInterface');
    const severity = members.reduce<Severity>((worst, finding) => (SEVERITY_RANK[finding.severity] > SEVERITY_RANK[worst] ? finding.severity : worst), 'info');
    return {
      key,
      accountId: group.accountId,
      regionId: group.regionId,
      groupId: group.id,
      groupName: group.name,
      ruleId: rule.ruleId,
      rule: { priority: rule.priority, policy: 'accept', protocol: 'tcp', ports: { from: rule.port, to: rule.port }, peer: rule.peer.peer },
      severity,
      checks: [...new Set(members.map((finding) => finding.check))].sort(),
      exposes: [`tcp ${rule.port}${SENSITIVE[rule.port] ? ` (${SENSITIVE[rule.port]})` : ''}`],
      sources: [rule.peer.peer],
      breadth: rule.peer.breadth,
      findings: members.length,
      interfaces: interfaces.length,
      internetInterfaces: interfaces.filter((finding) => finding.check === 'public-exposure').length,
      instances: new Set(members.flatMap((finding) => (finding.instance ? [finding.instance.id] : []))).size,
      fix: `Narrow the source of ${rule.ruleId} in ${group.id} from ${rule.peer.peer} to the addresses that need tcp ${rule.port}, or delete the rule.`,
    };
  });
  const key = (cause: RootCause) => [9 - SEVERITY_RANK[cause.severity], String(1e9 - cause.internetInterfaces).padStart(10, '0'), String(1e9 - cause.interfaces).padStart(10, '0'), cause.key].join('\u0000');
  return causes.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
