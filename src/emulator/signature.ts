import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { Errors } from './errors.js';

/**
 * Server-side check of the ACS3-HMAC-SHA256 signature (the "V3" signature every current Alibaba
 * Cloud SDK sends by default). Built from the published algorithm, not from the SDK's code:
 *
 *   CanonicalRequest = METHOD \n URI \n sorted query (RFC 3986 encoded values) \n
 *                      "name:value\n" per signed header \n signed header names joined by ";" \n
 *                      hex sha256 of the body (as sent in x-acs-content-sha256)
 *   StringToSign     = "ACS3-HMAC-SHA256" \n hex sha256(CanonicalRequest)
 *   Signature        = hex HMAC-SHA256(secret, StringToSign)
 */
const ACS3 = 'ACS3-HMAC-SHA256';

export interface ParsedAuthorization {
  accessKeyId: string;
  signedHeaders: string[];
  signature: string;
}

export function parseAuthorization(header: string | undefined): ParsedAuthorization {
  if (!header) throw Errors.incompleteSignature('The Authorization header is missing.');
  const space = header.indexOf(' ');
  const algorithm = space < 0 ? header : header.slice(0, space);
  if (algorithm !== ACS3) throw Errors.incompleteSignature(`Unsupported signature algorithm ${algorithm}.`);
  const fields = new Map<string, string>();
  for (const part of header.slice(space + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const accessKeyId = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!accessKeyId || !signedHeaders || !signature) throw Errors.incompleteSignature('Credential, SignedHeaders and Signature are required.');
  return { accessKeyId, signedHeaders: signedHeaders.split(';'), signature };
}

/** RFC 3986 percent-encoding as the canonical query string wants it (encodeURIComponent leaves !'()* alone). */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function canonicalQueryString(query: Record<string, string>): string {
  return Object.keys(query)
    .sort()
    .map((key) => `${key}=${percentEncode(query[key] ?? '')}`)
    .join('&');
}

export interface SignedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Lower-cased header names, as node:http delivers them. */
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

function headerValue(headers: SignedRequest['headers'], name: string): string {
  const value = headers[name];
  return (Array.isArray(value) ? value.join(',') : (value ?? '')).trim();
}

function canonicalRequest(request: SignedRequest, signedHeaders: string[]): string {
  const canonicalUri = request.path || '/';
  const canonicalHeaders = signedHeaders.map((name) => `${name}:${headerValue(request.headers, name)}\n`).join('');
  return [
    request.method.toUpperCase(),
    canonicalUri,
    canonicalQueryString(request.query),
    canonicalHeaders,
    signedHeaders.join(';'),
    headerValue(request.headers, 'x-acs-content-sha256'),
  ].join('\n');
}

function expectedSignature(request: SignedRequest, signedHeaders: string[], secret: string): string {
  const stringToSign = `${ACS3}\n${sha256Hex(canonicalRequest(request, signedHeaders))}`;
  return createHmac('sha256', secret).update(stringToSign).digest('hex');
}

/**
 * Throws the Alibaba error for a bad signature. The payload hash is checked against the body
 * received, and host plus every x-acs-* header must be signed, as the gateway requires.
 */
export function verifySignature(request: SignedRequest, auth: ParsedAuthorization, secret: string): void {
  const sorted = [...auth.signedHeaders].sort();
  if (sorted.join(';') !== auth.signedHeaders.join(';')) throw Errors.incompleteSignature('SignedHeaders must be sorted.');
  for (const name of Object.keys(request.headers)) {
    if ((name.startsWith('x-acs-') || name === 'host') && !auth.signedHeaders.includes(name)) {
      throw Errors.incompleteSignature(`Header ${name} must be signed.`);
    }
  }
  if (headerValue(request.headers, 'x-acs-content-sha256') !== sha256Hex(request.body)) throw Errors.contentHashMismatch();
  const expected = Buffer.from(expectedSignature(request, auth.signedHeaders, secret), 'utf8');
  const given = Buffer.from(auth.signature, 'utf8');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw Errors.signatureMismatch();
}
