import type { Protocol } from '../model/snapshot.js';

/*
 * The analyzer's settings as the checks read them. Config owns them (the schema of sgaudit.yaml,
 * the defaults, how a file maps onto them) and imports nothing of the analyzer; the analyzer reads.
 */

/**
 * The catalog's check ids, which sgaudit.yaml may configure (`checks.<id>`, suppressions; `drift`
 * is added by the schema). The catalog's meta-test holds the analyzer to this list.
 */
export const CHECK_IDS = ['public-exposure', 'latent-exposure', 'shadowed-rule', 'unused-group', 'broad-rule', 'public-ip-internal-tier', 'dangling-reference', 'too-many-groups', 'unparseable-rule'] as const;

/**
 * Where the breadth classes start, as "a /N's worth" of addresses: internet from 2^(32-8) public
 * IPv4 or 2^(128-32) IPv6 addresses, wide from a /16's or a /48's worth. Counted on the union of
 * the sources, so two disjoint /9s are a /8's worth, and a /8 split by a drop rule is not.
 */
export interface BreadthThresholds {
  internetIpv4Prefix: number;
  internetIpv6Prefix: number;
  wideIpv4Prefix: number;
  wideIpv6Prefix: number;
}

export const DEFAULT_BREADTH_THRESHOLDS: Readonly<BreadthThresholds> = Object.freeze({ internetIpv4Prefix: 8, internetIpv6Prefix: 32, wideIpv4Prefix: 16, wideIpv6Prefix: 48 });

/** A protocol + inclusive port range, as settings name them (`tcp/22`, `udp/53`, `tcp/8000-8100`). */
export interface PortSpec {
  protocol: Protocol;
  from: number;
  to: number;
  /** For sensitive ports: what listens there (ssh, mysql …), shown in findings. */
  name?: string;
}

/** How an instance is recognized as internal tier (any matcher hits). Patterns are globs, case-insensitive. */
export interface TierMatcher {
  tags: { key: string; values: string[] }[];
  instanceNamePatterns: string[];
  groupNamePatterns: string[];
}

/** The resolved analyzer settings every check reads; the config module maps sgaudit.yaml onto this. */
export interface AnalyzerSettings {
  allowedPublicPorts: PortSpec[];
  sensitivePorts: PortSpec[];
  broadPortSpan: number;
  /** IPv4 sources with a prefix shorter than this are broad (e.g. 16 → a /8 is broad). */
  broadSourcePrefix: number;
  broadSourcePrefixV6: number;
  maxGroupsPerEni: number;
  /** Where an exposure's sources count as the internet, wide, or an allow-list. */
  breadth: BreadthThresholds;
  internalTier: TierMatcher;
}
