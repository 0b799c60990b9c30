/**
 * Adaptive pacing for one (account, region, API). Alibaba's limits are per account × region ×
 * API and unpublished, so the collector discovers them: unpaced until the first throttle, then
 * requests start at most once per `interval`, which grows on each throttle (multiplicative
 * decrease of the rate) and shrinks on each success (gradual increase). The server's token
 * bucket banks unused capacity, so hovering around the limit loses almost nothing, while a herd
 * of retries hammering an exhausted bucket (each burning an attempt) is avoided.
 */
export class Pacer {
  private intervalMs = 0;
  private nextStartAt = 0;

  constructor(
    private readonly now: () => number = () => performance.now(),
    private readonly maxIntervalMs = 5_000,
  ) {}

  /** Milliseconds to wait before the next request may start; reserves that start. */
  reserve(): number {
    if (this.intervalMs === 0) return 0;
    const now = this.now();
    const startAt = Math.max(now, this.nextStartAt);
    this.nextStartAt = startAt + this.intervalMs;
    return startAt - now;
  }

  onThrottle(retryAfterMs: number | undefined): void {
    // A retry-after from a rate limiter is the time to its next token: a good first estimate.
    this.intervalMs = this.intervalMs === 0 ? Math.max(1, Math.min(retryAfterMs ?? 10, 1_000)) : Math.min(this.maxIntervalMs, this.intervalMs * 1.25);
    if (retryAfterMs !== undefined) this.nextStartAt = Math.max(this.nextStartAt, this.now() + Math.min(retryAfterMs, this.maxIntervalMs));
  }

  onSuccess(): void {
    if (this.intervalMs === 0) return;
    this.intervalMs *= 0.97;
    if (this.intervalMs < 0.2) this.intervalMs = 0;
  }

  get currentIntervalMs(): number {
    return this.intervalMs;
  }
}
