/**
 * Markdown escaping for user data (group names, descriptions, tags). The report is read as plain
 * text as often as rendered (a terminal, an e-mail, a ticket), so nothing is turned into HTML
 * entities: Markdown and HTML syntax are neutralised with backslashes, which CommonMark allows
 * before any ASCII punctuation and GitHub renders as the bare character. `<` cannot open a tag or
 * an autolink, `&` cannot start an entity, `` ` `` cannot open a code span, `$` cannot open math.
 * Parentheses only matter after `]`, which is escaped. Line-start syntax (`-`, `1.`, `>`) needs
 * nothing: user data never starts a line in these templates. Line breaks would end a table row
 * or list item: they become spaces.
 */
const MARKDOWN_SPECIAL = /[\\`*_[\]#|~$<]/g;
const ENTITY_START = /&(?=#?[a-z0-9]+;)/gi;
const LINE_BREAK = /\r\n?|\n/g;

/**
 * `@name` after a space would ping a GitHub user or team from a group description; a zero-width
 * space after the `@` keeps it readable but inert. E-mail addresses (`@` after a letter) are not mentions.
 */
const MENTION = /(^|[^\w`])@(?=[\w-])/g;

/**
 * GitHub links bare URLs (`http://…`, `https://…`, `ftp://…`, `www.…`) in text without any
 * brackets; a backslash before the `:` or the `.` after `www` keeps data from making a link there.
 */
const URL_COLON = /\b(https?|ftp):(?=\/\/)/gi;
const WWW_DOT = /\b(www)\.(?=[^\s.])/gi;

const text = (value: unknown): string => (value === undefined || value === null ? '' : String(value));

export function escapeMarkdown(value: unknown): string {
  return text(value)
    .replace(LINE_BREAK, ' ')
    .replace(MARKDOWN_SPECIAL, (char) => `\\${char}`)
    .replace(ENTITY_START, '\\&')
    .replace(MENTION, '$1@\u200b')
    .replace(URL_COLON, '$1\\:')
    .replace(WWW_DOT, '$1\\.');
}

/**
 * A code span for identifiers and names inside a table cell: shown exactly as it is, with no
 * Markdown or HTML in it taking effect. The fence is one backtick longer than any run inside; a
 * pipe is escaped, which GitHub's tables undo inside code spans too.
 */
export function tableCode(value: unknown): string {
  const content = text(value).replace(LINE_BREAK, ' ').replace(/\|/g, '\\|');
  if (content === '') return '';
  const longest = Math.max(0, ...(content.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  // A space on each side keeps a leading or trailing backtick (or space) from being read as part of the fence.
  const pad = /^[` ]|[` ]$/.test(content) ? ' ' : '';
  return `${fence}${pad}${content}${pad}${fence}`;
}

export function truncate(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}
