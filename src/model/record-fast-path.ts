import { copyEvery, copyStrings, isPlainObject } from '../util/plain-copy.js';
import type { Instance, NetworkInterface, SecurityGroup } from './snapshot.js';

/**
 * What the stripping record schemas (SNAPSHOT_RECORD_SCHEMAS) return for the three record kinds
 * that make up nearly all of a snapshot — groups with their rules, instances, network interfaces —
 * built without zod: validating and copying every record and rule through zod was about a third
 * of loading a large snapshot (bench/analyze.ts). The copy has the schema's members
 * in the schema's order, its defaults, and nothing else (unknown members, the record envelope
 * among them, are dropped as the stripping schemas drop them). It is made only when every member
 * is exactly what the schema accepts; for anything else the caller asks zod, which returns the
 * same or rejects the record with the path of the problem. test/model/record-fast-path.test.ts
 * compares the two on generated estates and on random odd records.
 */
export function fastSecurityGroup(input: unknown): SecurityGroup | undefined {
  if (!isPlainObject(input)) return undefined;
  const out: Json = {};
  if (!putString(out, input, 'id') || !putString(out, input, 'name') || !putStringOr(out, input, 'description', '')) return undefined;
  if (!putOptionalString(out, input, 'vpcId') || !putEnum(out, input, 'type', GROUP_TYPES) || !putEnum(out, input, 'innerAccessPolicy', POLICIES)) return undefined;
  if (!putBooleanOr(out, input, 'serviceManaged', false) || !putTags(out, input) || !putOptionalString(out, input, 'createdAt')) return undefined;
  const rules = Array.isArray(input.rules) ? copyEvery(input.rules as unknown[], fastRule) : undefined;
  if (!rules) return undefined;
  out.rules = rules;
  return out as unknown as SecurityGroup;
}

export function fastInstance(input: unknown): Instance | undefined {
  if (!isPlainObject(input)) return undefined;
  const out: Json = {};
  if (!putString(out, input, 'id') || !putStringOr(out, input, 'name', '') || !putOptionalString(out, input, 'hostname') || !putStringOr(out, input, 'status', '')) return undefined;
  if (!putEnumOr(out, input, 'networkType', NETWORK_TYPES, 'vpc') || !putOptionalString(out, input, 'vpcId') || !putOptionalString(out, input, 'vSwitchId')) return undefined;
  if (!putStringListOr(out, input, 'securityGroupIds') || !putStringListOr(out, input, 'privateIps') || !putStringListOr(out, input, 'publicIps')) return undefined;
  const eip = input.eip;
  if (eip !== undefined) {
    if (!isPlainObject(eip) || typeof eip.ip !== 'string' || typeof eip.allocationId !== 'string') return undefined;
    out.eip = { ip: eip.ip, allocationId: eip.allocationId };
  }
  if (!putTags(out, input)) return undefined;
  return out as unknown as Instance;
}

export function fastNetworkInterface(input: unknown): NetworkInterface | undefined {
  if (!isPlainObject(input)) return undefined;
  const out: Json = {};
  if (!putString(out, input, 'id') || !putStringOr(out, input, 'name', '') || !putStringOr(out, input, 'description', '') || !putStringOr(out, input, 'type', 'Secondary')) return undefined;
  if (!putStringOr(out, input, 'status', '') || !putOptionalString(out, input, 'instanceId') || !putBooleanOr(out, input, 'serviceManaged', false)) return undefined;
  if (!putOptionalString(out, input, 'serviceId') || !putOptionalString(out, input, 'vpcId') || !putOptionalString(out, input, 'vSwitchId')) return undefined;
  if (!putStringListOr(out, input, 'privateIps') || !putStringListOr(out, input, 'ipv6Addresses')) return undefined;
  if (!Array.isArray(input.securityGroupIds) || !putStringListOr(out, input, 'securityGroupIds')) return undefined;
  if (!putOptionalString(out, input, 'publicIp') || !putTags(out, input)) return undefined;
  return out as unknown as NetworkInterface;
}

function fastRule(input: unknown): Json | undefined {
  if (!isPlainObject(input)) return undefined;
  const out: Json = {};
  if (!putOptionalString(out, input, 'id') || !putEnum(out, input, 'direction', DIRECTIONS) || !putEnum(out, input, 'policy', POLICIES)) return undefined;
  if (!putInteger(out, input, 'priority') || !putEnum(out, input, 'protocol', PROTOCOLS)) return undefined;
  const ports = input.ports;
  if (!isPlainObject(ports) || !Number.isSafeInteger(ports.from) || !Number.isSafeInteger(ports.to)) return undefined;
  out.ports = { from: ports.from, to: ports.to };
  if (input.portRanges !== undefined) {
    const ranges = Array.isArray(input.portRanges) ? copyEvery(input.portRanges as unknown[], fastPortRange) : undefined;
    if (!ranges) return undefined;
    out.portRanges = ranges;
  }
  if (!putOptionalString(out, input, 'portText') || !putPrimitive(out, input, 'enabled', 'boolean')) return undefined;
  if (!putOptionalString(out, input, 'portListId') || !putPeer(out, input, 'source') || !putPeer(out, input, 'destination')) return undefined;
  if (!putOptionalEnum(out, input, 'nicType', NIC_TYPES) || !putOptionalString(out, input, 'description') || !putOptionalString(out, input, 'createdAt')) return undefined;
  if (input.problems !== undefined) {
    const problems = Array.isArray(input.problems) ? copyEvery(input.problems as unknown[], fastProblem) : undefined;
    if (!problems) return undefined;
    out.problems = problems;
  }
  return out;
}

