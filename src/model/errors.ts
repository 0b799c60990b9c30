/**
 * The error hierarchy every stage throws. The CLI prints `headline` (one line; control characters
 * escaped, long ones cut), then each of `details` on a line of its own, plus `hint`, and
 * maps `exitCode` to the process exit status; the stack is shown only with --debug.
 */
export type ErrorCode =
  | 'USAGE'
  | 'CONFIG_INVALID'
  | 'FILE_NOT_FOUND'
  | 'SNAPSHOT_INVALID'
  | 'FINDINGS_INVALID'
  | 'COLLECTION_INCOMPLETE'
  | 'CLOUD_API'
  | 'RUNTIME';

/** Exit codes from DESIGN.md: 0 clean, 1 findings at/above --fail-on, 2 usage/config/input, 3 runtime/incomplete. */
export const EXIT = { OK: 0, FINDINGS: 1, USAGE: 2, RUNTIME: 3 } as const;

export class SgauditError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: number;
  readonly hint: string | undefined;
  /** The headline alone, without `details`: what the CLI prints as the error line. */
  readonly headline: string;
  /** One line each, printed below the headline (the problems of a config file); part of `message` too, indented. */
  readonly details: readonly string[];
  constructor(code: ErrorCode, message: string, options: { exitCode?: number; hint?: string; cause?: unknown; details?: readonly string[] } = {}) {
    const details = options.details ?? [];
    super([message, ...details.map((detail) => `  ${detail}`)].join('\n'), options.cause === undefined ? undefined : { cause: options.cause });
    this.headline = message;
    this.details = details;
    this.name = 'SgauditError';
    this.code = code;
    this.exitCode = options.exitCode ?? (code === 'RUNTIME' || code === 'CLOUD_API' || code === 'COLLECTION_INCOMPLETE' ? EXIT.RUNTIME : EXIT.USAGE);
    this.hint = options.hint;
  }
}

/**
 * What a file-system error code means for the user, when it is theirs to fix (a wrong path, a
 * directory, permissions): `is a directory, expected a file`. Undefined for any other code.
 */
export function fileProblem(code: string | undefined): string | undefined {
  return code === undefined ? undefined : FILE_PROBLEMS[code];
}

const FILE_PROBLEMS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a part of the path is a file, not a directory',
  EISDIR: 'is a directory, expected a file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
};

/** A file read from disk is not what it claims to be; always names the file (and line when known). */
export class FileFormatError extends SgauditError {
  readonly file: string;
  readonly line: number | undefined;
  constructor(code: 'SNAPSHOT_INVALID' | 'FINDINGS_INVALID' | 'CONFIG_INVALID', file: string, problem: string, line?: number, cause?: unknown) {
    super(code, `${file}${line === undefined ? '' : `:${line}`}: ${problem}`, { cause });
    this.file = file;
    this.line = line;
  }
}
