import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { HuaweiErrors } from './errors.js';

/**
 * Server-side check of Huawei Cloud's SDK-HMAC-SHA256 request signature (the scheme of the SDK's
 * AKSKSigner, re-derived here from its documentation and behaviour, not shared with any client):
 *
 *   canonical request = method \n URI (each segment percent-encoded, ending in "/") \n
 *                       query (keys sorted, key=value encoded, repeated keys with sorted values, joined by &) \n
 *                       signed headers as "name:value\n" (names lower-case, sorted) \n
 *                       signed header names joined by ";" \n
 *                       hex sha256 of the body (X-Sdk-Content-Sha256 when sent)
 *   string to sign    = "SDK-HMAC-SHA256" \n X-Sdk-Date \n hex sha256(canonical request)
 *   signature         = hex HMAC-SHA256(secret key, string to sign)
 *
 * `Authorization: SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<names>, Signature=<hex>`.
 */

const ALGORITHM = 'SDK-HMAC-SHA256';
const CLOCK_SKEW_MS = 15 * 60 * 1000;

export interface SignedRequest {
  method: string;
  /** The request target as received (path and query, percent-encoded). */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface ParsedAuthorization {
  accessKeyId: string;
  signedHeaders: string[];
  signature: string;
}

export function parseHuaweiAuthorization(header: string | undefined): ParsedAuthorization {
  if (!header?.startsWith(`${ALGORITHM} `)) throw HuaweiErrors.unsigned();
  const fields = new Map<string, string>();
  for (const part of header.slice(ALGORITHM.length + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const accessKeyId = fields.get('Access');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!accessKeyId || !signedHeaders || !signature) throw HuaweiErrors.unsigned();
  return { accessKeyId, signedHeaders: signedHeaders.split(';'), signature };
}

/** RFC 3986 unreserved characters stay; everything else is %XX (upper case) of its UTF-8 bytes. */
function encode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonicalUri(pathname: string): string {
  const path = pathname
    .split('/')
    .map((segment) => encode(decodeURIComponent(segment)))
    .join('/');
  return path.endsWith('/') ? path : `${path}/`;
}

function canonicalQuery(search: URLSearchParams): string {
  const byKey = new Map<string, string[]>();
  for (const [key, value] of search) byKey.set(key, [...(byKey.get(key) ?? []), value]);
  const pairs: string[] = [];
  for (const key of [...byKey.keys()].sort()) for (const value of (byKey.get(key) as string[]).sort()) pairs.push(`${encode(key)}=${encode(value)}`);
  return pairs.join('&');
}

function headerValue(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : (value ?? '');
}

/** Throws the gateway's 401 unless the request carries a valid signature by `secret`, dated within 15 minutes of `now`. */
export function verifyHuaweiSignature(request: SignedRequest, auth: ParsedAuthorization, secret: string, now: number): void {
  const date = headerValue(request.headers, 'x-sdk-date');
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(date);
  const at = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]), Number(match[4]), Number(match[5]), Number(match[6])) : Number.NaN;
  if (Number.isNaN(at) || Math.abs(now - at) > CLOCK_SKEW_MS) throw HuaweiErrors.dateExpired();
  const names = auth.signedHeaders.map((name) => name.toLowerCase());
  if (!names.includes('host') || !names.includes('x-sdk-date')) throw HuaweiErrors.badSignature();
  const url = new URL(request.url, 'http://emulator.invalid');
  const sent = headerValue(request.headers, 'x-sdk-content-sha256');
  const payloadHash = sent || createHash('sha256').update(request.body).digest('hex');
  const canonical = [
    request.method.toUpperCase(),
    canonicalUri(url.pathname),
    canonicalQuery(url.searchParams),
    names.map((name) => `${name}:${headerValue(request.headers, name)}\n`).join(''),
    names.join(';'),
    payloadHash,
  ].join('\n');
  const stringToSign = [ALGORITHM, date, createHash('sha256').update(canonical).digest('hex')].join('\n');
  const expected = Buffer.from(createHmac('sha256', secret).update(stringToSign).digest('hex'));
  const given = Buffer.from(auth.signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw HuaweiErrors.badSignature();
}
