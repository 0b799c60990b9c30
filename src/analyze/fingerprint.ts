import { createHash, hash } from 'node:crypto';
import type { Finding } from '../model/findings.js';

const FINGERPRINT_PREFIX = 'SG-';

type FingerprintInput = Pick<Finding, 'check' | 'accountId' | 'regionId' | 'resource' | 'detail'>;

/** The detail members in canonical (sorted) order; anything else takes the generic path. */
const DETAIL_KEYS = new Set(['addresses', 'direction', 'extra', 'ports', 'protocol', 'sources']);

/**
 * Where canonical JSON is written: `raw` takes ASCII punctuation, keys and numbers as they are,
 * `quoted` a string to print as JSON.stringify would. The text sink builds the string (for
 * `canonicalJson`, `canonicalFinding`); the byte sink writes UTF-8 straight into a reused buffer
 * for hashing, so a fingerprint allocates no intermediate strings (building the text was several
 * KB of garbage per finding).
 */
interface Sink {
  raw(text: string): void;
  quoted(text: string): void;
}

class TextSink implements Sink {
  text = '';
  raw(text: string): void {
    this.text += text;
  }
  quoted(text: string): void {
    this.text += quote(text);
  }
}

const encoder = new TextEncoder();

class ByteSink implements Sink {
  bytes = new Uint8Array(16_384);
  length = 0;
  raw(text: string): void {
    this.reserve(text.length);
    const { bytes } = this;
    let at = this.length;
    for (let i = 0; i < text.length; i++) bytes[at++] = text.charCodeAt(i);
    this.length = at;
  }
  quoted(text: string): void {
    this.reserve(text.length + 2);
    const { bytes } = this;
    const start = this.length;
    let at = start;
    bytes[at++] = QUOTE;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      // Printable ASCII without `"` and `\` is what JSON.stringify leaves as is; anything else is
      // written as its JSON.stringify text, UTF-8 encoded (as hashing the string encoded it).
      if (code < 0x20 || code > 0x7e || code === QUOTE || code === BACKSLASH) {
        this.length = start;
        this.utf8(JSON.stringify(text));
        return;
      }
      bytes[at++] = code;
    }
    bytes[at++] = QUOTE;
    this.length = at;
  }
  private utf8(text: string): void {
    this.reserve(text.length * 3);
    this.length += encoder.encodeInto(text, this.bytes.subarray(this.length)).written;
  }
  private reserve(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + extra));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const bytesSink = new ByteSink();

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
  bytesSink.length = 0;
  writeFinding(bytesSink, finding);
  return FINGERPRINT_PREFIX + sha256Hex(bytesSink.bytes.subarray(0, bytesSink.length)).slice(0, 16);
}

/** The text `fingerprint` hashes. */
export function canonicalFinding(finding: FingerprintInput): string {
  const sink = new TextSink();
  writeFinding(sink, finding);
  return sink.text;
}

function writeFinding(sink: Sink, finding: FingerprintInput): void {
  let separator = '{';
  if (finding.accountId !== undefined) {
    separator = memberKey(sink, separator, '"accountId":');
    writeCanonical(sink, finding.accountId);
  }
  if (finding.check !== undefined) {
    separator = memberKey(sink, separator, '"check":');
    writeCanonical(sink, finding.check);
  }
  memberKey(sink, separator, '"detail":');
  writeDetail(sink, finding.detail);
  sink.raw(',');
  if (finding.regionId !== undefined) {
    sink.raw('"regionId":');
    writeCanonical(sink, finding.regionId);
    sink.raw(',');
  }
  const { id, type } = finding.resource;
  sink.raw('"resource":{');
  if (id !== undefined) {
    sink.raw('"id":');
    writeCanonical(sink, id);
  }
  if (type !== undefined) {
    sink.raw(id !== undefined ? ',"type":' : '"type":');
    writeCanonical(sink, type);
  }
  sink.raw('}}');
}

