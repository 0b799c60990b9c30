import type { CredentialsProvider } from '@alicloud/credentials';
import type { TemporaryCredentials } from './clients.js';

/**
 * STS session credentials that renew themselves: a CredentialsProvider (the @alicloud/credentials
 * interface) the SDK asks before signing every request. A scan of a large account under
 * throttling can outlive a session (one hour by default), and a session used as fixed keys would
 * fail halfway; this one is replaced before it expires.
 *
 * - At `refreshAt` (default 80 %) of the lifetime STS announced (its Expiration, not the duration
 *   asked for: a role's maximum may be shorter), the next request triggers one AssumeRole in the
 *   background and is signed with the current session meanwhile, so nothing waits and nothing in
 *   flight is dropped; a session is only awaited when the current one is about to expire.
 * - One renewal at a time, however many requests ask (single flight).
 * - A failed renewal keeps the current session while it is valid and tries again later; only a
 *   session that has run out makes requests fail.
 * - `renew` replaces a session on demand: a request answered "security token expired" (a clock
 *   behind STS's, a session revoked early) gets fresh credentials and is tried once more.
 *
 * The credentials library's own RAMRoleARN provider is not used: it always calls the public STS
 * endpoint over HTTPS with the old signature (so it ignores --endpoint), and renews only in the
 * last 15 minutes of a session, which a short-lived session never leaves.
 */
export interface SessionOptions {
  /** Share of the lifetime after which a session is renewed (default 0.8). */
  refreshAt?: number;
  /** Lifetime assumed when STS announces no Expiration (the DurationSeconds asked for). */
  fallbackLifetimeMs: number;
  /** Milliseconds since the epoch (tests pass a fake clock). */
  now?: () => number;
  /** Told each new session, e.g. to register its secrets for redaction. */
  onSession?: (credentials: TemporaryCredentials) => void;
  /** Told a renewal that failed while the current session was still valid. */
  onRenewalFailed?: (error: unknown) => void;
}

interface Session {
  credentials: TemporaryCredentials;
  generation: number;
  refreshAt: number;
  /** When requests must stop using it: the announced expiry less a small margin. */
  usableUntil: number;
}

/** Requests signed this close to expiry may arrive after it. */
const EXPIRY_MARGIN_MS = 1_000;
/** After a failed renewal, how soon to try again (capped by the session's remaining life). */
const RETRY_RENEWAL_MS = 5_000;

export class RefreshingCredentials implements CredentialsProvider {
  private session: Session | undefined;
  private pending: Promise<Session> | undefined;
  private generations = 0;
  private readonly refreshShare: number;
  private readonly now: () => number;

  constructor(
    private readonly assume: () => Promise<TemporaryCredentials>,
    private readonly options: SessionOptions,
  ) {
    this.refreshShare = options.refreshAt ?? 0.8;
    if (!(this.refreshShare > 0 && this.refreshShare < 1)) throw new Error(`refreshAt must be between 0 and 1, got ${this.refreshShare}`);
    this.now = options.now ?? Date.now;
  }

  /** Sessions obtained so far (the first one included). */
  get sessions(): number {
    return this.generations;
  }

  /** Which session requests are signed with now; `renew` compares against it. */
  get generation(): number {
    return this.session?.generation ?? 0;
  }

  /** Obtain the first session now: an account whose role cannot be assumed fails here, once. */
  async start(): Promise<void> {
    await this.current();
  }

  getProviderName(): string {
    return 'sgaudit_assume_role';
  }

  async getCredentials() {
    const { credentials } = await this.current();
    return {
      accessKeyId: credentials.accessKeyId,
      accessKeySecret: credentials.accessKeySecret,
      securityToken: credentials.securityToken ?? '',
      providerName: this.getProviderName(),
    };
  }

  /**
   * A request signed with session `seenGeneration` was refused as expired: make sure a newer session
   * is in use. True when requests may be retried with one (already renewed by someone else, or now).
   */
  async renew(seenGeneration: number): Promise<boolean> {
    if (this.session && this.session.generation > seenGeneration) return true;
    try {
      await this.refresh();
      return true;
    } catch {
      return false;
    }
  }

  private async current(): Promise<Session> {
    const session = this.session;
    const now = this.now();
    if (session && now < session.refreshAt) return session;
    if (session && now < session.usableUntil) {
      // Renew in the background; this request goes out with the session it has.
      if (this.pending) return session;
      this.refresh().catch((error: unknown) => {
        // The session stays in use while it lasts; try again a little later.
        if (this.session === session) session.refreshAt = Math.min(session.usableUntil, this.now() + RETRY_RENEWAL_MS);
        this.options.onRenewalFailed?.(error);
      });
      return session;
    }
    return this.refresh();
  }

  private refresh(): Promise<Session> {
    if (!this.pending) {
      this.pending = this.assumeNow().finally(() => {
        this.pending = undefined;
      });
    }
    return this.pending;
  }

  private async assumeNow(): Promise<Session> {
    const issuedAt = this.now();
    const credentials = await this.assume();
    const expiresAt = credentials.expiresAt ?? issuedAt + this.options.fallbackLifetimeMs;
    // Measured from when it was asked for: a slow answer shortens the session, never lengthens it.
    const lifetime = Math.max(0, expiresAt - issuedAt);
    this.generations += 1;
    const session: Session = {
      credentials,
      generation: this.generations,
      refreshAt: issuedAt + lifetime * this.refreshShare,
      usableUntil: Math.max(issuedAt, expiresAt - Math.min(EXPIRY_MARGIN_MS, lifetime * (1 - this.refreshShare) * 0.5)),
    };
    this.options.onSession?.(credentials);
    this.session = session;
    return session;
  }
}
