import type { Evidence } from '../../../model/findings.js';
import type { Instance, SecurityGroup } from '../../../model/snapshot.js';
import { compileGlobs } from '../../../config/glob.js';
import type { SnapshotView } from '../../view.js';
import type { Check, FindingDraft } from '../types.js';
import type { TierMatcher } from '../../../config/settings.js';
import { inScope } from '../scope.js';

/**
 * Internal-tier machines (databases, backends) should not be addressable from the internet at
 * all, whatever their groups allow today: one permissive rule later and they are exposed.
 * Public IPv4 addresses count (system-assigned, EIPs on the instance or on any of its ENIs);
 * global IPv6 addresses are not "public IPs" in the console's sense and are left to public-exposure.
 */
export const check: Check = {
  meta: {
    id: 'public-ip-internal-tier',
    title: 'Internal-tier instance has a public IP address',
    severity: 'high',
    description:
      'Reports instances recognized as internal tier (by tags such as tier=db, by instance name such as db-*, or by the names of their security groups; configurable under tiers.internal) that have a public IPv4 address or an Elastic IP.',
    rationale:
      'Internal tiers are meant to be reached only through the application tier. A public address makes the security group the only barrier, so a single permissive rule exposes the database or backend directly to the internet.',
    remediation:
      'Release the public IP (convert it to an EIP and unbind it) or unbind the EIP, and reach the instance through a bastion, a NAT gateway for outbound traffic, or a private load balancer. If the instance is not internal, fix its tags or name, or adjust tiers.internal.',
    docs: 'docs/checks/public-ip-internal-tier.md',
  },
  run({ view, settings, scope }) {
    const isInternal = internalTierMatcher(settings.internalTier);
    const findings: FindingDraft[] = [];
    for (const { item: instance, accountId, regionId } of view.instances.values()) {
      if (!inScope(scope?.instances, instance.id)) continue;
      const addresses = publicIpv4Addresses(view, instance);
      if (addresses.length === 0) continue;
      const match = isInternal(instance, groupsOfInstance(view, instance));
      if (!match) continue;
      findings.push({
        message: `Instance ${instance.id}${instance.name ? ` (${instance.name})` : ''} is internal tier (${match.reason}) but has public address ${addresses.join(', ')}.`,
        accountId,
        regionId,
        resource: instance.name ? { type: 'instance', id: instance.id, name: instance.name } : { type: 'instance', id: instance.id },
        detail: { addresses },
        evidence: match.evidence,
      });
    }
    return findings;
  },
};

function publicIpv4Addresses(view: SnapshotView, instance: Instance): string[] {
  const found = new Set<string>();
  for (const ip of instance.publicIps) found.add(ip);
  if (instance.eip?.ip) found.add(instance.eip.ip);
  for (const eip of view.eipsByBoundId.get(instance.id) ?? []) found.add(eip.item.ip);
  for (const eni of view.enisByInstance.get(instance.id) ?? []) {
    for (const address of view.publicAddressesOfEni(eni.item)) if (address.via !== 'ipv6') found.add(address.address);
  }
  return [...found].sort();
}

function groupsOfInstance(view: SnapshotView, instance: Instance): SecurityGroup[] {
  const ids = new Set(instance.securityGroupIds);
  for (const eni of view.enisByInstance.get(instance.id) ?? []) for (const id of eni.item.securityGroupIds) ids.add(id);
  const groups: SecurityGroup[] = [];
  for (const id of [...ids].sort()) {
    const group = view.groups.get(id)?.item;
    if (group) groups.push(group);
  }
  return groups;
}

interface TierMatch {
  reason: string;
  evidence: Evidence[];
}

/** Tag keys compare exactly (the settings list `tier` and `Tier` separately); values and name globs ignore case. */
function internalTierMatcher(tier: TierMatcher): (instance: Instance, groups: SecurityGroup[]) => TierMatch | undefined {
  const tagValues = new Map<string, Set<string>>();
  for (const { key, values } of tier.tags) {
    const set = tagValues.get(key) ?? new Set<string>();
    for (const value of values) set.add(value.toLowerCase());
    tagValues.set(key, set);
  }
  const instanceNameMatches = compileGlobs(tier.instanceNamePatterns);
  const groupNameMatches = compileGlobs(tier.groupNamePatterns);
  return (instance, groups) => {
    for (const [key, value] of Object.entries(instance.tags)) {
      if (tagValues.get(key)?.has(value.toLowerCase())) return { reason: `tag ${key}=${value}`, evidence: [] };
    }
    if (instance.name && instanceNameMatches(instance.name)) return { reason: `instance name "${instance.name}"`, evidence: [] };
    const matching = groups.filter((group) => groupNameMatches(group.name));
    if (matching.length > 0) {
      return {
        reason: `security group ${matching.map((group) => `${group.id} (${group.name})`).join(', ')}`,
        evidence: matching.map((group) => ({ role: 'context', groupId: group.id, groupName: group.name, note: 'group name marks the instance as internal tier' })),
      };
    }
    return undefined;
  };
}
