import { log, logFormat, logLevel } from './log.js';
import { terminalSafe } from './terminal-safe.js';

/**
 * Progress of long work (collection) on stderr: a redrawn bar on a TTY; otherwise a plain line
 * every few seconds (schedulers and CI logs must not drown in carriage returns); with
 * `--log-format json`, the same lines as JSON log records and nothing else.
 *
 * Collection discovers its work as it goes (a listing's next page, the rules of each group listed),
 * so the total is only a lower bound until every source of pages has been read to its end: the
 * line then says `1,204 of ≥1,530 pages` and shows no percentage or ETA, which could only go back.
 * Once no source is open the total is exact (`79% — 1,204 of 1,530 pages`). Pages done never go
 * back, and neither does the percentage.
 */
export interface Progress {
  /** Pages (requests answered or given up on, retries not counted) now known to be needed. */
  grow(amount: number): void;
  /** Pages done; `scope` is where (an account/region, `sts`), `step` what (an API). */
  tick(amount?: number, scope?: string, step?: string): void;
  /** A request that will be sent again (throttled, 5xx, reset …). */
  retry(): void;
  /**
   * A source of pages not yet known opens (accounts or regions not listed yet, a listing still
   * paging): the total is shown as growing until every source is closed. Returns the closer
   * (calling it again does nothing). Open the next source before closing the one that revealed it.
   */
  discovering(): () => void;
  done(summary?: string): void;
}

export interface ProgressOptions {
  stream?: NodeJS.WriteStream;
  /** How often a line (or a redraw) may be written; default 100 ms on a TTY, 3 s (1 s with --verbose) otherwise. */
  intervalMs?: number;
  /** The clock, for tests. */
  now?: () => number;
}

const MAX_SCOPES_SHOWN = 4;

export function createProgress(title: string, options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  const now = options.now ?? Date.now;
  const silent = logLevel() === 'quiet';
  const json = logFormat() === 'json';
  const tty = Boolean(stream.isTTY) && !process.env.CI && !json;
  const interval = options.intervalMs ?? (tty ? 100 : logLevel() === 'verbose' || logLevel() === 'debug' ? 1000 : 3000);
  const started = now();
  let total = 0;
  let current = 0;
  let retries = 0;
  // Sources of pages still open: while any is, `total` is a lower bound.
  let open = 0;
  let shownPercent = 0;
  let last = started;
  let lastStep = '';
  const byScope = new Map<string, number>();
  const final = () => open === 0;
  const count = (value: number) => value.toLocaleString('en-US');

  /** Shown only for an exact total, and never lower than before. */
  const percent = (): number | undefined => {
    if (!final()) return undefined;
    const computed = total > 0 ? Math.min(99, Math.floor((current / total) * 100)) : 0;
    shownPercent = Math.max(shownPercent, computed);
    return shownPercent;
  };

  const etaSeconds = (at: number): number | undefined => {
    const elapsed = (at - started) / 1000;
    if (!final() || current === 0 || total <= current || elapsed < 2) return undefined;
    return Math.ceil(((total - current) * elapsed) / current);
  };

  /** `1,204 of ≥1,530 pages` while the total grows, `1,204 of 1,530 pages` once it is final. */
  const pages = (): string => `${count(current)} of ${final() ? '' : '≥'}${count(Math.max(total, current))} pages`;

  const scopes = (): string =>
    [...byScope]
      .sort((a, b) => b[1] - a[1])
      .slice(0, MAX_SCOPES_SHOWN)
      .map(([scope, count]) => `${scope} ${count}`)
      .join(', ') + (byScope.size > MAX_SCOPES_SHOWN ? `, +${byScope.size - MAX_SCOPES_SHOWN} more` : '');

  const render = (at: number) => {
    const pct = percent();
    const secs = ((at - started) / 1000).toFixed(1);
    const eta = etaSeconds(at);
    if (json) {
      log.info(`${title} progress`, {
        done: current,
        total,
        totalFinal: final(),
        ...(pct === undefined ? {} : { percent: pct }),
        retries,
        elapsedSeconds: Number(secs),
        ...(eta === undefined ? {} : { etaSeconds: eta }),
        scopes: Object.fromEntries(byScope),
      });
      return;
    }
    const facts = `${pages()}${retries ? `, ${count(retries)} retries` : ''}${eta === undefined ? '' : `, ETA ${eta}s`}`;
    if (tty) {
      const width = 24;
      const columns = stream.columns ?? 120;
      // No bar while the total grows: its fill would have to shrink.
      const bar = pct === undefined ? '' : `[${'#'.repeat(Math.round((pct / 100) * width))}${'-'.repeat(width - Math.round((pct / 100) * width))}] ${pct}% `;
      // Scope labels carry account aliases (config, Resource Directory): nothing in them may act on the terminal.
      stream.write(`\r${terminalSafe(`${title} ${bar}${facts} ${secs}s ${lastStep}`).slice(0, columns - 1).padEnd(Math.min(columns, 120) - 1)}`);
    } else {
      stream.write(`${terminalSafe(`${title}: ${pct === undefined ? '' : `${pct}% — `}${facts} after ${secs}s${byScope.size ? ` (${scopes()})` : ''}`)}\n`);
    }
  };

  const maybeRender = () => {
    if (silent) return;
    const at = now();
    if (at - last < interval) return;
    last = at;
    render(at);
  };

  return {
    grow(amount) {
      total += amount;
    },
    tick(amount = 1, scope, step) {
      current += amount;
      if (scope) byScope.set(scope, (byScope.get(scope) ?? 0) + amount);
      if (scope || step) lastStep = [scope, step].filter(Boolean).join(' ');
      maybeRender();
    },
    retry() {
      retries++;
    },
    discovering() {
      open++;
      let closed = false;
      return () => {
        if (closed) return;
        closed = true;
        open--;
      };
    },
    done(summary) {
      if (silent) return;
      const seconds = ((now() - started) / 1000).toFixed(1);
      const text = summary ?? `${pages()} done`;
      if (json) {
        log.info(`${title} done`, { done: current, total, retries, elapsedSeconds: Number(seconds) });
        return;
      }
      if (tty) stream.write('\r\x1b[K');
      stream.write(`${title}: ${text} in ${seconds}s\n`);
    },
  };
}
