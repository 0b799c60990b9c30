import { createRandom } from '../../src/emulator/random.js';
import { FINDINGS_SCHEMA, SEVERITIES, type CheckInfo, type Evidence, type Finding, type FindingsDocument, type Severity } from '../../src/model/findings.js';


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
const REGIONS = ['cn-hangzhou', 'cn-shanghai', 'cn-beijing', 'ap-southeast-1', 'eu-central-1'];

export interface SyntheticOptions {
  findings: number;
  seed?: number;
  /** Fraction of suppressed findings (default 0.05). */
  suppressedRatio?: number;
  /** Put hostile strings into names and descriptions (default true). */
  hostile?: boolean;
}

const HOSTILE = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', '{{7*7}}', '=cmd|"/C calc"!A0', '</script><!--'];

/**
 * A findings document shaped like a large estate's: many ENIs share a few hundred groups, so the
 * same witness rules recur across findings the way they do in real results.
 */
export function syntheticFindings(options: SyntheticOptions): FindingsDocument {
  // Seeded, so synthetic documents are identical run to run.
  const rand = createRandom(options.seed ?? 42);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(rand() * values.length)] as T;
  const hex = (length: number) => Array.from({ length }, () => Math.floor(rand() * 16).toString(16)).join('');
  const accounts = Array.from({ length: 8 }, (_, i) => String(1_000_000_000_000_000 + i * 7919));
  const groups = Array.from({ length: 400 }, (_, i) => ({
    id: `sg-${hex(17)}`,
    name: options.hostile !== false && i % 50 === 0 ? `grp-${i} ${pick(HOSTILE)}` : `grp-${i}-${pick(['web', 'app', 'db', 'cache', 'ops'])}`,
    rules: Array.from({ length: 6 }, (_, r) => ({ ruleId: `sgr-${hex(17)}`, port: PORTS[(i + r) % PORTS.length] as number, priority: 1 + r * 10 })),
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
    const ip = `47.${Math.floor(rand() * 255)}.${Math.floor(rand() * 255)}.${Math.floor(rand() * 255)}`;
    const source = pick(['0.0.0.0/0', '::/0', '1.0.0.0/1', '10.0.0.0/8', '203.0.113.0/24']);
    const evidence: Evidence[] = [
      { role: 'decides', groupId: group.id, groupName: group.name, ruleId: rule.ruleId, direction: 'ingress', policy: 'accept', priority: rule.priority, protocol: 'tcp', ports: { from: rule.port, to: rule.port }, peer: source },
    ];
    if (rand() < 0.4) {
      const other = pick(group.rules);
      evidence.unshift({ role: 'passed', groupId: group.id, groupName: group.name, ruleId: other.ruleId, direction: 'ingress', policy: 'drop', priority: 1, protocol: 'tcp', ports: { from: other.port, to: other.port }, peer: '0.0.0.0/0', note: 'does not cover this traffic' });
    }
    const severity = pickSeverity();
    const finding: Finding = {
      id: hex(16),
      check: check.id,
      severity,
      title: check.title,
      message: `${eni} (${ip}) accepts tcp/${rule.port} from ${source} via ${group.id} rule ${rule.ruleId} at priority ${rule.priority}.`,
      accountId: pick(accounts),
      regionId: pick(REGIONS),
      resource: { type: 'networkInterface', id: eni, name: `node-${n}` },
      detail: { direction: 'ingress', protocol: 'tcp', ports: { from: rule.port, to: rule.port }, sources: [source], addresses: [ip] },
      evidence,
      remediation: check.remediation,
      docs: check.docs,
    };
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
  };
}
