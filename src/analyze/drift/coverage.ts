import { HUAWEI_REGIONAL_COVERAGE_APIS, REGIONAL_COVERAGE_APIS, type Coverage, type CoverageApi, type Region, type Snapshot } from '../../model/snapshot.js';
import type { NotCompared } from './types.js';

/** APIs whose failure makes a whole account unseen, whatever region the entry names. */
const ACCOUNT_WIDE_APIS = new Set<CoverageApi>(['AssumeRole', 'DescribeRegions']);

/**
 * The regional APIs drift reads; a scope is compared only where its APIs are complete on both
 * sides. A region has entries of one provider's APIs only, so listing both asks nothing of the other.
 */
const REGIONAL_APIS = [...REGIONAL_COVERAGE_APIS, ...HUAWEI_REGIONAL_COVERAGE_APIS];

export interface RegionPair {
  accountId: string;
  regionId: string;
  baseline: Region;
  current: Region;
}

type Side = 'baseline' | 'current';

interface ScopeState {
  accountId: string;
  regionId: string;
  baseline?: Region;
  current?: Region;
  /** Whole-region reasons (region missing on one side, account not reachable). */
  regionReasons: string[];
  /** Incomplete regional APIs and the coverage entries that say so. */
  apiReasons: Map<CoverageApi, { side: Side; entry: Coverage }[]>;
  /** Groups whose rules did not page completely, on either side. */
  partialRuleGroups: Set<string>;
  partialGroupReasons: string[];
}

function key(accountId: string, regionId: string): string {
  return `${accountId}\u0000${regionId}`;
}

function describeEntry(side: Side, entry: Coverage): string {
  const code = entry.code ? ` (${entry.code})` : '';
  return `${side === 'baseline' ? 'baseline' : 'current'} snapshot: ${entry.api} ${entry.status}${code}`;
}

/**
 * Decides, per (account, region) and API, whether drift may compare the two snapshots there.
 * Coverage is data: a region that was denied, failed or only partly read on either side never
 * reads as "everything was removed" — it becomes one not-compared entry instead.
 */
export class ComparisonScope {
  private readonly scopes = new Map<string, ScopeState>();

  constructor(baseline: Snapshot, current: Snapshot) {
    for (const [side, snapshot] of [['baseline', baseline], ['current', current]] as const) {
      for (const account of snapshot.accounts) for (const region of account.regions) this.state(account.accountId, region.regionId)[side] = region;
    }
    for (const [side, snapshot] of [['baseline', baseline], ['current', current]] as const) this.applyCoverage(side, snapshot);
    for (const state of this.scopes.values()) {
      if (state.baseline && !state.current) state.regionReasons.push('region absent from the current snapshot (not scanned or not readable)');
      if (!state.baseline && state.current) state.regionReasons.push('region absent from the baseline snapshot (not scanned or not readable)');
    }
  }

  private state(accountId: string, regionId: string): ScopeState {
    let state = this.scopes.get(key(accountId, regionId));
    if (!state) {
      state = { accountId, regionId, regionReasons: [], apiReasons: new Map(), partialRuleGroups: new Set(), partialGroupReasons: [] };
      this.scopes.set(key(accountId, regionId), state);
    }
    return state;
  }

  private applyCoverage(side: Side, snapshot: Snapshot): void {
    const accountWide: Coverage[] = [];
    for (const entry of snapshot.coverage) {
      if (entry.status === 'complete') continue;
      if (ACCOUNT_WIDE_APIS.has(entry.api)) {
        accountWide.push(entry);
        continue;
      }
      const state = this.state(entry.accountId, entry.regionId);
      if (entry.api === 'DescribeSecurityGroupAttribute' && entry.status === 'partial' && entry.resourceIds && entry.resourceIds.length > 0) {
        // Only these groups' rules are incomplete; the rest of the region compares normally.
        for (const id of entry.resourceIds) state.partialRuleGroups.add(id);
        state.partialGroupReasons.push(`${describeEntry(side, entry)}: rules of ${entry.resourceIds.join(', ')} not read completely`);
        continue;
      }
      const reasons = state.apiReasons.get(entry.api) ?? [];
      reasons.push({ side, entry });
      state.apiReasons.set(entry.api, reasons);
    }
    for (const entry of accountWide) {
      const regions = [...this.scopes.values()].filter((s) => s.accountId === entry.accountId);
      // An account that could not be entered has no regions of its own: record it once as a whole.
      if (regions.length === 0) regions.push(this.state(entry.accountId, entry.regionId || '*'));
      for (const state of regions) state.regionReasons.push(describeEntry(side, entry));
    }
  }

