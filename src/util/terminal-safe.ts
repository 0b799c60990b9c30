/**
 * Text from the cloud and from files (group names, descriptions, tags, SDK error messages, the
 * contents of a file quoted in an error) must not act on the terminal that shows it: an escape
 * sequence could retitle the window, move the cursor or hide text, a carriage return could
 * overwrite what was printed, and a bidirectional override could reorder what is shown. Applied at
 * the output boundaries (the logger, the top-level error handler, the commands that print text on
 * stdout), not at every call site.
 *
 * Unsafe characters print as JSON-style escapes (`\u001b`), so the reader sees that they are there
 * and what they are: C0 controls, DEL, C1 controls (U+0080–U+009F: U+009B is CSI on some terminals),
 * the line and paragraph separators, and the bidirectional embeddings, overrides and isolates.
 * Escaping the ESC, CSI, OSC and BEL introducers leaves every ANSI/OSC sequence inert text.
 */

// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const UNSAFE_ONE_LINE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** As above, but a line feed, a tab and a CR LF pair are the text's own layout. */
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const UNSAFE_MULTI_LINE = /\r(?!\n)|[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** What JSON.stringify leaves raw inside strings (it escapes C0 itself). */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const escapeChar = (char: string): string => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** One line, every control character visible: for log lines, error messages and table cells. */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE_ONE_LINE, escapeChar);
}

/** Text with lines (a report, an explanation) for stdout: its line feeds and tabs stay, every other control is made visible. */
export function terminalSafeText(text: string): string {
  return text.replace(UNSAFE_MULTI_LINE, escapeChar);
}

/**
 * JSON text for stdout: C0 controls are already escaped by JSON.stringify; DEL, C1 and the
 * separators and bidi controls are escaped too. The result is still valid JSON with the same value.
 */
export function terminalSafeJson(json: string): string {
  return json.replace(UNSAFE_IN_JSON, escapeChar);
}

/** The longest error message printed: a message quoting a file or a cloud answer is cut, never many screens long. */
const MAX_MESSAGE_CHARS = 1000;

/** terminalSafe, then cut to `max` characters with a note of how much was left out. */
export function boundedLine(text: string, max = MAX_MESSAGE_CHARS): string {
  return truncate(terminalSafe(text), max);
}

/** Cut to `max` characters with a note of how much was left out (for JSON logs, where JSON does the escaping). */
export function truncate(text: string, max = MAX_MESSAGE_CHARS): string {
  if (text.length <= max) return text;
  let cut = max;
  // Never cut an escape (`\u001b`) in half,
  const lastEscape = text.lastIndexOf('\\u', cut);
  if (lastEscape > cut - 6) cut = lastEscape;
  // nor a surrogate pair.
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--;
  return `${text.slice(0, cut)}… (${text.length - cut} more characters)`;
}

/**
 * A copy of plain data (objects, arrays) with every string made one-line terminal-safe: for data
 * that a formatter lays out in lines of its own, so a line break inside a name cannot fake a line.
 */
export function terminalSafeData<T>(value: T): T {
  if (typeof value === 'string') return terminalSafe(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => terminalSafeData(item)) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, terminalSafeData(item)])) as T;
  }
  return value;
}
