import { onAbort } from './abort.js';
import { abortError } from './retry.js';

/**
 * One request budget for a whole run: a token bucket of `rate` requests per second holding at most
 * `burst`, shared by every account, region and API, retries included. Sending through it keeps a
 * run over a hundred accounts at the rate one would allow a single client, instead of a hundred
 * times that. Waiters are served in arrival order, so no account starves another, and a waiter
 * that is aborted gives its place up.
 */
export class RequestBudget {
  private tokens: number;
  private updatedAt: number;
  private readonly queue: { resolve: () => void; reject: (error: unknown) => void; unsubscribe?: () => void }[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly rate: number,
    readonly burst: number = Math.max(1, rate),
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(rate > 0) || !Number.isFinite(rate)) throw new Error(`request rate must be a positive number, got ${rate}`);
    if (!(burst >= 1)) throw new Error(`request burst must be at least 1, got ${burst}`);
    this.tokens = burst;
    this.updatedAt = now();
  }

  /** Resolves when the caller may send one request. */
  take(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortError(signal));
    this.refill();
    if (this.queue.length === 0 && this.tokens >= 1) {
      this.tokens -= 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: (typeof this.queue)[number] = { resolve, reject };
      if (signal) {
        // One listener on the run's signal for every waiter (abort.ts), not one each.
        waiter.unsubscribe = onAbort(signal, () => {
          const index = this.queue.indexOf(waiter);
          if (index >= 0) this.queue.splice(index, 1);
          reject(abortError(signal));
        });
      }
      this.queue.push(waiter);
      this.schedule();
    });
  }

  /** Requests waiting for a token. */
  get waiting(): number {
    return this.queue.length;
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.updatedAt) / 1000) * this.rate);
    this.updatedAt = now;
  }

  private schedule(): void {
    if (this.timer !== undefined) return;
    this.refill();
    const wait = this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.rate) * 1000);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.release();
    }, wait);
  }

  private release(): void {
    this.refill();
    while (this.queue.length > 0 && this.tokens >= 1) {
      const waiter = this.queue.shift() as (typeof this.queue)[number];
      this.tokens -= 1;
      waiter.unsubscribe?.();
      waiter.resolve();
    }
    if (this.queue.length > 0) this.schedule();
  }
}
