import { readFile } from 'node:fs/promises';
import { FileFormatError, SgauditError, fileProblem } from '../model/errors.js';
import { notJsonAtStart } from '../model/file-kind.js';
import { Estate } from '../model/snapshot.js';

/** Reads an estate JSON file; every problem names the file and the path inside it. */
export async function loadEstateFile(file: string): Promise<Estate> {
  // Junk is refused from its first bytes, not after reading it whole.
  const notJson = await notJsonAtStart(file);
  if (notJson) throw new FileFormatError('CONFIG_INVALID', file, notJson);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SgauditError(code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'USAGE', `${file}: cannot read estate file (${fileProblem(code) ?? code ?? String(error)})`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new FileFormatError('CONFIG_INVALID', file, `not valid JSON (${(error as Error).message})`, undefined, error);
  }
  const parsed = Estate.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 5).map((issue) => `${formatPath(issue.path) || '(root)'}: ${issue.message}`);
    const more = parsed.error.issues.length > 5 ? ` (+${parsed.error.issues.length - 5} more)` : '';
    throw new FileFormatError('CONFIG_INVALID', file, `not an sgaudit estate: ${problems.join('; ')}${more}`);
  }
  return parsed.data;
}

/** zod path → `accounts[0].regions[1].securityGroups[3].rules[0].priority`. */
function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, segment) => (typeof segment === 'number' ? `${text}[${segment}]` : text ? `${text}.${String(segment)}` : String(segment)), '');
}
