import { createHash } from 'node:crypto';
import type { Finding } from '../model/findings.js';

export const FINGERPRINT_PREFIX = 'SG-';

type FingerprintInput = Pick<Finding, 'check' | 'accountId' | 'regionId' | 'resource' | 'detail'>;

/**
 * The stable id of a finding: sha256 over a canonical JSON of what the problem IS (check, where,
 * which resource, the detail) — not how it is worded (message, title), not its severity (config
 * may override it), not the order evidence happened to be listed in. The same problem keeps its
 * id across runs, which suppressions, drift and ticketing rely on.
 */
export function fingerprint(finding: FingerprintInput): string {
  const detail: Record<string, unknown> = { ...finding.detail };
  // Lists of addresses are sets: the evaluator may emit them in any order.
  if (finding.detail.sources) detail.sources = [...finding.detail.sources].sort();
  if (finding.detail.addresses) detail.addresses = [...finding.detail.addresses].sort();
  const canonical = canonicalJson({
    check: finding.check,
    accountId: finding.accountId,
    regionId: finding.regionId,
    resource: { type: finding.resource.type, id: finding.resource.id },
    detail,
  });
  return FINGERPRINT_PREFIX + createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

/** JSON with object keys sorted at every level and undefined members dropped. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, member]) => member !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`).join(',')}}`;
}
