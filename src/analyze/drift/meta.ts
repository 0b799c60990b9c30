import type { CheckMeta } from '../checks/types.js';
import type { DriftKind } from './types.js';

const DRIFT_CHECK_ID = 'drift';

export const DRIFT_META: CheckMeta = {
  id: DRIFT_CHECK_ID,
  title: 'Drift since the baseline',
  severity: 'medium',
  description:
    'Changes since a baseline (an approved snapshot, the previous snapshot, or Terraform state): groups and rules added, removed or modified, group membership of network interfaces and instances, public IPs and EIPs, and — most important — public exposure that is new since the baseline. Regions whose data was incomplete on either side are listed as not compared, never as removed.',
  rationale:
    'Security groups are changed by hand in the console, by scripts and by other teams; a change that opens a port to the internet is rarely reviewed. Comparing against an approved state catches it the next night.',
  remediation: 'Review each change: revert it, or approve the current snapshot as the new baseline (`sgaudit baseline approve`) or update the Terraform code to match.',
  docs: 'docs/drift.md',
};

export const DRIFT_TITLES: Record<DriftKind, string> = {
  'group-added': 'Security group created',
  'group-removed': 'Security group deleted',
  'group-modified': 'Security group attributes changed',
  'rule-added': 'Rule added',
  'rule-removed': 'Rule removed',
  'rule-modified': 'Rule modified',
  'group-attached': 'Security group attached',
  'group-detached': 'Security group detached',
  'public-ip-added': 'Public IP added',
  'public-ip-removed': 'Public IP removed',
  'eip-added': 'EIP allocated',
  'eip-removed': 'EIP released',
  'eip-rebound': 'EIP moved to another resource',
  'unmanaged-group': 'Security group not managed by Terraform',
  'unmanaged-rule': 'Rule not managed by Terraform',
  'instance-removed': 'Instance deleted outside Terraform',
  'interface-removed': 'Network interface deleted outside Terraform',
  'interface-rebound': 'Network interface attached elsewhere than Terraform says',
  'new-exposure': 'New public exposure since the baseline',
  'removed-exposure': 'Public exposure removed since the baseline',
};

/** Drift only Terraform state shows: the next apply undoes it. */
const TERRAFORM_RESTORE = 'Changed outside Terraform: the next `terraform apply` restores what the state says. If the change was intended, change the Terraform code (or `terraform state rm` the address) instead.';

const REVERT_OR_APPROVE = 'Revert the change, or approve the current state as the new baseline if it was intended.';

export const DRIFT_REMEDIATION: Record<DriftKind, string> = {
  'group-added': REVERT_OR_APPROVE,
  'group-removed': REVERT_OR_APPROVE,
  'group-modified': REVERT_OR_APPROVE,
  'rule-added': REVERT_OR_APPROVE,
  'rule-removed': REVERT_OR_APPROVE,
  'rule-modified': REVERT_OR_APPROVE,
  'group-attached': REVERT_OR_APPROVE,
  'group-detached': REVERT_OR_APPROVE,
  'public-ip-added': REVERT_OR_APPROVE,
  'public-ip-removed': REVERT_OR_APPROVE,
  'eip-added': REVERT_OR_APPROVE,
  'eip-removed': REVERT_OR_APPROVE,
  'eip-rebound': REVERT_OR_APPROVE,
  'unmanaged-group': 'Import the group into Terraform (`terraform import alicloud_security_group.NAME sg-…`) or delete it if nobody owns it.',
  'unmanaged-rule':
    'The rule was most likely added by hand in the console. Delete it, or add it to the Terraform code (`alicloud_security_group_rule`) so the next apply does not remove it.',
  'instance-removed': TERRAFORM_RESTORE,
  'interface-removed': TERRAFORM_RESTORE,
  'interface-rebound': TERRAFORM_RESTORE,
  'new-exposure': 'Close the exposure (remove or narrow the deciding rule, add a higher-priority drop rule, or release the public address), or approve it as the new baseline if it is intended.',
  'removed-exposure': 'No action needed: the exposure present in the baseline is gone. Approve the current state as the new baseline to stop seeing this.',
};
