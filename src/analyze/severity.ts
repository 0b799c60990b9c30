import type { BreadthClass, Severity } from '../model/findings.js';

/**
 * What is exposed: a sensitive port (or every protocol at once), any other port outside
 * allowedPublicPorts, or ICMP (diagnostics; it reveals a host but opens no service).
 */
export type Sensitivity = 'sensitive' | 'other' | 'icmp';

/**
 * Severity = sensitivity × breadth, the one table every exposure finding is ranked by. Critical
 * means a stranger on the internet can reach an admin or data port today; a partner allow-list
 * on the same port is a review item, not an incident.
 */
const EXPOSURE_SEVERITY: Record<Sensitivity, Record<BreadthClass, Severity>> = {
  sensitive: { internet: 'critical', wide: 'high', 'allow-listed': 'low' },
  other: { internet: 'high', wide: 'medium', 'allow-listed': 'info' },
  icmp: { internet: 'low', wide: 'low', 'allow-listed': 'info' },
};

/** public-exposure: an internet-reachable interface accepts this traffic today. */
export function exposureSeverity(sensitivity: Sensitivity, breadth: BreadthClass): Severity {
  return EXPOSURE_SEVERITY[sensitivity][breadth];
}

/** latent-exposure: sensitive ports that a public address would expose; nothing is reachable yet. */
export function latentExposureSeverity(breadth: BreadthClass): Severity {
  return breadth === 'internet' ? 'medium' : 'low';
}

/** broad-rule: a public source ranks by its breadth; a private one is hygiene. */
export function broadRuleSeverity(breadth: BreadthClass | undefined): Severity {
  if (breadth === 'internet') return 'high';
  if (breadth === 'wide') return 'medium';
  return 'low';
}
