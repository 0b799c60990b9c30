import type { z } from 'zod';
import { FileFormatError } from '../model/errors.js';

function issuePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)), '');
}

/**
 * A findings file's first schema problem, with its path (under `prefix`, for a part validated on
 * its own) and the line when the file has lines: `findings.jsonl.gz:7: finding.severity: …`.
 */
export function findingsInvalid(path: string, error: z.ZodError, options: { prefix?: readonly PropertyKey[]; line?: number; what?: string } = {}): FileFormatError {
  const issues = error.issues;
  const first = issues[0];
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problems)` : '';
  const where = first ? issuePath([...(options.prefix ?? []), ...first.path]) || (options.line === undefined ? '(document)' : '(line)') : undefined;
  const problem = first ? `${where}: ${first.message}` : 'invalid findings document';
  return new FileFormatError('FINDINGS_INVALID', path, `${options.what ?? ''}${problem}${more}`, options.line, error);
}
