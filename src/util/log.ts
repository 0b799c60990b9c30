import { boundedLine, terminalSafe, terminalSafeJson, truncate } from './terminal-safe.js';

/**
 * Diagnostics go to stderr; results go to files or stdout. One logger for the whole process,
 * configured once by the CLI from --quiet/--verbose/--log-format.
 *
 * Every record is one line, whatever its message and fields hold: text from the cloud or a file
 * (names, SDK messages, quoted file contents) has its control characters escaped (terminal-safe.ts),
 * and errors and warnings are cut at MAX_MESSAGE_CHARS.
 */
export type LogLevel = 'quiet' | 'normal' | 'verbose' | 'debug';
export type LogFormat = 'text' | 'json';

const state: { level: LogLevel; format: LogFormat; sink: (line: string) => void } = {
  level: 'normal',
  format: 'text',
  sink: (line) => process.stderr.write(`${line}\n`),
};

export function configureLog(options: Partial<Omit<typeof state, 'sink'>> & { sink?: (line: string) => void }): void {
  Object.assign(state, Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)));
}

export function logLevel(): LogLevel {
  return state.level;
}

export function logFormat(): LogFormat {
  return state.format;
}

const RANK: Record<LogLevel, number> = { quiet: 0, normal: 1, verbose: 2, debug: 3 };

function emit(level: 'error' | 'warn' | 'info' | 'verbose' | 'debug', message: string, fields?: Record<string, unknown>): void {
  const needed = level === 'error' ? 0 : level === 'warn' || level === 'info' ? 1 : level === 'verbose' ? 2 : 3;
  if (RANK[state.level] < needed) return;
  const oneLine = level === 'error' || level === 'warn';
  if (state.format === 'json') {
    // JSON escapes what it must; DEL, C1 and bidi controls are escaped on top (still valid JSON).
    const shown = oneLine ? truncate(message) : message;
    state.sink(terminalSafeJson(JSON.stringify({ time: new Date().toISOString(), level, message: shown, ...fields })));
  } else {
    const shown = oneLine ? boundedLine(message) : message;
    const suffix = fields && Object.keys(fields).length ? ` ${Object.entries(fields).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ')}` : '';
    const prefix = level === 'info' || level === 'verbose' ? '' : `${level}: `;
    // Errors and warnings are one line; information may have lines of its own (a summary), each made safe.
    const lines = oneLine ? [`${shown}${suffix}`] : `${shown}${suffix}`.split(/\r?\n/);
    for (const line of lines) state.sink(terminalSafe(`${prefix}${line}`));
  }
}

export const log = {
  error: (message: string, fields?: Record<string, unknown>) => emit('error', message, fields),
  /**
   * An error with lines under it (the problems of a config file): in text, `error: headline` and
   * each detail indented on a line of its own, every one made safe; in JSON, one record.
   */
  errorWithDetails: (headline: string, details: readonly string[]) => {
    if (details.length === 0 || state.format === 'json') return emit('error', [headline, ...details.map((detail) => `  ${detail}`)].join('\n'));
    emit('error', headline);
    for (const detail of details) state.sink(`  ${boundedLine(detail)}`);
  },
  warn: (message: string, fields?: Record<string, unknown>) => emit('warn', message, fields),
  info: (message: string, fields?: Record<string, unknown>) => emit('info', message, fields),
  verbose: (message: string, fields?: Record<string, unknown>) => emit('verbose', message, fields),
  debug: (message: string, fields?: Record<string, unknown>) => emit('debug', message, fields),
};
