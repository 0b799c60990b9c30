import { constants } from 'node:buffer';
import { readFile, stat } from 'node:fs/promises';
import type { z } from 'zod';
import { FINDINGS_SCHEMA, Finding, FindingsDocument } from '../model/findings.js';
import { FileFormatError, SgauditError } from '../model/errors.js';
import { explainWrongKind } from '../model/file-kind.js';
import { schemaOrderedCopy } from './schema-order.js';

function issuePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)), '');
}

/**
 * Reads and validates a findings document (sgaudit/findings@1). Every failure is one line naming
 * the file: missing, not JSON, a foreign document, or the first schema problem with its path.
 */
export async function readFindingsDocument(path: string): Promise<FindingsDocument> {
  let text: string;
  try {
    // One JSON text is one string, and V8 caps strings at ~512 MB (a findings file of ~250,000
    // instances is twice that): say so, and what to do, rather than fail inside the read.
    const { size } = await stat(path);
    if (size > constants.MAX_STRING_LENGTH) {
      throw new SgauditError('USAGE', `${path}: findings file of ${(size / 2 ** 20).toFixed(0)} MB is larger than one JSON document sgaudit can read (${(constants.MAX_STRING_LENGTH / 2 ** 20).toFixed(0)} MB)`, {
        hint: 'render the reports in the run that analyzes (sgaudit scan --format html,md,csv,sarif), or scan fewer accounts or regions per run (sgaudit scan --regions …, --accounts …)',
      });
    }
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof SgauditError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new SgauditError('FILE_NOT_FOUND', `${path}: no such findings file`, { cause: error });
    if (code === 'EISDIR') throw new SgauditError('USAGE', `${path}: is a directory, expected a findings JSON file`, { cause: error });
    throw new SgauditError('RUNTIME', `${path}: cannot read findings file (${code ?? String(error)})`, { cause: error });
  }
  try {
    return parseFindingsDocument(path, text);
  } catch (error) {
    throw await explainWrongKind(error, path, 'findings');
  }
}

export function parseFindingsDocument(path: string, text: string): FindingsDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    const problem = text.trim() === '' ? 'empty file, expected a findings JSON document' : `not valid JSON (${(error as Error).message.replace(/\s+/g, ' ')}); truncated or not a findings file?`;
    throw new FileFormatError('FINDINGS_INVALID', path, problem, undefined, error);
  }
  const schema = raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>)['schema'] : undefined;
  if (schema !== FINDINGS_SCHEMA) {
    const found = typeof schema === 'string' ? `schema "${schema}"` : 'no "schema" field';
    throw new FileFormatError('FINDINGS_INVALID', path, `not an sgaudit findings document (${found}, expected "${FINDINGS_SCHEMA}")`);
  }
  // The header goes through zod; the findings are checked one by one by the schema-ordered copy,
  // which is what zod would return for them and ~0.3 s faster for the 118,000 findings of a 50k
  // estate (zod only for the shapes the copy does not know, with their path in the error).
  const document = raw as Record<string, unknown>;
  const findings = document['findings'];
  const parsed = FindingsDocument.safeParse(Array.isArray(findings) ? { ...document, findings: [] } : document);
  if (!parsed.success) throw invalid(path, parsed.error);
  const list = findings as unknown[];
  for (let i = 0; i < list.length; i++) {
    const copy = schemaOrderedCopy(list[i]);
    if (copy) {
      list[i] = copy;
      continue;
    }
    const one = Finding.safeParse(list[i]);
    if (!one.success) throw invalid(path, one.error, ['findings', i]);
    list[i] = one.data;
  }
  parsed.data.findings = list as Finding[];
  return parsed.data;
}

/** The first schema problem with its path (under `prefix`, for a finding validated on its own). */
function invalid(path: string, error: z.ZodError, prefix: readonly PropertyKey[] = []): FileFormatError {
  const issues = error.issues;
  const first = issues[0];
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problems)` : '';
  return new FileFormatError('FINDINGS_INVALID', path, `${first ? `${issuePath([...prefix, ...first.path]) || '(document)'}: ${first.message}` : 'invalid findings document'}${more}`, undefined, error);
}
