import { HUAWEI_REGIONAL_COVERAGE_APIS, REGIONAL_COVERAGE_APIS, type Coverage, type CoverageApi } from './snapshot.js';

/**
 * What a snapshot's coverage says about the whole run: `complete`, `partial` (some scopes were
 * not collected completely) or `failed` (nothing at all was collected: every scope failed or was
 * denied). A failed run must never read as a clean estate, so every output leads with it.
 */
export type CoverageVerdict = 'complete' | 'partial' | 'failed';

export function coverageVerdict(coverage: readonly Coverage[]): CoverageVerdict {
  if (coverage.length === 0) return 'complete';
  let incomplete = 0;
  let collected = false;
  for (const entry of coverage) {
    if (entry.status !== 'complete') incomplete++;
    if (entry.status === 'complete' || entry.status === 'partial') collected = true;
  }
  if (!collected) return 'failed';
  return incomplete === 0 ? 'complete' : 'partial';
}

/** The one sentence every output opens with when the verdict is not `complete`. */
export function coverageHeadline(coverage: readonly Coverage[]): string | undefined {
  const verdict = coverageVerdict(coverage);
  if (verdict === 'complete') return undefined;
  const incomplete = coverage.filter((entry) => entry.status !== 'complete').length;
  if (verdict === 'failed') return `SCAN FAILED: nothing was collected — all ${incomplete} scope(s) failed or were denied, so the absence of findings says nothing about the estate`;
  return `INCOMPLETE: ${incomplete} of ${coverage.length} scope(s) were not collected completely; findings there may be missing`;
}

const COVERAGE_ORDER: CoverageApi[] = ['ListAccounts', 'AssumeRole', 'DescribeRegions', ...REGIONAL_COVERAGE_APIS, ...HUAWEI_REGIONAL_COVERAGE_APIS];

/** The order a snapshot lists its coverage in: by account, region, then API as collection meets them. */
export function sortCoverage(coverage: readonly Coverage[]): Coverage[] {
  return [...coverage].sort(
    (a, b) => a.accountId.localeCompare(b.accountId) || a.regionId.localeCompare(b.regionId) || COVERAGE_ORDER.indexOf(a.api) - COVERAGE_ORDER.indexOf(b.api),
  );
}
