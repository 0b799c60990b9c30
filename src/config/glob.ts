/**
 * Minimal globs for names and ids in config (`db-*`, `*internal*`, `sg-0ab?`): `*` is any run of
 * characters, `?` one character, everything else literal. No path semantics: resource names may
 * contain `/`. Case-insensitive unless asked otherwise, because people tag `DB-01` and `db-01` alike.
 */
export function globToRegExp(pattern: string, options: { caseSensitive?: boolean } = {}): RegExp {
  let source = '';
  for (const char of pattern) {
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, options.caseSensitive ? 's' : 'is');
}

/** A matcher compiled once for a list of patterns; true when any pattern matches. */
export function compileGlobs(patterns: readonly string[], options: { caseSensitive?: boolean } = {}): (text: string) => boolean {
  const regexps = patterns.map((pattern) => globToRegExp(pattern, options));
  return (text) => regexps.some((regexp) => regexp.test(text));
}
