import type { Finding } from '../model/findings.js';

/**
 * Where a finding is listed. Exposure findings are what to fix first and are read by root cause;
 * hygiene findings come by the ten thousand on large estates (a shadowed rule in every copy of a
 * template group) and are read per security group, as the owner of the group cleans it up.
 */
export type FindingSection = 'exposure' | 'hygiene' | 'other';

export const EXPOSURE_CHECKS: ReadonlySet<string> = new Set(['public-exposure', 'latent-exposure']);
const HYGIENE_CHECKS: ReadonlySet<string> = new Set(['shadowed-rule', 'dangling-reference', 'broad-rule', 'unused-group', 'too-many-groups', 'unparseable-rule']);

export function findingSection(finding: Finding): FindingSection {
  if (EXPOSURE_CHECKS.has(finding.check)) return 'exposure';
  return HYGIENE_CHECKS.has(finding.check) ? 'hygiene' : 'other';
}

/** What a hygiene finding is collapsed under. */
export interface HygieneSubject {
  type: Finding['resource']['type'];
  id: string;
  name?: string;
  accountId: string;
  regionId: string;
}

/**
 * The security group a hygiene finding belongs to: the group itself, or the group of the rule it
 * is about (its subject witness). A finding about something else (an interface with too many
 * groups) stands for itself.
 */
export function hygieneSubject(finding: Finding): HygieneSubject {
  const { accountId, regionId, resource } = finding;
  if (resource.type !== 'securityGroup') {
    const subject = finding.evidence.find((entry) => entry.role === 'subject') ?? (resource.type === 'rule' ? finding.evidence[0] : undefined);
    if (subject) return { type: 'securityGroup', id: subject.groupId, ...(subject.groupName ? { name: subject.groupName } : {}), accountId, regionId };
  }
  return { type: resource.type, id: resource.id, ...(resource.name ? { name: resource.name } : {}), accountId, regionId };
}
