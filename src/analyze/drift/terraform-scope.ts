import type { Coverage, CoverageApi, Instance, NetworkInterface, SecurityGroup, Snapshot } from '../../model/snapshot.js';
import { isPrimaryType } from '../view.js';
import { regionOfZone } from './terraform-provider.js';
import type { StatePlaces } from './terraform-state.js';
import type { NotCompared } from './types.js';

/**
 * Where a Terraform-managed object lives, and whether the live snapshot saw that place completely.
 * Terraform state records no region or account per resource, so both are inferred: from the live
 * snapshot (the object's VPC or vswitch seen there), else from the state (zones of its vswitch or
 * instance, `data "alicloud_regions"` / `"alicloud_zones"` / `"alicloud_vpcs"` / `"alicloud_account"`
 * of its provider configuration). An object missing live is "removed" only when its place was
 * collected completely; a place the snapshot did not collect, or collected partly, is not compared.
 */

interface Where {
  accountId: string;
  regionId: string;
}

const ACCOUNT_WIDE_APIS = new Set<CoverageApi>(['AssumeRole', 'DescribeRegions']);
const REGION_ABSENT = 'region absent from the live snapshot (not scanned or not readable)';
const ACCOUNT_ABSENT = 'account absent from the live snapshot (not scanned or not readable)';

function key(accountId: string, regionId: string): string {
  return `${accountId}\u0000${regionId}`;
}

function describeCoverage(entry: Coverage): string {
  return `live snapshot: ${entry.api} ${entry.status}${entry.code ? ` (${entry.code})` : ''}`;
}

/** Evidence of an object's place, as far as the state knows it. */
export interface PlaceHint {
  provider: string;
  vpcId?: string;
  vSwitchId?: string;
  zone?: string;
}

/** An inferred place; either part may be unknown. */
export interface Place {
  accountId?: string;
  regionId?: string;
  /** The VPC the object is in when no region could be inferred for it. */
  vpcId?: string;
}

export type Verdict = ({ comparable: true } & Where) | ({ comparable: false; api?: string; reason: string } & Where);

export class LiveIndex {
  readonly groups = new Map<string, Where & { group: SecurityGroup }>();
  readonly instances = new Map<string, Where & { instance: Instance; primaryGroups?: string[] }>();
  readonly interfaces = new Map<string, Where & { eni: NetworkInterface }>();
  readonly eips = new Map<string, Where & { ip: string; boundInstanceId?: string; boundInstanceType?: string }>();
  private readonly vpcPlace = new Map<string, Where | null>();
  private readonly vswitchPlace = new Map<string, Where | null>();
  private readonly accounts = new Set<string>();
  private readonly present = new Set<string>();
  private readonly knownRegions = new Set<string>();
  private readonly incomplete = new Map<string, Coverage[]>();
  private readonly accountFailures = new Map<string, Coverage>();
  private readonly partialRuleGroups = new Set<string>();

  constructor(live: Snapshot, private readonly places: StatePlaces) {
    for (const account of live.accounts) {
      const { accountId } = account;
      this.accounts.add(accountId);
      for (const region of account.regions) {
        const { regionId } = region;
        const where = { accountId, regionId };
        this.present.add(key(accountId, regionId));
        this.knownRegions.add(regionId);
        for (const group of region.securityGroups) {
          this.groups.set(group.id, { ...where, group });
          this.note(this.vpcPlace, group.vpcId, where);
        }
        const primary = new Map<string, string[]>();
        for (const eni of region.networkInterfaces) {
          this.interfaces.set(eni.id, { ...where, eni });
          if (eni.instanceId && isPrimaryType(eni.type)) primary.set(eni.instanceId, eni.securityGroupIds);
          this.note(this.vpcPlace, eni.vpcId, where);
          this.note(this.vswitchPlace, eni.vSwitchId, where);
        }
        for (const instance of region.instances) {
          const primaryGroups = primary.get(instance.id);
          this.instances.set(instance.id, { ...where, instance, ...(primaryGroups ? { primaryGroups } : {}) });
          this.note(this.vpcPlace, instance.vpcId, where);
          this.note(this.vswitchPlace, instance.vSwitchId, where);
        }
        for (const eip of region.eips) {
          this.eips.set(eip.allocationId, { ...where, ip: eip.ip, ...(eip.boundInstanceId ? { boundInstanceId: eip.boundInstanceId } : {}), ...(eip.boundInstanceType ? { boundInstanceType: eip.boundInstanceType } : {}) });
        }
      }
    }
    for (const entry of live.coverage) {
      if (ACCOUNT_WIDE_APIS.has(entry.api)) {
        if (entry.status !== 'complete' && !this.accountFailures.has(entry.accountId)) this.accountFailures.set(entry.accountId, entry);
        continue;
      }
      // A region with coverage rows was collected, even when it holds nothing.
      this.present.add(key(entry.accountId, entry.regionId));
      this.knownRegions.add(entry.regionId);
      if (entry.status === 'complete') continue;
      if (entry.api === 'DescribeSecurityGroupAttribute' && entry.status === 'partial' && entry.resourceIds?.length) {
        // Only these groups' rules are incomplete; the rest of the region compares normally.
        for (const id of entry.resourceIds) this.partialRuleGroups.add(id);
        continue;
      }
      const scope = key(entry.accountId, entry.regionId);
      this.incomplete.set(scope, [...(this.incomplete.get(scope) ?? []), entry]);
    }
    for (const region of places.vpcRegion.values()) this.knownRegions.add(region);
    for (const regions of places.providerRegions.values()) for (const region of regions) this.knownRegions.add(region);
  }

