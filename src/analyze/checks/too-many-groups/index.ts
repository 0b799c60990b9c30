import type { Evidence } from '../../../model/findings.js';
import type { Check, FindingDraft } from '../types.js';
import { inScope } from '../scope.js';

/** Pooled rules from many groups are hard to reason about: the effective policy is spread over all of them. */
export const check: Check = {
  meta: {
    id: 'too-many-groups',
    title: 'Network interface carries too many security groups',
    severity: 'low',
    description: 'Reports network interfaces protected by more security groups than the configured maximum (thresholds.maxGroupsPerEni, default 5).',
    rationale:
      'Alibaba Cloud pools the rules of every group on an interface and orders them by priority across groups, so a drop or accept in any one group can override the others. The more groups, the less anyone can predict what the interface accepts.',
    remediation: 'Consolidate the groups into fewer, purpose-named groups (one per role), or move shared rules into a prefix list referenced by one group.',
    docs: 'docs/checks/too-many-groups.md',
  },
  run({ view, settings, scope }) {
    const findings: FindingDraft[] = [];
    for (const { item: eni, accountId, regionId } of view.enis.values()) {
      if (!inScope(scope?.enis, eni.id)) continue;
      const groupIds = [...new Set(eni.securityGroupIds)];
      if (groupIds.length <= settings.maxGroupsPerEni) continue;
      const instance = view.instanceOfEni(eni);
      const name = instance?.name || eni.name || undefined;
      const evidence: Evidence[] = groupIds.map((groupId) => {
        const entry: Evidence = { role: 'context', groupId };
        const group = view.groups.get(groupId)?.item;
        if (group) entry.groupName = group.name;
        return entry;
      });
      findings.push({
        message: `Network interface ${eni.id}${name ? ` (${name})` : ''} carries ${groupIds.length} security groups, more than the maximum of ${settings.maxGroupsPerEni}.`,
        accountId,
        regionId,
        resource: name ? { type: 'networkInterface', id: eni.id, name } : { type: 'networkInterface', id: eni.id },
        detail: {},
        evidence,
      });
    }
    return findings;
  },
};
