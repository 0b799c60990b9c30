import { drawFor } from './random.js';
import type { FaultKind, FaultOptions } from './types.js';

export type RandomFault = Extract<FaultKind, 'throttle' | 'error5xx' | 'reset' | 'malformed' | 'hang'>;

/**
 * Decides the random faults. Each distinct request (same key, same params) is counted, and the
 * draw depends on (seed, request, attempt): reproducible under any interleaving, and a retry of
 * a failed request gets a new draw.
 */
export class FaultInjector {
  private readonly attempts = new Map<string, number>();
  private readonly actions: Set<string> | undefined;

  constructor(
    private readonly options: FaultOptions,
    private readonly seed: number,
  ) {
    this.actions = options.actions ? new Set(options.actions) : undefined;
  }

  /** One draw per request, split into the configured shares. */
  decide(action: string, requestKey: string): { fault: RandomFault | undefined; draw: number } {
    const attempt = (this.attempts.get(requestKey) ?? 0) + 1;
    this.attempts.set(requestKey, attempt);
    if (this.actions && !this.actions.has(action)) return { fault: undefined, draw: 0 };
    const draw = drawFor(this.seed, `${requestKey}#${attempt}`);
    const shares: [RandomFault, number | undefined][] = [
      ['throttle', this.options.throttleRate],
      ['error5xx', this.options.errorRate],
      ['reset', this.options.resetRate],
      ['malformed', this.options.malformedRate],
      ['hang', this.options.hangRate],
    ];
    let threshold = 0;
    for (const [fault, share] of shares) {
      threshold += share ?? 0;
      if (draw < threshold) return { fault, draw: (threshold - draw) / (share ?? 1) };
    }
    return { fault: undefined, draw };
  }

  shouldHang(seq: number): boolean {
    return this.options.hangRequests?.includes(seq) ?? false;
  }
}

/**
 * Regions that turn Forbidden mid-run (`forbidRegionsAfter`): counts each region's ECS/VPC
 * requests and answers whether this one falls on or after the flip.
 */
export class RegionFlips {
  private readonly seen = new Map<string, number>();

  constructor(private readonly after: Record<string, number> = {}) {}

  forbidden(regionId: string): boolean {
    const flipAt = this.after[regionId];
    if (flipAt === undefined) return false;
    const nth = (this.seen.get(regionId) ?? 0) + 1;
    this.seen.set(regionId, nth);
    return nth >= flipAt;
  }
}

/**
 * Token buckets per account × region × API. Real limits are per time window and unpublished;
 * a bucket refilled at `rate` per second with `burst` capacity is the usual model.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; updated: number }>();
  private readonly burst: number;

  constructor(
    private readonly rate: number,
    burst?: number,
  ) {
    this.burst = Math.max(1, burst ?? rate);
  }

  /** 0 when the request may pass, else the milliseconds until a token is free. */
  take(key: string, now: number): number {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: this.burst, updated: now };
      this.buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.updated) / 1000) * this.rate);
    bucket.updated = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil(((1 - bucket.tokens) / this.rate) * 1000));
  }
}