  /** A VPC or vswitch id seen in two places is ambiguous (`null`): it places nothing. */
  private note(map: Map<string, Where | null>, id: string | undefined, where: Where): void {
    if (!id) return;
    const seen = map.get(id);
    if (seen === undefined) map.set(id, where);
    else if (seen && (seen.accountId !== where.accountId || seen.regionId !== where.regionId)) map.set(id, null);
  }

  /** The first incomplete coverage entry of these APIs in this scope. */
  gap(accountId: string, regionId: string, apis: readonly CoverageApi[]): Coverage | undefined {
    return this.incomplete.get(key(accountId, regionId))?.find((entry) => apis.includes(entry.api));
  }

  /** Why the rules of a live group cannot be compared, if they cannot. */
  rulesGap(accountId: string, regionId: string, groupId: string): { api: string; reason: string } | undefined {
    const gap = this.gap(accountId, regionId, ['DescribeSecurityGroupAttribute']);
    if (gap) return { api: gap.api, reason: describeCoverage(gap) };
    if (this.partialRuleGroups.has(groupId)) return { api: 'DescribeSecurityGroupAttribute', reason: 'live snapshot: DescribeSecurityGroupAttribute partial (rules of the group not read completely)' };
    return undefined;
  }

  private zoneRegion(zone: string | undefined): string | undefined {
    return zone ? regionOfZone(zone, this.knownRegions) : undefined;
  }

  /** The one region the object's provider configuration is in, when the state says so and names only one. */
  private providerRegion(provider: string): string | undefined {
    const regions = new Set(this.places.providerRegions.get(provider) ?? []);
    for (const zone of this.places.providerZones.get(provider) ?? []) {
      const region = this.zoneRegion(zone);
      if (region) regions.add(region);
    }
    return regions.size === 1 ? [...regions][0] : undefined;
  }

  /** Where the object is: live evidence first (its VPC or vswitch seen live), then the state's. */
  locate(hint: PlaceHint): Place {
    const live = (hint.vSwitchId && this.vswitchPlace.get(hint.vSwitchId)) || (hint.vpcId && this.vpcPlace.get(hint.vpcId)) || undefined;
    if (live) return { ...live };
    const accounts = this.places.providerAccounts.get(hint.provider);
    const accountId = accounts?.size === 1 ? [...accounts][0] : undefined;
    const { places } = this;
    const regionId =
      this.zoneRegion(hint.zone) ??
      this.zoneRegion(hint.vSwitchId ? places.vswitchZone.get(hint.vSwitchId) : undefined) ??
      this.zoneRegion(hint.vpcId ? places.vpcZone.get(hint.vpcId) : undefined) ??
      (hint.vpcId ? places.vpcRegion.get(hint.vpcId) : undefined) ??
      this.providerRegion(hint.provider);
    return { ...(accountId ? { accountId } : {}), ...(regionId ? { regionId } : {}), ...(hint.vpcId ? { vpcId: hint.vpcId } : {}) };
  }