function writeDetail(sink: Sink, detail: FingerprintInput['detail']): void {
  for (const key in detail) {
    if (DETAIL_KEYS.has(key)) continue;
    writeCanonical(sink, genericDetail(detail));
    return;
  }
  const { addresses, direction, extra, ports, protocol, sources } = detail;
  let separator = '{';
  // Lists of addresses are sets: the evaluator may emit them in any order.
  if (addresses !== undefined) {
    separator = memberKey(sink, separator, '"addresses":');
    writeCanonical(sink, addresses ? sortedCopy(addresses) : addresses);
  }
  if (direction !== undefined) {
    separator = memberKey(sink, separator, '"direction":');
    writeCanonical(sink, direction);
  }
  if (extra !== undefined) {
    separator = memberKey(sink, separator, '"extra":');
    writeCanonical(sink, extra);
  }
  if (ports !== undefined) {
    separator = memberKey(sink, separator, '"ports":');
    writePorts(sink, ports);
  }
  if (protocol !== undefined) {
    separator = memberKey(sink, separator, '"protocol":');
    writeCanonical(sink, protocol);
  }
  if (sources !== undefined) {
    separator = memberKey(sink, separator, '"sources":');
    writeCanonical(sink, sources ? sortedCopy(sources) : sources);
  }
  sink.raw(separator === '{' ? '{}' : '}');
}

/** Opens a member: the separator (`{` before the first, `,` after), then the key; returns the next separator. */
function memberKey(sink: Sink, separator: string, key: string): string {
  sink.raw(separator);
  sink.raw(key);
  return ',';
}

/** `[...list].sort()`; most lists have one item, which needs no sort. */
function sortedCopy(list: readonly string[]): readonly (string | undefined)[] {
  return list.length === 1 ? [list[0]] : [...list].sort();
}

function writePorts(sink: Sink, ports: NonNullable<FingerprintInput['detail']['ports']>): void {
  if (typeof ports !== 'object' || ports === null) return writeCanonical(sink, ports);
  for (const key in ports) if (key !== 'from' && key !== 'to') return writeCanonical(sink, ports);
  if (typeof ports.from !== 'number' || typeof ports.to !== 'number') return writeCanonical(sink, ports);
  sink.raw('{"from":');
  sink.raw(JSON.stringify(ports.from));
  sink.raw(',"to":');
  sink.raw(JSON.stringify(ports.to));
  sink.raw('}');
}

/** The original (pre-serializer) treatment of detail, for shapes the direct path does not know. */
function genericDetail(detail: FingerprintInput['detail']): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...detail };
  if (detail.sources) copy.sources = [...detail.sources].sort();
  if (detail.addresses) copy.addresses = [...detail.addresses].sort();
  return copy;
}

const sha256Hex: (data: Uint8Array) => string =
  // crypto.hash (Node ≥ 20.12) skips the Hash object; same digest.
  typeof hash === 'function' ? (data) => hash('sha256', data, 'hex') : (data) => createHash('sha256').update(data).digest('hex');

/** JSON with object keys sorted at every level and undefined members dropped. */
export function canonicalJson(value: unknown): string {
  const sink = new TextSink();
  writeCanonical(sink, value);
  return sink.text;
}

function writeCanonical(sink: Sink, value: unknown): void {
  if (typeof value === 'string') return sink.quoted(value);
  if (value === null || typeof value !== 'object') return sink.raw(JSON.stringify(value) ?? 'null');
  if (Array.isArray(value)) {
    // What `[${value.map(…).join(',')}]` wrote: undefined items as null, holes as nothing.
    sink.raw('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) sink.raw(',');
      if (!(i in value)) continue;
      const item: unknown = value[i];
      if (item === undefined) sink.raw('null');
      else writeCanonical(sink, item);
    }
    return sink.raw(']');
  }
  const record = value as Record<string, unknown>;
  // Default sort = UTF-16 code unit order, the same as comparing with `<`.
  const keys = Object.keys(record).sort();
  let separator = '{';
  for (const key of keys) {
    const member = record[key];
    if (member === undefined) continue;
    sink.raw(separator);
    sink.quoted(key);
    sink.raw(':');
    writeCanonical(sink, member);
    separator = ',';
  }
  sink.raw(separator === '{' ? '{}' : '}');
}

/** Printable ASCII without `"` and `\`: what JSON.stringify leaves as is. */
const VERBATIM_IN_JSON = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** JSON.stringify(text): ids, names and CIDRs need no escaping, and a test is cheaper than the builtin's call. */
function quote(text: string): string {
  return VERBATIM_IN_JSON.test(text) ? `"${text}"` : JSON.stringify(text);
}
