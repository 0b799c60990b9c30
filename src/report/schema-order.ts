import { BREADTH_CLASSES, Finding, SEVERITIES, type Breadth, type Evidence, type FindingInstance, type FindingResource } from '../model/findings.js';
import type { EvidenceRule } from '../model/findings-file.js';
import { copyEvery, copyStrings, isPlainObject, onlyKeys } from '../util/plain-copy.js';

/**
 * A finding in schema order, as `Finding.parse` returns it (zod rebuilds every object with its
 * members in declared order), without zod: the JSON report validates and reorders every finding,
 * and zod was a large part of writing a large document. The copy is made
 * only for the exact shape the schema allows (known members, right types, integer ports and
 * priorities, known enum values); anything else goes through `Finding.parse`, which reorders it
 * the same way or throws with the path of the problem. test/report/schema-order.test.ts compares
 * the two on real documents and on every kind of odd member.
 */
export function findingInSchemaOrder(finding: Finding): Finding {
  return schemaOrderedCopy(finding) ?? Finding.parse(finding);
}

const FINDING_KEYS = new Set(['id', 'check', 'severity', 'title', 'message', 'accountId', 'regionId', 'resource', 'detail', 'evidence', 'remediation', 'docs', 'breadth', 'instance', 'rootCauses', 'suppressed']);
const RESOURCE_KEYS = new Set(['type', 'id', 'name']);
const DETAIL_KEYS = new Set(['direction', 'protocol', 'ports', 'sources', 'addresses', 'extra']);
const RULE_KEYS = ['groupId', 'groupName', 'ruleId', 'direction', 'policy', 'priority', 'protocol', 'ports', 'peer', 'description'];
const EVIDENCE_KEYS = new Set(['role', ...RULE_KEYS, 'note']);
const RULE_LINE_KEYS = new Set(['rule', ...RULE_KEYS]);
const SUPPRESSION_KEYS = new Set(['reason', 'owner', 'expires', 'matchedBy']);
const BREADTH_KEYS = new Set(['class', 'publicIpv4', 'publicIpv6', 'summary']);
const INSTANCE_KEYS = new Set(['id', 'name']);
const PORT_KEYS = new Set(['from', 'to']);

const SEVERITY_VALUES = new Set<string>(SEVERITIES);
const RESOURCE_TYPES = new Set<string>(['networkInterface', 'instance', 'securityGroup', 'rule', 'eip', 'region', 'account']);
const ROLES = new Set<string>(['decides', 'passed', 'covers', 'subject', 'context']);
const DIRECTIONS = new Set<string>(['ingress', 'egress']);
const POLICIES = new Set<string>(['accept', 'drop']);
const BREADTH_CLASS_VALUES = new Set<string>(BREADTH_CLASSES);

const isString = (value: unknown): value is string => typeof value === 'string';
const optionalString = (value: unknown): value is string | undefined => value === undefined || typeof value === 'string';
// Integers beyond the safe range are left to zod's judgement.
const isInteger = (value: unknown): value is number => Number.isSafeInteger(value);
const inSet = (set: ReadonlySet<string>, value: unknown): value is string => typeof value === 'string' && set.has(value);
const optionalInSet = (set: ReadonlySet<string>, value: unknown): boolean => value === undefined || inSet(set, value);

function orderedPorts(value: unknown): { from: number; to: number } | undefined {
  if (!isPlainObject(value) || !onlyKeys(value, PORT_KEYS) || !isInteger(value.from) || !isInteger(value.to)) return undefined;
  return { from: value.from, to: value.to };
}

function orderedResource(value: unknown): FindingResource | undefined {
  if (!isPlainObject(value) || !onlyKeys(value, RESOURCE_KEYS) || !inSet(RESOURCE_TYPES, value.type) || !isString(value.id) || !optionalString(value.name)) return undefined;
  return { type: value.type as FindingResource['type'], id: value.id, name: value.name };
}

function orderedDetail(value: unknown): Finding['detail'] | undefined {
  if (!isPlainObject(value) || !onlyKeys(value, DETAIL_KEYS)) return undefined;
  const { direction, protocol, ports, sources, addresses, extra } = value;
  if (!optionalInSet(DIRECTIONS, direction) || !optionalString(protocol)) return undefined;
  const orderedPortRange = ports === undefined ? undefined : orderedPorts(ports);
  if (ports !== undefined && !orderedPortRange) return undefined;
  const sourcesCopy = sources === undefined ? undefined : copyStrings(sources);
  const addressesCopy = addresses === undefined ? undefined : copyStrings(addresses);
  if ((sources !== undefined && !sourcesCopy) || (addresses !== undefined && !addressesCopy)) return undefined;
  // A record of anything (zod's record of unknown copies the members as they are).
  if (extra !== undefined && !isPlainObject(extra)) return undefined;
  return {
    direction: direction as Finding['detail']['direction'],
    protocol,
    ports: orderedPortRange,
    sources: sourcesCopy,
    addresses: addressesCopy,
    extra: extra === undefined ? undefined : { ...extra },
  };
}

