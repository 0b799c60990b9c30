import { SEVERITY_RANK, type Finding } from '../model/findings.js';
import { sortByKey, worstFirst } from '../model/findings-order.js';

export { compareText, sortFindings } from '../model/findings-order.js';

function worstSeverityByCheck(findings: readonly Finding[]): Map<string, number> {
  const worstByCheck = new Map<string, number>();
  for (const finding of findings) {
    worstByCheck.set(finding.check, Math.max(worstByCheck.get(finding.check) ?? -1, SEVERITY_RANK[finding.severity]));
  }
  return worstByCheck;
}

/**
 * Order for views grouped by check and then by resource (HTML): checks with the worst finding
 * first, then resources, then the report order inside a resource. `block` splits a check into
 * blocks in its own order (drift: by kind of change).
 */
export function sortFindingsForGrouping(findings: readonly Finding[], block: (finding: Finding) => string = () => ''): Finding[] {
  const worst = worstSeverityByCheck(findings);
  return sortByKey(findings, (f) => [
    worstFirst(worst.get(f.check) ?? 0),
    f.check,
    block(f),
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