function fastPortRange(range: unknown): Json | undefined {
  if (!isPlainObject(range) || !Number.isSafeInteger(range.from) || !Number.isSafeInteger(range.to)) return undefined;
  return { from: range.from, to: range.to };
}

function fastProblem(problem: unknown): Json | undefined {
  if (!isPlainObject(problem) || typeof problem.field !== 'string' || typeof problem.value !== 'string' || typeof problem.problem !== 'string') return undefined;
  return { field: problem.field, value: problem.value, problem: problem.problem };
}

const PEER_KEYS = ['cidr', 'ipv6Cidr', 'groupId', 'ownerAccount', 'prefixListId', 'addressGroupId'] as const;

function putPeer(out: Json, input: Json, key: string): boolean {
  const peer = input[key];
  if (peer === undefined) return true;
  if (!isPlainObject(peer)) return false;
  const copy: Json = {};
  for (const member of PEER_KEYS) if (!putOptionalString(copy, peer, member)) return false;
  out[key] = copy;
  return true;
}

type Json = Record<string, unknown>;

const GROUP_TYPES: ReadonlySet<unknown> = new Set(['normal', 'enterprise']);
const POLICIES: ReadonlySet<unknown> = new Set(['accept', 'drop']);
const DIRECTIONS: ReadonlySet<unknown> = new Set(['ingress', 'egress']);
const PROTOCOLS: ReadonlySet<unknown> = new Set(['tcp', 'udp', 'icmp', 'icmpv6', 'gre', 'all']);
const NIC_TYPES: ReadonlySet<unknown> = new Set(['internet', 'intranet']);
const NETWORK_TYPES: ReadonlySet<unknown> = new Set(['vpc', 'classic']);

// Each put* copies one member into `out` as the schema returns it and says whether the input's
// member is one the schema accepts (false sends the whole record to zod).

function putString(out: Json, input: Json, key: string): boolean {
  const value = input[key];
  if (typeof value !== 'string') return false;
  out[key] = value;
  return true;
}

/** A member of one primitive type; when absent, the schema's default if it has one (else nothing: optional). */
function putPrimitive(out: Json, input: Json, key: string, type: 'string' | 'boolean', fallback?: string | boolean): boolean {
  const value = input[key];
  if (value === undefined) {
    if (fallback !== undefined) out[key] = fallback;
    return true;
  }
  if (typeof value !== type) return false;
  out[key] = value;
  return true;
}

function putOptionalString(out: Json, input: Json, key: string): boolean {
  return putPrimitive(out, input, key, 'string');
}

function putStringOr(out: Json, input: Json, key: string, fallback: string): boolean {
  return putPrimitive(out, input, key, 'string', fallback);
}

function putBooleanOr(out: Json, input: Json, key: string, fallback: boolean): boolean {
  return putPrimitive(out, input, key, 'boolean', fallback);
}

function putEnum(out: Json, input: Json, key: string, values: ReadonlySet<unknown>): boolean {
  const value = input[key];
  if (!values.has(value)) return false;
  out[key] = value;
  return true;
}

function putOptionalEnum(out: Json, input: Json, key: string, values: ReadonlySet<unknown>): boolean {
  return input[key] === undefined || putEnum(out, input, key, values);
}

function putEnumOr(out: Json, input: Json, key: string, values: ReadonlySet<unknown>, fallback: string): boolean {
  if (input[key] !== undefined) return putEnum(out, input, key, values);
  out[key] = fallback;
  return true;
}

// Integers beyond the safe range are left to zod's judgement.
function putInteger(out: Json, input: Json, key: string): boolean {
  const value = input[key];
  if (!Number.isSafeInteger(value)) return false;
  out[key] = value;
  return true;
}

/** A list of strings (a new array, as zod returns), `[]` when absent. */
function putStringListOr(out: Json, input: Json, key: string): boolean {
  const value = input[key];
  if (value === undefined) {
    out[key] = [];
    return true;
  }
  const copy = copyStrings(value);
  if (!copy) return false;
  out[key] = copy;
  return true;
}

/** `tags`: a record of strings (a new object), `{}` when absent. */
function putTags(out: Json, input: Json): boolean {
  const tags = input.tags;
  if (tags === undefined) {
    out.tags = {};
    return true;
  }
  if (!isPlainObject(tags)) return false;
  const copy: Record<string, string> = {};
  for (const key in tags) {
    const value = tags[key];
    // An inherited member, or one named like the prototype accessor: zod's own record handling decides.
    if (typeof value !== 'string' || key === '__proto__' || !Object.hasOwn(tags, key)) return false;
    copy[key] = value;
  }
  out.tags = copy;
  return true;
}
