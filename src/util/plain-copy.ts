/**
 * Small pieces shared by the fast paths that copy parsed JSON in a schema's exact shape and leave
 * anything odd to zod (snapshot records, findings): each returns undefined rather than guess.
 */

/** A JSON object: not null, not an array. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every own enumerable key is one the schema names. */
export function onlyKeys(value: Record<string, unknown>, allowed: ReadonlySet<string>): boolean {
  for (const key in value) if (!allowed.has(key) || !Object.hasOwn(value, key)) return false;
  return true;
}

/**
 * `list.map(copy)` when every item copies; undefined as soon as one does not (or the list has a
 * hole).
 */
export function copyEvery<T, U>(list: readonly T[], copy: (item: T) => U | undefined): U[] | undefined {
  const copied: U[] = [];
  for (let i = 0; i < list.length; i++) {
    if (!(i in list)) return undefined;
    const item = copy(list[i] as T);
    if (item === undefined) return undefined;
    copied.push(item);
  }
  return copied;
}

/** A copy of a list of strings; undefined when it is not an array, has a hole or holds anything else. */
export function copyStrings(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const copied: string[] = [];
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i];
    if (typeof item !== 'string' || !(i in value)) return undefined;
    copied.push(item);
  }
  return copied;
}
