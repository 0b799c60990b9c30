import { SgauditError } from '../model/errors.js';
import type { Estate } from '../model/snapshot.js';
import { generateEstate, parseGenerateSpec } from './generate.js';
import { loadEstateFile } from './load-estate.js';
import { resourceDirectoryFor, type ResourceDirectory } from './resource-directory.js';
import { sampleEstate } from './sample-estate.js';
import type { FaultOptions, StsOptions } from './types.js';

/** What `sgaudit emulator` accepts; turned into EmulatorOptions here so the command stays thin. */
export interface EmulatorFlags {
  estate?: string;
  generate?: string;
  sample?: boolean;
  seed?: string;
  throttleRate?: string;
  errorRate?: string;
  resetRate?: string;
  malformedRate?: string;
  latencyMs?: string;
  hang?: string[];
  forbidRegion?: string[];
  rateLimit?: string;
  retryAfterMs?: string;
  denyRole?: string[];
  memberStatus?: string[];
  tokenLifetime?: string;
}

function rate(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0 || parsed > 1) throw new SgauditError('USAGE', `--${flag} must be a share between 0 and 1, got "${value}"`);
  return parsed;
}

function count(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new SgauditError('USAGE', `--${flag} must be a number ≥ 0, got "${value}"`);
  return parsed;
}

export function faultsFromFlags(flags: EmulatorFlags): FaultOptions {
  const faults: FaultOptions = {};
  const set = <K extends keyof FaultOptions>(key: K, value: FaultOptions[K] | undefined) => {
    if (value !== undefined) faults[key] = value;
  };
  set('throttleRate', rate('throttle-rate', flags.throttleRate));
  set('errorRate', rate('error-rate', flags.errorRate));
  set('resetRate', rate('reset-rate', flags.resetRate));
  set('malformedRate', rate('malformed-rate', flags.malformedRate));
  set('latencyMs', count('latency-ms', flags.latencyMs));
  set('rateLimit', count('rate-limit', flags.rateLimit));
  set('retryAfterMs', count('retry-after-ms', flags.retryAfterMs));
  if (flags.hang?.length) faults.hangRequests = flags.hang.map((n) => count('hang', n) ?? 0);
  if (flags.forbidRegion?.length) faults.forbidRegions = flags.forbidRegion;
  if (flags.denyRole?.length) faults.denyAssumeRoleAccounts = flags.denyRole;
  return faults;
}

/** --token-lifetime: STS sessions end after this many seconds, whatever DurationSeconds asked. */
export function stsFromFlags(flags: EmulatorFlags): StsOptions | undefined {
  const lifetime = count('token-lifetime', flags.tokenLifetime);
  if (lifetime === undefined) return undefined;
  if (lifetime < 1) throw new SgauditError('USAGE', `--token-lifetime must be at least 1 second, got "${flags.tokenLifetime}"`);
  return { lifetimeSeconds: lifetime };
}

/** The estate's accounts as a Resource Directory (the first manages it); --member-status ACCOUNT=STATUS sets a member's status. */
export function directoryFromFlags(flags: EmulatorFlags, estate: Estate): ResourceDirectory {
  const statuses: Record<string, string> = {};
  for (const entry of flags.memberStatus ?? []) {
    const match = /^(\d+)=([A-Za-z]+)$/.exec(entry);
    if (!match) throw new SgauditError('USAGE', `--member-status takes ACCOUNT=STATUS, e.g. 1234567890123456=Suspended; got "${entry}"`);
    statuses[match[1] as string] = match[2] as string;
  }
  const known = new Set(estate.accounts.map((account) => account.accountId));
  const unknown = Object.keys(statuses).filter((id) => !known.has(id));
  if (unknown.length > 0) throw new SgauditError('USAGE', `--member-status: ${unknown.join(', ')} is not an account of the estate (${[...known].join(', ')})`);
  return resourceDirectoryFor(estate, { statuses });
}

export function seedFromFlags(flags: EmulatorFlags): number {
  return count('seed', flags.seed) ?? 42;
}

/** --estate FILE, --generate SPEC, or the built-in sample (default). */
export async function estateFromFlags(flags: EmulatorFlags): Promise<Estate> {
  const chosen = [flags.estate !== undefined, flags.generate !== undefined, flags.sample === true].filter(Boolean).length;
  if (chosen > 1) throw new SgauditError('USAGE', 'choose one of --estate, --generate and --sample');
  if (flags.estate !== undefined) return loadEstateFile(flags.estate);
  if (flags.generate !== undefined) return generateEstate(parseGenerateSpec(flags.generate, seedFromFlags(flags)));
  return sampleEstate();
}
