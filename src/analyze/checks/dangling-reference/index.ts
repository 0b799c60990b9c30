import type { Check, FindingDraft } from '../types.js';
import { describeTraffic, ruleEvidence, ruleResource } from '../rule-ref.js';
import type { Peer, Rule, SecurityGroup } from '../../../model/snapshot.js';
import type { SnapshotView } from '../../view.js';
import { inScope } from '../scope.js';

/**
 * References that point nowhere: a deleted group or prefix list leaves the rule in place but
 * matching nothing (or, after an id is reused, something else). Cross-account references are
 * legitimate but cannot be verified from this account, so they are only noted (info).
 * A missing target is concluded only when the list that would contain it was read completely.
 */
export const check: Check = {
  meta: {
    id: 'dangling-reference',
    title: 'Rule references a missing or foreign group or prefix list',
    severity: 'medium',
    description:
      'Reports rules whose source or destination is a security group or prefix list that does not exist in the snapshot (medium), and rules that reference a group in another account (info).',
    rationale:
      'A rule pointing to a deleted group or prefix list does nothing today but documents an intent nobody maintains, and hides mistakes when ids are reused. A reference to another account’s group grants access to whatever that account attaches to its group, outside your control.',
    remediation:
      'Delete rules that reference groups or prefix lists that no longer exist, or repoint them. For cross-account references, confirm the owning account and group are still expected to have access, and record that review.',
    docs: 'docs/checks/dangling-reference.md',
  },
  run({ view, scope }) {
    const findings: FindingDraft[] = [];
    for (const { item: group, accountId, regionId } of view.groups.values()) {
      if (!inScope(scope?.groups, group.id)) continue;
      const groupsListComplete = view.isComplete(accountId, regionId, 'DescribeSecurityGroups');
      // Huawei's IP address groups play the prefix lists' part.
      const prefixListsComplete = view.isComplete(accountId, regionId, 'DescribePrefixLists') && view.isComplete(accountId, regionId, 'ListAddressGroup');
      for (const rule of group.rules) {
        // An ingress rule may also narrow its destination to a group or prefix list, so both ends are checked.
        if (rule.source) referenceFindings(findings, view, { group, accountId, regionId, rule, peer: rule.source, groupsListComplete, prefixListsComplete });
        if (rule.destination) referenceFindings(findings, view, { group, accountId, regionId, rule, peer: rule.destination, groupsListComplete, prefixListsComplete });
      }
    }
    return findings;
  },
};

type ReferenceKind = 'group' | 'prefixList' | 'addressGroup' | 'crossAccountGroup';

interface PeerContext {
  group: SecurityGroup;
  accountId: string;
  regionId: string;
  rule: Rule;
  peer: Peer;
  groupsListComplete: boolean;
  prefixListsComplete: boolean;
}

/** The findings of one end of a rule; the texts are built only for a finding (most rules have none). */
function referenceFindings(findings: FindingDraft[], view: SnapshotView, context: PeerContext): void {
  const { accountId, peer, groupsListComplete, prefixListsComplete } = context;
  if (peer.groupId !== undefined) {
    if (peer.ownerAccount && peer.ownerAccount !== accountId) {
      const known = view.groups.has(peer.groupId) ? 'present in this snapshot' : 'not in this snapshot';
      findings.push({
        ...referenceFinding(context, `${peer.groupId} owned by account ${peer.ownerAccount} (${known}); that account controls who is in the group.`, peer.groupId, 'crossAccountGroup', peer.ownerAccount),
        severity: 'info',
        title: 'Rule references a security group in another account',
      });
    } else if (!view.groups.has(peer.groupId) && groupsListComplete) {
      findings.push(referenceFinding(context, `security group ${peer.groupId}, which does not exist.`, peer.groupId, 'group'));
    }
  }
  if (peer.prefixListId !== undefined && !view.prefixLists.has(peer.prefixListId) && prefixListsComplete) {
    findings.push(referenceFinding(context, `prefix list ${peer.prefixListId}, which does not exist.`, peer.prefixListId, 'prefixList'));
  }
  if (peer.addressGroupId !== undefined && !view.addressGroups.has(peer.addressGroupId) && prefixListsComplete) {
    findings.push(referenceFinding(context, `IP address group ${peer.addressGroupId}, which does not exist.`, peer.addressGroupId, 'addressGroup'));
  }
}

/** A finding on the rule: where it is, the rule as evidence, and "Rule (…) in <group> references <what>". */
function referenceFinding({ group, accountId, regionId, rule }: PeerContext, what: string, reference: string, kind: ReferenceKind, ownerAccount?: string): FindingDraft {
  return {
    accountId,
    regionId,
    resource: ruleResource(group, rule),
    message: `Rule (${rule.direction} ${rule.policy} ${describeTraffic(rule)}) in ${group.id} (${group.name}) references ${what}`,
    detail: detailFor(rule, reference, kind, ownerAccount),
    evidence: [ruleEvidence(group, rule, 'subject')],
  };
}

function detailFor(rule: Rule, reference: string, kind: ReferenceKind, ownerAccount?: string): FindingDraft['detail'] {
  const extra: Record<string, unknown> = { reference, kind };
  if (ownerAccount) extra.ownerAccount = ownerAccount;
  return { direction: rule.direction, protocol: rule.protocol, ports: { from: rule.ports.from, to: rule.ports.to }, extra };
}
