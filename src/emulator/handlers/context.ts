import type { CredentialStore, Principal } from '../credentials.js';
import type { EstateIndex, RegionIndex } from '../estate-index.js';
import type { DirectoryIndex } from '../resource-directory.js';
import { Errors } from '../errors.js';
import type { FaultOptions } from '../types.js';

export interface HandlerContext {
  params: Record<string, string>;
  principal: Principal;
  regionId: string;
  estate: EstateIndex;
  /** The caller's account × region view (empty region when the account has nothing there). */
  region: () => RegionIndex;
  credentials: CredentialStore;
  /** The Resource Directory, when the emulator serves one. */
  directory: DirectoryIndex | undefined;
  faults: FaultOptions;
  now: number;
}

/** Returns the success body without RequestId; the server adds it. */
export type Handler = (context: HandlerContext) => Record<string, unknown>;

/** `Tag.1.Key=a&Tag.1.Value=b` → [{key:'a', value:'b'}] as the SDK flattens repeat lists. */
export function tagFilters(params: Record<string, string>): { key: string; value: string | undefined }[] {
  const filters: { key: string; value: string | undefined }[] = [];
  for (let n = 1; n <= 20; n++) {
    const key = params[`Tag.${n}.Key`];
    if (key === undefined) continue;
    filters.push({ key, value: params[`Tag.${n}.Value`] });
  }
  return filters;
}

export function matchesTags(tags: Record<string, string>, filters: { key: string; value: string | undefined }[]): boolean {
  return filters.every((filter) => Object.hasOwn(tags, filter.key) && (filter.value === undefined || tags[filter.key] === filter.value));
}

/** `Name.1=a&Name.2=b` → ['a','b'] (repeat list). */
export function repeatList(params: Record<string, string>, name: string): string[] {
  const values: string[] = [];
  for (const [key, value] of Object.entries(params)) {
    if (key.startsWith(`${name}.`) && /^\d+$/.test(key.slice(name.length + 1))) values.push(value);
  }
  return values;
}

/** ECS takes some id lists as a JSON array in one string parameter, e.g. InstanceIds='["i-1","i-2"]'. */
export function jsonList(params: Record<string, string>, name: string): string[] | undefined {
  const raw = params[name];
  if (raw === undefined || raw === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (Array.isArray(parsed) && parsed.every((item) => typeof item === 'string')) return parsed as string[];
  } catch {
    // fall through to the Alibaba error below
  }
  throw Errors.invalidParameter(name, raw);
}

/** The filter part of the parameters: what the cache of filtered lists is keyed by. */
export function filterKey(params: Record<string, string>): string {
  const ignore = new Set(['NextToken', 'MaxResults', 'PageNumber', 'PageSize', 'RegionId']);
  return Object.keys(params)
    .filter((key) => !ignore.has(key))
    .sort()
    .map((key) => `${key}=${params[key] ?? ''}`)
    .join('&');
}
