import { SEVERITIES, type FindingsDocument } from '../model/findings.js';

/** A short human summary for the terminal (stderr): severities, checks, coverage. */
export function formatScanSummary(document: FindingsDocument): string {
  const { summary } = document;
  const lines: string[] = [];
  const open = summary.total - summary.suppressed;
  lines.push(`${open} open finding${open === 1 ? '' : 's'}${summary.suppressed ? ` (+${summary.suppressed} suppressed)` : ''}`);
  lines.push(`  ${SEVERITIES.map((severity) => `${severity} ${summary.bySeverity[severity] ?? 0}`).join('  ')}`);
  const byCheck = Object.entries(summary.byCheck)
    .filter(([, count]) => count > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  for (const [check, count] of byCheck) lines.push(`  ${check.padEnd(24)} ${count}`);
  const incomplete = document.coverage.filter((entry) => entry.status !== 'complete');
  if (incomplete.length === 0) {
    lines.push('coverage: complete');
  } else {
    lines.push(`coverage: INCOMPLETE in ${incomplete.length} scope(s) — findings there may be missing:`);
    for (const entry of incomplete.slice(0, 10)) {
      lines.push(`  ${entry.accountId}/${entry.regionId} ${entry.api}: ${entry.status}${entry.code ? ` ${entry.code}` : ''}${entry.requestId ? ` (request ${entry.requestId})` : ''}`);
    }
    if (incomplete.length > 10) lines.push(`  … and ${incomplete.length - 10} more`);
  }
  if (document.notCompared?.length) lines.push(`drift: ${document.notCompared.length} scope(s) not compared (incomplete on one side)`);
  return lines.join('\n');
}