/** The rule members of an evidence entry (its keys already checked), in schema order. */
function orderedRule(value: Record<string, unknown>): EvidenceRule | undefined {
  const { groupId, groupName, ruleId, direction, policy, priority, protocol, ports, peer, description } = value;
  if (!isString(groupId) || !optionalString(groupName) || !optionalString(ruleId)) return undefined;
  if (!optionalInSet(DIRECTIONS, direction) || !optionalInSet(POLICIES, policy) || (priority !== undefined && !isInteger(priority))) return undefined;
  if (!optionalString(protocol) || !optionalString(peer) || !optionalString(description)) return undefined;
  const orderedPortRange = ports === undefined ? undefined : orderedPorts(ports);
  if (ports !== undefined && !orderedPortRange) return undefined;
  return {
    groupId,
    groupName,
    ruleId,
    direction: direction as Evidence['direction'],
    policy: policy as Evidence['policy'],
    priority: priority as number | undefined,
    protocol,
    ports: orderedPortRange,
    peer,
    description,
  };
}

function orderedEvidence(value: unknown): Evidence | undefined {
  if (!isPlainObject(value) || !onlyKeys(value, EVIDENCE_KEYS)) return undefined;
  const { role, note } = value;
  if (!inSet(ROLES, role) || !optionalString(note)) return undefined;
  const rule = orderedRule(value);
  return rule && { role: role as Evidence['role'], ...rule, note };
}

/**
 * A rules-table line of a findings@2 file (`{"rule":N, …}`) as its rule in schema order, without
 * the number; undefined sends it to zod (RuleLine).
 */
export function ruleLineInSchemaOrder(value: unknown): EvidenceRule | undefined {
  if (!isPlainObject(value) || !onlyKeys(value, RULE_LINE_KEYS)) return undefined;
  return orderedRule(value);
}

/** An evidence role the schema knows. */
export const isEvidenceRole = (value: unknown): value is Evidence['role'] => inSet(ROLES, value);

function orderedSuppression(value: unknown): Finding['suppressed'] | undefined {
  if (!isPlainObject(value) || !onlyKeys(value, SUPPRESSION_KEYS)) return undefined;
  const { reason, owner, expires, matchedBy } = value;
  if (!isString(reason) || !isString(owner) || !isString(expires) || !isString(matchedBy)) return undefined;
  return { reason, owner, expires, matchedBy };
}

function orderedBreadth(value: unknown): Breadth | undefined {
  if (!isPlainObject(value) || !onlyKeys(value, BREADTH_KEYS)) return undefined;
  const { class: kind, publicIpv4, publicIpv6, summary } = value;
  if (!inSet(BREADTH_CLASS_VALUES, kind) || !isInteger(publicIpv4) || publicIpv4 < 0 || !isString(publicIpv6) || !/^\d+$/.test(publicIpv6) || !isString(summary)) return undefined;
  return { class: kind as Breadth['class'], publicIpv4, publicIpv6, summary };
}

function orderedInstance(value: unknown): FindingInstance | undefined {
  if (!isPlainObject(value) || !onlyKeys(value, INSTANCE_KEYS) || !isString(value.id) || !optionalString(value.name)) return undefined;
  return { id: value.id, name: value.name };
}

/** The schema-ordered copy when the finding has exactly the allowed shape; undefined sends it to zod. */
export function schemaOrderedCopy(finding: unknown): Finding | undefined {
  if (!isPlainObject(finding) || !onlyKeys(finding, FINDING_KEYS)) return undefined;
  const { id, check, severity, title, message, accountId, regionId, resource, detail, evidence, remediation, docs, breadth, instance, rootCauses, suppressed } = finding;
  if (!isString(id) || !isString(check) || !inSet(SEVERITY_VALUES, severity) || !isString(title) || !isString(message)) return undefined;
  if (!isString(accountId) || !isString(regionId) || !isString(remediation) || !optionalString(docs) || !Array.isArray(evidence)) return undefined;
  const orderedResourceValue = orderedResource(resource);
  const orderedDetailValue = orderedDetail(detail);
  if (!orderedResourceValue || !orderedDetailValue) return undefined;
  const orderedEvidenceList = copyEvery(evidence as unknown[], orderedEvidence);
  if (!orderedEvidenceList) return undefined;
  const orderedBreadthValue = breadth === undefined ? undefined : orderedBreadth(breadth);
  const orderedInstanceValue = instance === undefined ? undefined : orderedInstance(instance);
  const rootCausesCopy = rootCauses === undefined ? undefined : copyStrings(rootCauses);
  if ((breadth !== undefined && !orderedBreadthValue) || (instance !== undefined && !orderedInstanceValue) || (rootCauses !== undefined && !rootCausesCopy)) return undefined;
  const orderedSuppressed = suppressed === undefined ? undefined : orderedSuppression(suppressed);
  if (suppressed !== undefined && !orderedSuppressed) return undefined;
  return {
    id,
    check,
    severity: severity as Finding['severity'],
    title,
    message,
    accountId,
    regionId,
    resource: orderedResourceValue,
    detail: orderedDetailValue,
    evidence: orderedEvidenceList,
    remediation,
    docs,
    breadth: orderedBreadthValue,
    instance: orderedInstanceValue,
    rootCauses: rootCausesCopy,
    suppressed: orderedSuppressed,
  };
}
