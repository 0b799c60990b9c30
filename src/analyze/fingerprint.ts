import { createHash, hash } from 'node:crypto';
import type { Finding } from '../model/findings.js';

export const FINGERPRINT_PREFIX = 'SG-';

type FingerprintInput = Pick<Finding, 'check' | 'accountId' | 'regionId' | 'resource' | 'detail'>;

/** The detail members in canonical (sorted) order; anything else takes the generic path. */
const DETAIL_KEYS = new Set(['addresses', 'direction', 'extra', 'ports', 'protocol', 'sources']);

/**
 * The stable id of a finding: sha256 over a canonical JSON of what the problem IS (check, where,
 * which resource, the detail) — not how it is worded (message, title), not its severity (config
 * may override it), not the order evidence happened to be listed in. The same problem keeps its
 * id across runs, which suppressions, drift and ticketing rely on.
 *
 * Ids are persisted in users' suppressions, so the canonical text must never change: the direct
 * serializer below writes exactly what `canonicalJson` writes for the known finding shape (keys
 * sorted, undefined members dropped) and falls back to `canonicalJson` for anything else.
 */
export function fingerprint(finding: FingerprintInput): string {
  return FINGERPRINT_PREFIX + sha256Hex(canonicalFinding(finding)).slice(0, 16);
}

/** The text `fingerprint` hashes. */
export function canonicalFinding(finding: FingerprintInput): string {
  const detail = finding.detail;
  let text = '{';
  let separator = '';
  if (finding.accountId !== undefined) {
    text += `"accountId":${canonicalJson(finding.accountId)}`;
    separator = ',';
  }
  if (finding.check !== undefined) {
    text += `${separator}"check":${canonicalJson(finding.check)}`;
    separator = ',';
  }
  text += `${separator}"detail":${canonicalDetail(detail)},`;
  separator = '';
  if (finding.regionId !== undefined) text += `"regionId":${canonicalJson(finding.regionId)},`;
  const { id, type } = finding.resource;
  text += '"resource":{';
  if (id !== undefined) text += `"id":${canonicalJson(id)}`;
  if (type !== undefined) text += `${id !== undefined ? ',' : ''}"type":${canonicalJson(type)}`;
  return `${text}}}`;
}

function canonicalDetail(detail: FingerprintInput['detail']): string {
  for (const key in detail) if (!DETAIL_KEYS.has(key)) return genericDetail(detail);
  const { addresses, direction, extra, ports, protocol, sources } = detail;
  let text = '{';
  let separator = '';
  // Lists of addresses are sets: the evaluator may emit them in any order.
  if (addresses !== undefined) {
    text += `"addresses":${canonicalJson(addresses ? sortedCopy(addresses) : addresses)}`;
    separator = ',';
  }
  if (direction !== undefined) {
    text += `${separator}"direction":${canonicalJson(direction)}`;
    separator = ',';
  }
  if (extra !== undefined) {
    text += `${separator}"extra":${canonicalJson(extra)}`;
    separator = ',';
  }
  if (ports !== undefined) {
    text += `${separator}"ports":${canonicalPorts(ports)}`;
    separator = ',';
  }
  if (protocol !== undefined) {
    text += `${separator}"protocol":${canonicalJson(protocol)}`;
    separator = ',';
  }
  if (sources !== undefined) text += `${separator}"sources":${canonicalJson(sources ? sortedCopy(sources) : sources)}`;
  return `${text}}`;
}

/** `[...list].sort()`; most lists have one item, which needs no sort. */
function sortedCopy(list: readonly string[]): readonly (string | undefined)[] {
  return list.length === 1 ? [list[0]] : [...list].sort();
}

function canonicalPorts(ports: NonNullable<FingerprintInput['detail']['ports']>): string {
  if (typeof ports !== 'object' || ports === null) return canonicalJson(ports);
  for (const key in ports) if (key !== 'from' && key !== 'to') return canonicalJson(ports);
  if (typeof ports.from !== 'number' || typeof ports.to !== 'number') return canonicalJson(ports);
  return `{"from":${JSON.stringify(ports.from)},"to":${JSON.stringify(ports.to)}}`;
}

/** The original (pre-serializer) treatment of detail, for shapes the direct path does not know. */
function genericDetail(detail: FingerprintInput['detail']): string {
  const copy: Record<string, unknown> = { ...detail };
  if (detail.sources) copy.sources = [...detail.sources].sort();
  if (detail.addresses) copy.addresses = [...detail.addresses].sort();
  return canonicalJson(copy);
}

const sha256Hex: (text: string) => string =
  // crypto.hash (Node ≥ 20.12) skips the Hash object; same digest.
  typeof hash === 'function' ? (text) => hash('sha256', text, 'hex') : (text) => createHash('sha256').update(text).digest('hex');

/** JSON with object keys sorted at every level and undefined members dropped. */
export function canonicalJson(value: unknown): string {
  if (typeof value === 'string') return quote(value);
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    if (value.length >= 4 && sameItems(value, lastList.items)) return lastList.text;
    // What `[${value.map(…).join(',')}]` wrote: undefined items as null, holes as nothing.
    let text = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) text += ',';
      if (!(i in value)) continue;
      const item: unknown = value[i];
      text += item === undefined ? 'null' : canonicalJson(item);
    }
    text += ']';
    if (value.length >= 4) lastList = { items: [...value] as unknown[], text };
    return text;
  }
  const record = value as Record<string, unknown>;
  // Default sort = UTF-16 code unit order, the same as comparing with `<`.
  const keys = Object.keys(record).sort();
  let text = '{';
  for (const key of keys) {
    const member = record[key];
    if (member === undefined) continue;
    text += `${text.length > 1 ? ',' : ''}${quote(key)}:${canonicalJson(member)}`;
  }
  return `${text}}`;
}

/**
 * The last long list serialized, compared item by item (identity): findings of one exposed range
 * share its list of sensitive services, so consecutive fingerprints serialize the same 30 names.
 */
let lastList: { items: unknown[]; text: string } = { items: [], text: '[]' };
function sameItems(list: readonly unknown[], items: readonly unknown[]): boolean {
  if (list.length !== items.length) return false;
  for (let i = 0; i < list.length; i++) if (!(i in list) || list[i] !== items[i] || (typeof items[i] === 'object' && items[i] !== null)) return false;
  return true;
}

/** Printable ASCII without `"` and `\`: what JSON.stringify leaves as is. */
const VERBATIM_IN_JSON = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** JSON.stringify(text): ids, names and CIDRs need no escaping, and a test is cheaper than the builtin's call. */
function quote(text: string): string {
  return VERBATIM_IN_JSON.test(text) ? `"${text}"` : JSON.stringify(text);
}
