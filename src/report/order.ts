import { SEVERITY_RANK, type Finding } from '../model/findings.js';

function compareText(a: string, b: string): number {
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

export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(compareFindings);
}

function worstSeverityByCheck(findings: readonly Finding[]): Map<string, number> {
  const worstByCheck = new Map<string, number>();
  for (const finding of findings) {
    worstByCheck.set(finding.check, Math.max(worstByCheck.get(finding.check) ?? -1, SEVERITY_RANK[finding.severity]));
  }
  return worstByCheck;
}

/**
 * Order for views grouped by check and then by resource (HTML, Markdown): checks with the worst
 * finding first, then resources in id order, then the usual finding order inside a resource.
 */
export function sortFindingsForGrouping(findings: readonly Finding[]): Finding[] {
  const worstByCheck = worstSeverityByCheck(findings);
  return [...findings].sort(
    (a, b) =>
      (worstByCheck.get(b.check) ?? 0) - (worstByCheck.get(a.check) ?? 0) ||
      compareText(a.check, b.check) ||
      compareText(a.accountId, b.accountId) ||
      compareText(a.regionId, b.regionId) ||
      compareText(a.resource.type, b.resource.type) ||
      compareText(a.resource.id, b.resource.id) ||
      compareFindings(a, b),
  );
}

/** Grouped by check only (Markdown): checks with the worst finding first, then the report order. */
export function sortFindingsByCheck(findings: readonly Finding[]): Finding[] {
  const worstByCheck = worstSeverityByCheck(findings);
  return [...findings].sort((a, b) => (worstByCheck.get(b.check) ?? 0) - (worstByCheck.get(a.check) ?? 0) || compareText(a.check, b.check) || compareFindings(a, b));
}

export { compareText };
