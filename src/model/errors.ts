/**
 * The error hierarchy every stage throws. The CLI prints `message` (one line) plus `hint`, and
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
  constructor(code: ErrorCode, message: string, options: { exitCode?: number; hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SgauditError';
    this.code = code;
    this.exitCode = options.exitCode ?? (code === 'RUNTIME' || code === 'CLOUD_API' || code === 'COLLECTION_INCOMPLETE' ? EXIT.RUNTIME : EXIT.USAGE);
    this.hint = options.hint;
  }
}

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
