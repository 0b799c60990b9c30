import { describePeer, rulePeer } from '../analyze/drift/rule-key.js';
import { formatPortSpec } from '../config/ports.js';
import type { Rule } from '../model/snapshot.js';

/** `ingress accept tcp/3389 from 0.0.0.0/0, priority 1`: a rule in one line, for change summaries. */
export function describeRule(rule: Rule): string {
  const peer = describePeer(rulePeer(rule));
  const ports = rule.portListId ? `${rule.protocol} port list ${rule.portListId}` : formatPortSpec({ protocol: rule.protocol, from: rule.ports.from, to: rule.ports.to });
  const side = rule.direction === 'ingress' ? 'from' : 'to';
  return `${rule.direction} ${rule.policy} ${ports}${peer ? ` ${side} ${peer}` : ''}, priority ${rule.priority}`;
}
