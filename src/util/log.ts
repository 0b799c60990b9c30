/**
 * Diagnostics go to stderr; results go to files or stdout. One logger for the whole process,
 * configured once by the CLI from --quiet/--verbose/--log-format.
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
  if (state.format === 'json') {
    state.sink(JSON.stringify({ time: new Date().toISOString(), level, message, ...fields }));
  } else {
    const suffix = fields && Object.keys(fields).length ? ` ${Object.entries(fields).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ')}` : '';
    state.sink(`${level === 'info' || level === 'verbose' ? '' : `${level}: `}${message}${suffix}`);
  }
}

export const log = {
  error: (message: string, fields?: Record<string, unknown>) => emit('error', message, fields),
  warn: (message: string, fields?: Record<string, unknown>) => emit('warn', message, fields),
  info: (message: string, fields?: Record<string, unknown>) => emit('info', message, fields),
  verbose: (message: string, fields?: Record<string, unknown>) => emit('verbose', message, fields),
  debug: (message: string, fields?: Record<string, unknown>) => emit('debug', message, fields),
};
