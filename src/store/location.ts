import { SgauditError } from '../model/errors.js';

/**
 * Where a snapshot store lives, from `--store` or store.dir in the config: a local directory
 * (anything that is not a URL), `s3://bucket/prefix` (any S3-compatible store) or
 * `oss://bucket/prefix` (Alibaba Cloud OSS, through its S3-compatible API). docs/object-storage.md.
 */
export type StoreLocation = { kind: 'local'; dir: string } | ObjectLocation;

export interface ObjectLocation {
  kind: 'object';
  scheme: 's3' | 'oss';
  bucket: string;
  /** Key prefix without leading or trailing slash; '' for the bucket's root. */
  prefix: string;
  /** Normalised `scheme://bucket/prefix`, without a trailing slash: how messages name the store. */
  url: string;
}

const ANY_URL = /^([a-z][a-z0-9+.-]*):\/\//i;

/** True when `location` is a URL (s3://, oss://, or an unsupported scheme), not a local path. */
export function isStoreUrl(location: string): boolean {
  return ANY_URL.test(location);
}

export function parseStoreLocation(location: string): StoreLocation {
  const scheme = ANY_URL.exec(location)?.[1]?.toLowerCase();
  if (scheme === undefined) return { kind: 'local', dir: location };
  if (scheme !== 's3' && scheme !== 'oss') {
    throw new SgauditError('USAGE', `--store ${location}: unsupported store URL scheme "${scheme}://"`, { hint: 'use a directory, s3://bucket/prefix or oss://bucket/prefix' });
  }
  const rest = location.slice(scheme.length + 3);
  const slash = rest.indexOf('/');
  const bucket = slash === -1 ? rest : rest.slice(0, slash);
  const prefix = (slash === -1 ? '' : rest.slice(slash + 1)).split('/').filter((part) => part.length > 0).join('/');
  // S3 and OSS bucket names: 3–63 characters of lower-case letters, digits, dots and hyphens.
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new SgauditError('USAGE', `--store ${location}: "${bucket}" is not a valid bucket name`, { hint: `write ${scheme}://BUCKET/PREFIX` });
  }
  if (prefix.split('/').some((part) => part === '.' || part === '..')) {
    throw new SgauditError('USAGE', `--store ${location}: the prefix may not contain "." or ".." segments`);
  }
  return { kind: 'object', scheme, bucket, prefix, url: `${scheme}://${bucket}${prefix ? `/${prefix}` : ''}` };
}
