/**
 * `list.map(copy)` when every item copies; undefined as soon as one does not (or the list has a
 * hole). For the fast paths that copy data in a schema's shape and leave anything odd to zod.
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
