/**
 * `JSON.stringify(document, null, 2)` of a document with one large list, printed in pieces: the
 * findings of a large estate are hundreds of MB of indented JSON, at fleet scale more than the
 * longest string V8 can hold (~512 MB), so reports that hold the list write it a batch at a time
 * instead of as one string.
 *
 * The document is printed once with the list empty, and the empty list is opened there. Each batch
 * is printed inside a wrapper that nests it exactly as deep as the list sits in the document
 * (`{"runs": [{"results": batch}]}` for `runs.0.results`), so its items carry the document's own
 * indentation; the wrapper is cut off and the pieces join into the bytes one JSON.stringify of
 * the whole document would print.
 */
export function* prettyJsonPieces<T>(
  document: unknown,
  listPath: readonly (string | 0)[],
  items: readonly T[],
  printable: (item: T) => unknown = (item) => item,
  batchSize = 500,
): Generator<string, void, undefined> {
  const text = `${JSON.stringify(withList(document, listPath, []), null, 2)}\n`;
  if (items.length === 0) {
    yield text;
    return;
  }
  const key = listPath.at(-1);
  if (typeof key !== 'string') throw new Error('prettyJsonPieces: the list must be an object member');
  // The member's line is indented two spaces per level of nesting above it.
  const emptyList = `\n${'  '.repeat(listPath.length)}${JSON.stringify(key)}: []`;
  const at = text.indexOf(emptyList);
  if (at < 0 || text.indexOf(emptyList, at + 1) >= 0) throw new Error(`prettyJsonPieces: no single empty list at ${listPath.join('.')}`);
  yield text.slice(0, at + emptyList.length - 1);
  const emptyWrapper = JSON.stringify(withList(undefined, listPath, []), null, 2);
  const opening = emptyWrapper.indexOf('[]') + 1;
  const closing = emptyWrapper.length - opening - 1 + `\n${'  '.repeat(listPath.length)}]`.length;
  for (let start = 0; start < items.length; start += batchSize) {
    const wrapped = JSON.stringify(withList(undefined, listPath, items.slice(start, start + batchSize).map(printable)), null, 2);
    // Separator and batch as two pieces: one concatenated string would be copied once more to be written.
    if (start > 0) yield ',';
    yield wrapped.slice(opening, wrapped.length - closing);
  }
  yield `\n${'  '.repeat(listPath.length)}]${text.slice(at + emptyList.length)}`;
}

/**
 * `document` with `list` at `path` (the other members kept in place); without a document, just
 * the containers leading to the list, one element (index 0) per array on the way.
 */
function withList(document: unknown, path: readonly (string | 0)[], list: unknown[]): unknown {
  if (path.length === 0) return list;
  const [head, ...rest] = path as [string | 0, ...(string | 0)[]];
  if (head === 0) {
    const array = Array.isArray(document) ? [...(document as unknown[])] : [undefined];
    array[0] = withList(array[0], rest, list);
    return array;
  }
  const object = document && typeof document === 'object' ? { ...(document as Record<string, unknown>) } : {};
  // Spreading keeps the member where it was in the document; a new member goes last, as the wrapper needs.
  object[head] = withList(object[head], rest, list);
  return object;
}

/** Joins pieces into one string (small documents, tests). */
export function joinPieces(pieces: Iterable<string>): string {
  let text = '';
  for (const piece of pieces) text += piece;
  return text;
}
