import { editDistance } from '../config/load.js';

function commonPrefixLength(a: string, b: string): number {
  let length = 0;
  while (length < a.length && length < b.length && a[length] === b[length]) length++;
  return length;
}

/** Two wrong characters, or two swapped ones. */
const TYPO_EDITS = 2;

/**
 * Ids that a mistyped or shortened id probably meant. Cloud ids are long and mostly padding
 * (i-bp1web0000000000001), so someone who types `i-bp1web01` is far away by edit distance but
 * shares all but the last character as a prefix: a candidate qualifies by a near-complete common
 * prefix or by a typo's edit distance (a fixed one: ids of one account differ in a few characters,
 * so a budget growing with the length would match its neighbours), and the longest prefix ranks first.
 */
export function closestIds(wanted: string, ids: Iterable<string>, limit = 3): string[] {
  const needle = wanted.toLowerCase();
  const ranked: { id: string; prefix: number; distance: number }[] = [];
  for (const id of ids) {
    const candidate = id.toLowerCase();
    const prefix = commonPrefixLength(needle, candidate);
    const distance = editDistance(needle, candidate);
    if (prefix >= needle.length - 2 || distance <= TYPO_EDITS) ranked.push({ id, prefix, distance });
  }
  ranked.sort((a, b) => b.prefix - a.prefix || a.distance - b.distance || a.id.localeCompare(b.id));
  return ranked.slice(0, limit).map((entry) => entry.id);
}

/** `(did you mean a, b or c?)`, or '' when there is nothing to suggest. */
export function didYouMean(suggestions: readonly string[]): string {
  if (suggestions.length === 0) return '';
  const list = suggestions.length === 1 ? suggestions[0] : `${suggestions.slice(0, -1).join(', ')} or ${suggestions.at(-1)}`;
  return ` (did you mean ${list}?)`;
}