  /** Regions present on both sides and not wholly excluded: the ones worth diffing. */
  pairs(): RegionPair[] {
    const pairs: RegionPair[] = [];
    for (const state of this.scopes.values()) {
      if (state.baseline && state.current && state.regionReasons.length === 0) {
        pairs.push({ accountId: state.accountId, regionId: state.regionId, baseline: state.baseline, current: state.current });
      }
    }
    return pairs;
  }

  /** True when every listed API is complete on both sides for this region. */
  complete(accountId: string, regionId: string, ...apis: CoverageApi[]): boolean {
    const state = this.scopes.get(key(accountId, regionId));
    if (!state || !state.baseline || !state.current || state.regionReasons.length > 0) return false;
    return apis.every((api) => !state.apiReasons.has(api));
  }

  /** The group's rules were read completely on both sides (and the region's rule listing too). */
  rulesComparable(accountId: string, regionId: string, groupId: string): boolean {
    if (!this.complete(accountId, regionId, 'DescribeSecurityGroups', 'DescribeSecurityGroupAttribute', 'ListSecurityGroups', 'ListSecurityGroupRules')) return false;
    return !this.scopes.get(key(accountId, regionId))?.partialRuleGroups.has(groupId);
  }

  /** Whether exposure (which needs every regional API) may be compared for an ENI carrying these groups. */
  exposureComparable(accountId: string, regionId: string, groupIds: readonly string[]): boolean {
    if (!this.complete(accountId, regionId, ...REGIONAL_APIS)) return false;
    const partial = this.scopes.get(key(accountId, regionId))?.partialRuleGroups;
    return !partial || groupIds.every((id) => !partial.has(id));
  }

  /** One entry per (account, region) that was not, or not fully, compared. */
  notCompared(): NotCompared[] {
    const result: NotCompared[] = [];
    for (const state of this.scopes.values()) {
      const apis = [...state.apiReasons.keys()];
      const reasons = [...state.regionReasons, ...summarizeApiReasons([...state.apiReasons.values()].flat()), ...state.partialGroupReasons];
      if (reasons.length === 0) continue;
      if (state.partialGroupReasons.length > 0 && !apis.includes('DescribeSecurityGroupAttribute')) apis.push('DescribeSecurityGroupAttribute');
      result.push({
        accountId: state.accountId,
        regionId: state.regionId,
        ...(apis.length > 0 ? { api: apis.join(', ') } : {}),
        reason: [...new Set(reasons)].join('; '),
      });
    }
    return result.sort((a, b) => a.accountId.localeCompare(b.accountId) || a.regionId.localeCompare(b.regionId));
  }
}

/** "current snapshot: DescribeInstances, DescribeSecurityGroups denied (Forbidden.RAM)": one phrase per side, status and code. */
function summarizeApiReasons(reasons: { side: Side; entry: Coverage }[]): string[] {
  const grouped = new Map<string, string[]>();
  for (const { side, entry } of reasons) {
    const head = `${side} snapshot: %APIS% ${entry.status}${entry.code ? ` (${entry.code})` : ''}`;
    const apis = grouped.get(head) ?? [];
    if (!apis.includes(entry.api)) apis.push(entry.api);
    grouped.set(head, apis);
  }
  return [...grouped].map(([head, apis]) => head.replace('%APIS%', apis.join(', ')));
}
