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
 * One Evidence object per rule and role for a check run: findings are read-only data, and the
 * same few thousand rules witness tens of thousands of findings.
 */
export class WitnessMemo {
  private readonly decides = new Map<RuleRef, Evidence>();
  private readonly passed = new Map<RuleRef, Evidence>();
  decider(ref: RuleRef): Evidence {
    let evidence = this.decides.get(ref);
    if (!evidence) this.decides.set(ref, (evidence = evidenceOf(ref, 'decides')));
    return evidence;
  }
  passedOver(ref: RuleRef): Evidence {
    let evidence = this.passed.get(ref);
    if (!evidence) this.passed.set(ref, (evidence = evidenceOf(ref, 'passed', PASSED_NOTE)));
    return evidence;
  }
}

const PASSED_NOTE = 'evaluated first; does not match this traffic';

/**
 * Evidence for a set of decided pieces: each distinct deciding rule, then the distinct rules that
 * were evaluated before and passed over (capped, they can be many on big groups).
 */
export function witnessEvidence(pieces: readonly { decidedBy: RuleRef; passed: readonly RuleRef[] }[], maxPassed = 10, memo = new WitnessMemo()): Evidence[] {
  const deciders = new Set<RuleRef>();
  for (const piece of pieces) deciders.add(piece.decidedBy);
  const passed = new Set<RuleRef>();
  for (const piece of pieces) for (const ref of piece.passed) if (!deciders.has(ref)) passed.add(ref);
  const result: Evidence[] = [];
  for (const ref of deciders) result.push(memo.decider(ref));
  let listed = 0;
  for (const ref of passed) {
    if (listed === maxPassed) break;
    result.push(memo.passedOver(ref));
    listed++;
  }
  if (passed.size > maxPassed) {
    // Shared objects are not edited: the last one gets a copy that carries the count.
    const last = result[result.length - 1];
    if (last) result[result.length - 1] = { ...last, note: `${last.note ?? ''}; ${passed.size - maxPassed} more passed rules not listed` };
  }
  return result;
}
