import { log, logFormat, logLevel } from './log.js';
import { terminalSafe } from './terminal-safe.js';

/**
 * Progress of long work (collection) on stderr: a redrawn bar on a TTY; otherwise a plain line
 * every few seconds (schedulers and CI logs must not drown in carriage returns); with
 * `--log-format json`, the same lines as JSON log records and nothing else.
 */
export interface Progress {
  /** Add to the total amount of work (work is discovered while paging). */
  grow(amount: number): void;
  /** Work done; `scope` is where (an account/region, `sts`), `step` what (an API). */
  tick(amount?: number, scope?: string, step?: string): void;
  /** A request that will be sent again (throttled, 5xx, reset …). */
  retry(): void;
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
  // The total grows as pages are discovered: the shown percentage never goes back, and an ETA is
  // only given once the total has held still for a while.
  let shownPercent = 0;
  let totalChangedAt = started;
  let last = started;
  let lastStep = '';
  const byScope = new Map<string, number>();

  const percent = (): number => {
    const computed = total > 0 ? Math.min(99, Math.floor((current / total) * 100)) : 0;
    shownPercent = Math.max(shownPercent, computed);
    return shownPercent;
  };

  const etaSeconds = (at: number): number | undefined => {
    const elapsed = (at - started) / 1000;
    if (current === 0 || total <= current || elapsed < 2 || at - totalChangedAt < 2000) return undefined;
    return Math.ceil(((total - current) * elapsed) / current);
  };

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
      log.info(`${title} progress`, { done: current, total, percent: pct, retries, elapsedSeconds: Number(secs), ...(eta === undefined ? {} : { etaSeconds: eta }), scopes: Object.fromEntries(byScope) });
      return;
    }
    const facts = `${current}/${total} requests${retries ? `, ${retries} retries` : ''}${eta === undefined ? '' : `, ETA ${eta}s`}`;
    if (tty) {
      const width = 24;
      const filled = Math.round((pct / 100) * width);
      const columns = stream.columns ?? 120;
      // Scope labels carry account aliases (config, Resource Directory): nothing in them may act on the terminal.
      stream.write(`\r${terminalSafe(`${title} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${pct}% ${facts} ${secs}s ${lastStep}`).slice(0, columns - 1).padEnd(Math.min(columns, 120) - 1)}`);
    } else {
      stream.write(`${terminalSafe(`${title}: ${pct}% — ${facts} after ${secs}s${byScope.size ? ` (${scopes()})` : ''}`)}\n`);
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
      totalChangedAt = now();
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
    done(summary) {
      if (silent) return;
      const seconds = ((now() - started) / 1000).toFixed(1);
      const text = summary ?? `${current}/${total} done`;
      if (json) {
        log.info(`${title} done`, { done: current, total, retries, elapsedSeconds: Number(seconds) });
        return;
      }
      if (tty) stream.write('\r\x1b[K');
      stream.write(`${title}: ${text} in ${seconds}s\n`);
    },
  };
}
