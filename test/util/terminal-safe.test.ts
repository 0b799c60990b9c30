import { afterEach, describe, expect, it } from 'vitest';
import { configureLog, log } from '../../src/util/log.js';
import { boundedLine, terminalSafe, terminalSafeData, terminalSafeJson, terminalSafeText, truncate } from '../../src/util/terminal-safe.js';

/** Anything a terminal could act on, raw. Line feeds and tabs are listed separately where they are allowed. */
// eslint-disable-next-line no-control-regex -- control characters are what must not get through
const RAW_UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const HOSTILE: [string, string, string][] = [
  ['CSI clear screen', 'web\u001b[2J', 'web\\u001b[2J'],
  ['OSC window title ended by BEL', 'a\u001b]0;pwned\u0007b', 'a\\u001b]0;pwned\\u0007b'],
  ['OSC 8 hyperlink ended by ST', '\u001b]8;;http://evil\u001b\\x\u001b]8;;\u001b\\', '\\u001b]8;;http://evil\\u001b\\x\\u001b]8;;\\u001b\\'],
  ['C1 CSI', 'x\u009b31m', 'x\\u009b31m'],
  ['C1 OSC', 'x\u009d0;t\u009c', 'x\\u009d0;t\\u009c'],
  ['DEL', 'a\u007fb', 'a\\u007fb'],
  ['NUL and backspace', 'a\u0000b\u0008c', 'a\\u0000b\\u0008c'],
  ['a carriage return that would overwrite the line', 'safe\rEVIL', 'safe\\u000dEVIL'],
  ['a right-to-left override', 'abc\u202Etxt.exe', 'abc\\u202etxt.exe'],
  ['an isolate', '\u2066x\u2069', '\\u2066x\\u2069'],
  ['a line separator', 'a\u2028b', 'a\\u2028b'],
];

describe('terminalSafe (one line)', () => {
  it.each(HOSTILE)('%s is escaped visibly', (_name, input, shown) => {
    expect(terminalSafe(input)).toBe(shown);
    expect(terminalSafe(input)).not.toMatch(RAW_UNSAFE);
  });

  it('escapes line feeds and tabs too: an error is one line', () => {
    expect(terminalSafe('a\nb\tc\r\nd')).toBe('a\\u000ab\\u0009c\\u000d\\u000ad');
  });

  it('leaves ordinary text, non-ASCII letters and emoji alone', () => {
    const text = 'sg-web (生产 web) — ümlaut 🔥 tcp/22 from 0.0.0.0/0';
    expect(terminalSafe(text)).toBe(text);
  });

  it('is idempotent', () => {
    for (const [, input] of HOSTILE) expect(terminalSafe(terminalSafe(input))).toBe(terminalSafe(input));
  });
});

describe('terminalSafeText (lines of its own)', () => {
  it('keeps line feeds, tabs and CR LF, escapes the rest', () => {
    expect(terminalSafeText('a\tb\nc\r\nd\re\u001b[1m')).toBe('a\tb\nc\r\nd\\u000de\\u001b[1m');
  });
});

describe('terminalSafeJson', () => {
  it('escapes what JSON.stringify leaves raw and stays the same JSON value', () => {
    const value = { name: 'x\u009b31m\u007f\u202e\u2028', esc: '\u001b[2J' };
    const json = JSON.stringify(value);
    const safe = terminalSafeJson(json);
    expect(safe).not.toMatch(RAW_UNSAFE);
    expect(JSON.parse(safe)).toEqual(value);
  });
});

describe('terminalSafeData', () => {
  it('makes every string of plain data one line, keeping the shape', () => {
    const data = { a: 'x\ny', list: ['\u001b[2J', 3, null, { deep: '\u009b' }], n: 1, flag: true };
    expect(terminalSafeData(data)).toEqual({ a: 'x\\u000ay', list: ['\\u001b[2J', 3, null, { deep: '\\u009b' }], n: 1, flag: true });
  });
});

describe('bounded lines', () => {
  it('cuts a long message and says how much was left out', () => {
    const line = boundedLine('x'.repeat(5000), 100);
    expect(line).toBe(`${'x'.repeat(100)}… (4900 more characters)`);
  });

  it('never cuts an escape or a surrogate pair in half', () => {
    const escaped = boundedLine(`${'x'.repeat(97)}\u001b[2J`, 100);
    expect(escaped).toBe(`${'x'.repeat(97)}… (9 more characters)`);
    const emoji = truncate(`${'x'.repeat(99)}🔥🔥`, 100);
    expect(emoji).toBe(`${'x'.repeat(99)}… (4 more characters)`);
  });
});

describe('the logger', () => {
  afterEach(() => configureLog({ level: 'normal', format: 'text', sink: (line) => process.stderr.write(`${line}\n`) }));

  function capture(format: 'text' | 'json'): string[] {
    const lines: string[] = [];
    configureLog({ format, sink: (line) => lines.push(line) });
    return lines;
  }

  it('writes errors and warnings as one safe line, however many lines the message has', () => {
    const lines = capture('text');
    log.error('snap.json: not valid JSON (Unexpected token \u001b]0;pwned\u0007\nsecond line)');
    log.warn('cn-hangzhou: SDK said \u009b2J\r\nagain', { code: 'Throttling\u001b[5m' });
    expect(lines).toEqual(['error: snap.json: not valid JSON (Unexpected token \\u001b]0;pwned\\u0007\\u000asecond line)', 'warn: cn-hangzhou: SDK said \\u009b2J\\u000d\\u000aagain code=Throttling\\u001b[5m']);
  });

  it('cuts errors that quote a whole file', () => {
    const lines = capture('text');
    log.error(`junk.json: ${'\u001b'.repeat(100_000)}`);
    expect(lines).toHaveLength(1);
    expect(lines[0]?.length).toBeLessThan(1100);
    expect(lines[0]).toMatch(/… \(\d+ more characters\)$/);
  });

  it('keeps the lines of an informational summary, each one safe', () => {
    const lines = capture('text');
    log.info('3 open findings\n  critical sg-1 (\u001b[2Jweb)');
    expect(lines).toEqual(['3 open findings', '  critical sg-1 (\\u001b[2Jweb)']);
  });

  it('prints the details of an error each on a line of their own', () => {
    const lines = capture('text');
    log.errorWithDetails('bad.yaml: 2 problems', ['schedule.cron: invalid cron expression "a\nb"', 'x: \u001b[31m']);
    expect(lines).toEqual(['error: bad.yaml: 2 problems', '  schedule.cron: invalid cron expression "a\\u000ab"', '  x: \\u001b[31m']);
  });

  it('keeps JSON logs one valid record per line, C1 and bidi controls escaped', () => {
    const lines = capture('json');
    log.error('a\u009b31m\u202e\nb', { field: '\u007f' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(RAW_UNSAFE);
    expect(lines[0]).not.toContain('\n');
    expect(JSON.parse(lines[0] as string)).toMatchObject({ level: 'error', message: 'a\u009b31m\u202e\nb', field: '\u007f' });
  });
});
