/**
 * Markdown escaping for user data (group names, descriptions, tags). Runs before Handlebars'
 * HTML escaping, which already turns < > & " ' ` = into entities that GitHub renders as the
 * characters; so this handles only Markdown syntax, with backslashes (any ASCII punctuation may
 * be backslash-escaped in CommonMark). Parentheses only matter after `]`, which is escaped. `$` is escaped because GitHub renders `$…$` as math.
 * Line-start syntax (`-`, `1.`, `>`) needs nothing: user data never starts a line in these
 * templates. Line breaks would end a table row or list item: they become spaces. Inside raw HTML
 * blocks (`<summary>`) backslashes are not processed, so there only HTML escaping applies.
 */
const MARKDOWN_SPECIAL = /[\\*_[\]#|~$]/g;

/**
 * `@name` after a space would ping a GitHub user or team from a group description; a zero-width
 * space after the `@` keeps it readable but inert. E-mail addresses (`@` after a letter) are not mentions.
 */
const MENTION = /(^|[^\w`])@(?=[\w-])/g;

export function escapeMarkdown(value: unknown): string {
  const text = value === undefined || value === null ? '' : String(value);
  return text
    .replace(/\r\n?|\n/g, ' ')
    .replace(MARKDOWN_SPECIAL, (char) => `\\${char}`)
    .replace(MENTION, '$1@\u200b');
}

export function truncate(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}

/** For text inside raw HTML blocks (`<summary>`): a blank line would end the block early. */
export function singleLine(value: unknown): string {
  const text = value === undefined || value === null ? '' : String(value);
  return text.replace(/\s*(\r\n?|\n)\s*/g, ' ');
}
