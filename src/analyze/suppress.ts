import type { Finding, SuppressionReport } from '../model/findings.js';
import { compileGlobs } from '../config/glob.js';

/** A configured suppression (the `suppressions:` entries of sgaudit.yaml). */
export interface SuppressionRule {
  id?: string;
  check?: string;
  resource?: string;
  reason: string;
  owner: string;
  /** YYYY-MM-DD; the suppression holds through the whole of that day, UTC. */
  expires: string;
}

/** The matcher as shown in reports: the finding id, or `check:resource-glob`. */
function suppressionMatcher(rule: SuppressionRule): string {
  return rule.id ?? `${rule.check ?? '*'}:${rule.resource ?? '*'}`;
}

export function isExpired(rule: SuppressionRule, now: Date): boolean {
  const endOfDay = Date.parse(`${rule.expires}T00:00:00Z`) + 24 * 60 * 60 * 1000;
  // An unparseable date cannot justify hiding a finding: treat it as expired.
  return Number.isNaN(endOfDay) || now.getTime() >= endOfDay;
}

/**
 * Mark findings matched by a live suppression (they stay in the document, with `suppressed`),
 * and report suppressions that are expired (they suppress nothing, so the finding resurfaces)
 * or that matched no finding (stale config worth cleaning up). The first matching rule wins.
 * Returns new finding objects; the input is not modified.
 */
export function applySuppressions(findings: readonly Finding[], rules: readonly SuppressionRule[], now: Date): { findings: Finding[]; report: SuppressionReport[] } {
  const compiled = rules.map((rule) => ({
    rule,
    expired: isExpired(rule, now),
    matchesResource: rule.resource === undefined ? () => true : compileGlobs([rule.resource], { caseSensitive: true }),
    used: false,
  }));
  const live = compiled.filter((entry) => !entry.expired);
  const result = findings.map((finding) => {
    const hit = live.find(({ rule, matchesResource }) => {
      if (rule.id !== undefined && rule.id !== finding.id) return false;
      if (rule.check !== undefined && rule.check !== finding.check) return false;
      if (rule.resource !== undefined && !matchesResource(finding.resource.id) && !(finding.resource.name !== undefined && matchesResource(finding.resource.name))) return false;
      return true;
    });
    if (!hit) return finding;
    hit.used = true;
    const { reason, owner, expires } = hit.rule;
    return { ...finding, suppressed: { reason, owner, expires, matchedBy: suppressionMatcher(hit.rule) } };
  });
  const report: SuppressionReport[] = [];
  for (const entry of compiled) {
    if (!entry.expired && entry.used) continue;
    const { reason, owner, expires } = entry.rule;
    report.push({ matcher: suppressionMatcher(entry.rule), reason, owner, expires, status: entry.expired ? 'expired' : 'unmatched' });
  }
  return { findings: result, report };
}
