import { logLevel } from './log.js';

/**
 * Progress on stderr: a redrawn bar on a TTY, otherwise a plain line at most every few seconds
 * (schedulers and CI logs must not drown in carriage returns).
 */
export interface Progress {
  /** Add to the total amount of work (work is discovered while paging). */
  grow(amount: number): void;
  tick(amount?: number, label?: string): void;
  done(summary?: string): void;
}

export function createProgress(title: string, options: { stream?: NodeJS.WriteStream; intervalMs?: number } = {}): Progress {
  const stream = options.stream ?? process.stderr;
  const silent = logLevel() === 'quiet';
  const tty = Boolean(stream.isTTY) && !process.env.CI;
  const interval = options.intervalMs ?? (tty ? 100 : 5000);
  let total = 0;
  let current = 0;
  let last = 0;
  let lastLabel = '';
  const started = Date.now();

  const render = (force: boolean) => {
    if (silent) return;
    const now = Date.now();
    if (!force && now - last < interval) return;
    last = now;
    const pct = total > 0 ? Math.min(100, Math.floor((current / total) * 100)) : 0;
    const secs = ((now - started) / 1000).toFixed(1);
    if (tty) {
      const width = 24;
      const filled = Math.round((pct / 100) * width);
      stream.write(`\r${title} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${pct}% ${current}/${total} ${secs}s ${lastLabel}`.slice(0, (stream.columns ?? 120) - 1).padEnd(Math.min(stream.columns ?? 120, 120) - 1));
    } else {
      stream.write(`${title}: ${current}/${total} (${pct}%) after ${secs}s${lastLabel ? ` — ${lastLabel}` : ''}\n`);
    }
  };

  return {
    grow(amount) {
      total += amount;
    },
    tick(amount = 1, label) {
      current += amount;
      if (label) lastLabel = label;
      render(false);
    },
    done(summary) {
      if (silent) return;
      if (tty) stream.write('\r\x1b[K');
      stream.write(`${title}: ${summary ?? `${current}/${total} done`} in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
    },
  };
}