  /**
   * Whether an object missing live at this place is really gone: its account and region were
   * collected, and these APIs completely. Otherwise the reason, as snapshot-to-snapshot drift gives it.
   */
  verdict(place: Place, apis: readonly CoverageApi[]): Verdict {
    const { accountId, regionId } = place;
    const no = (where: Where, reason: string, api?: string): Verdict => ({ comparable: false, ...where, reason, ...(api ? { api } : {}) });
    if (accountId) {
      const failure = this.accountFailures.get(accountId);
      if (failure) return no({ accountId, regionId: regionId ?? '*' }, describeCoverage(failure), failure.api);
      if (!this.accounts.has(accountId) && ![...this.present].some((scope) => scope.startsWith(`${accountId}\u0000`))) return no({ accountId, regionId: regionId ?? '*' }, ACCOUNT_ABSENT);
    }
    const accounts = accountId ? [accountId] : [...this.accounts];
    if (accounts.length === 0) return no({ accountId: '*', regionId: regionId ?? '*' }, 'the live snapshot holds no account');
    const sole = accountId ?? (accounts.length === 1 ? accounts[0]! : '*');
    if (regionId) {
      for (const account of accounts) {
        if (!this.present.has(key(account, regionId))) return no({ accountId: account, regionId }, REGION_ABSENT);
        const gap = this.gap(account, regionId, apis);
        if (gap) return no({ accountId: account, regionId }, describeCoverage(gap), gap.api);
      }
      if (!accountId) {
        const failed = [...this.accountFailures.values()][0];
        if (failed) return no({ accountId: failed.accountId, regionId }, describeCoverage(failed), failed.api);
      }
      return { comparable: true, accountId: sole, regionId };
    }
    // Region unknown: any gap where the object might be keeps it out of the comparison.
    for (const [scope, entries] of this.incomplete) {
      const [account, region] = scope.split('\u0000') as [string, string];
      if (accountId && account !== accountId) continue;
      const entry = entries.find((e) => apis.includes(e.api));
      if (entry) return no({ accountId: account, regionId: region }, `${describeCoverage(entry)}; the region of the object is unknown`, entry.api);
    }
    for (const failure of this.accountFailures.values()) {
      if (!accountId || failure.accountId === accountId) return no({ accountId: failure.accountId, regionId: '*' }, describeCoverage(failure), failure.api);
    }
    if (place.vpcId) return no({ accountId: sole, regionId: '*' }, `region unknown: VPC ${place.vpcId} is in none of the collected regions`);
    return { comparable: true, accountId: sole, regionId: '*' };
  }
}

const SHOWN = 5;

/** One not-compared entry per (account, region): its reasons, and what in the state was not compared there. */
export class NotComparedLog {
  private readonly scopes = new Map<string, { accountId: string; regionId: string; apis: Set<string>; reasons: Set<string>; items: Map<string, Set<string>> }>();

  add(where: Where & { api?: string; reason: string }, what: string, id: string): void {
    const scope = key(where.accountId, where.regionId);
    let entry = this.scopes.get(scope);
    if (!entry) {
      entry = { accountId: where.accountId, regionId: where.regionId, apis: new Set(), reasons: new Set(), items: new Map() };
      this.scopes.set(scope, entry);
    }
    if (where.api) entry.apis.add(where.api);
    entry.reasons.add(where.reason);
    const ids = entry.items.get(what) ?? new Set<string>();
    ids.add(id);
    entry.items.set(what, ids);
  }

  list(): NotCompared[] {
    const result: NotCompared[] = [];
    for (const { accountId, regionId, apis, reasons, items } of this.scopes.values()) {
      const parts = [...items].map(([what, set]) => {
        const ids = [...set];
        return `${what} ${ids.slice(0, SHOWN).join(', ')}${ids.length > SHOWN ? ` (+${ids.length - SHOWN} more)` : ''}`;
      });
      result.push({ accountId, regionId, ...(apis.size ? { api: [...apis].join(', ') } : {}), reason: `${[...reasons].join('; ')}; not compared: ${parts.join('; ')}` });
    }
    return result.sort((a, b) => a.accountId.localeCompare(b.accountId) || a.regionId.localeCompare(b.regionId));
  }
}
