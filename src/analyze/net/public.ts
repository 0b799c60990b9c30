import { AddressSet } from './address-set.js';

/**
 * IPv4 space that is not reachable from the internet: the IANA special-purpose blocks marked
 * "Globally Reachable: False". Documentation ranges (192.0.2.0/24, 198.51.100.0/24,
 * 203.0.113.0/24) are deliberately NOT here: real estates use them as stand-ins for real public
 * peers, so they count as public.
 */
export const NON_PUBLIC_V4 = [
  '0.0.0.0/8', // "this network"
  '10.0.0.0/8',
  '100.64.0.0/10', // shared address space (carrier-grade NAT; Alibaba uses it for internal services)
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24', // IETF protocol assignments
  '192.168.0.0/16',
  '198.18.0.0/15', // benchmarking (RFC 2544)
  '224.0.0.0/4', // multicast
  '240.0.0.0/4', // reserved, includes 255.255.255.255
] as const;

/** IPv6 space that is not public; 2001:db8::/32 (documentation) stays public, as above. */
export const NON_PUBLIC_V6 = [
  '::/128',
  '::1/128',
  '100::/64', // discard-only
  '2001:2::/48', // benchmarking (RFC 5180)
  'fc00::/7', // unique local
  'fe80::/10', // link-local
  'fec0::/10', // deprecated site-local
  'ff00::/8', // multicast
] as const;

const MAPPED_V4_PREFIX = 0xffff00000000n; // ::ffff:0:0/96

function buildPublicSpace(): AddressSet {
  const privateV4 = AddressSet.unionAll(NON_PUBLIC_V4.map((c) => AddressSet.cidr(c)));
  const publicV4 = AddressSet.ALL_V4.subtract(privateV4);
  // ::ffff:a.b.c.d is a.b.c.d on the wire: it is public exactly when the IPv4 address is.
  const mappedPublic: bigint[] = [];
  for (let i = 0; i < publicV4.v4.length; i++) mappedPublic.push(MAPPED_V4_PREFIX + BigInt(publicV4.v4[i] as number));
  const mappedAll = AddressSet.cidr('::ffff:0:0/96');
  const nonPublicV6 = AddressSet.unionAll(NON_PUBLIC_V6.map((c) => AddressSet.cidr(c))).union(mappedAll);
  const publicV6 = AddressSet.ALL_V6.subtract(nonPublicV6).union(AddressSet.fromBounds([], mappedPublic));
  return publicV4.union(publicV6);
}

/** Every address the internet can originate from or be reached at. */
export const PUBLIC_SPACE: AddressSet = buildPublicSpace();

/** The public subset of a set of addresses. */
export function publicPart(set: AddressSet): AddressSet {
  return set.intersect(PUBLIC_SPACE);
}

/** True when the CIDR (or address) contains at least one public address: `1.0.0.0/1` and `0.0.0.0/0` do. */
export function isPublic(cidr: string | AddressSet): boolean {
  const set = typeof cidr === 'string' ? AddressSet.parse(cidr) : cidr;
  return set !== undefined && set.intersects(PUBLIC_SPACE);
}
