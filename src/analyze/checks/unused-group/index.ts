import type { Evidence } from '../../../model/findings.js';
import type { Check, FindingDraft } from '../types.js';
import { inScope } from '../scope.js';

/**
 * A group no instance or ENI carries. Membership comes from DescribeNetworkInterfaces (every ENI,
 * including the ones RDS, SLB or NAT create and manage) and DescribeInstances (primary ENI groups):
 * when either is incomplete for the region, "unused" cannot be concluded and the group is skipped.
 */
export const check: Check = {
  meta: {
    id: 'unused-group',
    title: 'Security group is not attached to anything',
    severity: 'low',
    description:
      'Reports security groups that protect no instance and no network interface, including the interfaces cloud services (RDS, SLB, NAT, ACK) manage on your behalf.',
    rationale:
      'Unused groups accumulate permissive rules nobody reviews; attaching one later silently grants whatever it allows. They also count against the per-region group quota.',
    remediation:
      'Confirm nothing needs the group (no launch template, auto-scaling configuration or Terraform module refers to it), remove references from other groups’ rules, then delete it.',
    docs: 'docs/checks/unused-group.md',
  },
  run({ view, scope }) {
    const attachedToInstance = new Set<string>();
    for (const { item: instance } of view.instances.values()) for (const id of instance.securityGroupIds) attachedToInstance.add(id);

    const findings: FindingDraft[] = [];
    for (const { item: group, accountId, regionId } of view.groups.values()) {
      if (!inScope(scope?.groups, group.id)) continue;
      if ((view.enisByGroup.get(group.id)?.length ?? 0) > 0 || attachedToInstance.has(group.id)) continue;
      if (!view.isComplete(accountId, regionId, 'DescribeNetworkInterfaces') || !view.isComplete(accountId, regionId, 'DescribeInstances')) continue;

      const referencing = [...(view.groupsReferencing.get(group.id) ?? [])].filter((id) => id !== group.id).sort();
      const evidence: Evidence[] = referencing.map((id) => {
        const other = view.groups.get(id)?.item;
        const entry: Evidence = { role: 'context', groupId: id, note: `rules of ${id} still reference ${group.id}` };
        if (other) entry.groupName = other.name;
        return entry;
      });
      const stillReferenced = referencing.length > 0 ? `; rules of ${referencing.join(', ')} still reference it, so remove those first` : '';
      findings.push({
        message: `Security group ${group.id} (${group.name}) is attached to no instance or network interface${stillReferenced}.`,
        accountId,
        regionId,
        resource: { type: 'securityGroup', id: group.id, name: group.name },
        detail: {},
        evidence,
      });
    }
    return findings;
  },
};
