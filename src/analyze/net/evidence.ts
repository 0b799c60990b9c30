import type { Evidence } from '../../model/findings.js';
import type { RuleRef } from './rule-order.js';

/** A witness rule as finding evidence; implicit rules (intra-group, default) say so in `note`. */
export function evidenceOf(ref: RuleRef, role: Evidence['role'], note?: string): Evidence {
  const evidence: Evidence = {
    role,
    groupId: ref.groupId,
    direction: ref.direction,
    policy: ref.policy,
    protocol: ref.protocol,
    ports: { from: ref.ports.from, to: ref.ports.to },
    peer: ref.peer,
  };
  if (ref.groupName) evidence.groupName = ref.groupName;
  if (ref.ruleId) evidence.ruleId = ref.ruleId;
  if (ref.priority !== undefined) evidence.priority = ref.priority;
  if (ref.description) evidence.description = ref.description;
  const notes = [ref.kind === 'inner-access' ? 'implicit intra-group accept (innerAccessPolicy)' : ref.kind === 'default' ? 'default policy: no rule matched' : undefined, note];
  const text = notes.filter(Boolean).join('; ');
  if (text) evidence.note = text;
  return evidence;
}

/**
 * Evidence for a set of decided pieces: each distinct deciding rule, then the distinct rules that
 * were evaluated before and passed over (capped, they can be many on big groups).
 */
export function witnessEvidence(pieces: readonly { decidedBy: RuleRef; passed: readonly RuleRef[] }[], maxPassed = 10): Evidence[] {
  const deciders = new Set<RuleRef>();
  for (const piece of pieces) deciders.add(piece.decidedBy);
  const passed = new Set<RuleRef>();
  for (const piece of pieces) for (const ref of piece.passed) if (!deciders.has(ref)) passed.add(ref);
  const result = [...deciders].map((ref) => evidenceOf(ref, 'decides'));
  const passedList = [...passed];
  passedList.slice(0, maxPassed).forEach((ref) => result.push(evidenceOf(ref, 'passed', 'evaluated first; does not match this traffic')));
  if (passedList.length > maxPassed) {
    const last = result[result.length - 1];
    if (last) last.note = `${last.note ?? ''}; ${passedList.length - maxPassed} more passed rules not listed`;
  }
  return result;
}
