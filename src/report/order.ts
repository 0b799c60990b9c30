import { SEVERITY_RANK, type Finding } from '../model/findings.js';

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The one report order: severity (worst first), check, account, region, resource id, finding id.
 * Plain code-unit comparison, not localeCompare, so the order is the same on every machine.
 */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
    compareText(a.check, b.check) ||
    compareText(a.accountId, b.accountId) ||
    compareText(a.regionId, b.regionId) ||
    compareText(a.resource.id, b.resource.id) ||
    compareText(a.id, b.id)
  );
}

/**
 * Sorts by a precomputed key: fields joined with NUL (lower than any character in them), so one
 * string comparison equals comparing the fields in turn. 50,000 findings sort several times faster
 * than with a comparator that walks the fields on every comparison.
 */
function sortByKey(findings: readonly Finding[], key: (finding: Finding) => string[]): Finding[] {
  const keyed = findings.map((finding) => ({ finding, key: key(finding).join('\u0000') }));
  keyed.sort((a, b) => compareText(a.key, b.key));
  return keyed.map((entry) => entry.finding);
}

/** Rank digits that sort worst first as text. */
const worstFirst = (rank: number) => String(9 - rank);

export function sortFindings(findings: readonly Finding[]): Finding[] {
  return sortByKey(findings, (f) => [worstFirst(SEVERITY_RANK[f.severity]), f.check, f.accountId, f.regionId, f.resource.id, f.id]);
}

function worstSeverityByCheck(findings: readonly Finding[]): Map<string, number> {
  const worstByCheck = new Map<string, number>();
  for (const finding of findings) {
    worstByCheck.set(finding.check, Math.max(worstByCheck.get(finding.check) ?? -1, SEVERITY_RANK[finding.severity]));
  }
  return worstByCheck;
}

/**
 * Order for views grouped by check and then by resource (HTML): checks with the worst finding
 * first, then resources, then the report order inside a resource.
 */
export function sortFindingsForGrouping(findings: readonly Finding[]): Finding[] {
  const worst = worstSeverityByCheck(findings);
  return sortByKey(findings, (f) => [
    worstFirst(worst.get(f.check) ?? 0),
    f.check,
    f.accountId,
    f.regionId,
    f.resource.type,
    f.resource.id,
    worstFirst(SEVERITY_RANK[f.severity]),
    f.id,
  ]);
}

/** Grouped by check only (Markdown): checks with the worst finding first, then the report order. */
export function sortFindingsByCheck(findings: readonly Finding[]): Finding[] {
  const worst = worstSeverityByCheck(findings);
  return sortByKey(findings, (f) => [worstFirst(worst.get(f.check) ?? 0), f.check, worstFirst(SEVERITY_RANK[f.severity]), f.accountId, f.regionId, f.resource.id, f.id]);
}
