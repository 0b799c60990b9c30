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
  private adjustedAt = Number.NEGATIVE_INFINITY;

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

  /**
   * `sentAt` is when the throttled request left. Only a request sent under the current pacing
   * may slow it further: a herd sent before the first throttle must not compound the interval.
   */
  onThrottle(retryAfterMs: number | undefined, sentAt: number = this.now()): void {
    if (retryAfterMs !== undefined) this.nextStartAt = Math.max(this.nextStartAt, this.now() + Math.min(retryAfterMs, this.maxIntervalMs));
    if (sentAt < this.adjustedAt) return;
    // A retry-after from a rate limiter is the time to its next token: a first estimate. The
    // slow-down per throttle is small on purpose: a throttled call costs one cheap round trip,
    // while pacing below the limit loses quota for good, so the pacer settles slightly above it.
    this.intervalMs = this.intervalMs === 0 ? Math.max(1, Math.min(retryAfterMs ?? 10, 1_000)) : Math.min(this.maxIntervalMs, this.intervalMs * 1.05);
    this.adjustedAt = this.now();
  }

  onSuccess(): void {
    if (this.intervalMs === 0) return;
    this.intervalMs *= 0.99;
    if (this.intervalMs < 0.2) this.intervalMs = 0;
  }

  get currentIntervalMs(): number {
    return this.intervalMs;
  }

  /** Whether starts are being spaced (the API has throttled us). */
  get pacing(): boolean {
    return this.intervalMs > 0;
  }
}
