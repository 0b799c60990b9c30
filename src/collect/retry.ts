import { onAbort } from './abort.js';

/**
 * Classification and retry of cloud API failures. Neither cloud's SDK retries by itself, so the
 * collector does: throttling (Alibaba's `Throttling*` codes, which ECS mostly sends with HTTP 400;
 * HTTP 429 from Huawei's gateway), 5xx, timeouts, connection resets and non-JSON bodies (a
 * gateway's HTML page surfaces as a SyntaxError) are transient; authentication and permission
 * errors never are. Huawei's SDK throws `ServiceResponseException`s carrying `httpStatusCode`,
 * `errorCode`, `errorMsg` and `requestId`, read here like Alibaba's fields.
 */

export interface ApiFailure {
  code: string;
  message: string;
  requestId?: string;
  statusCode?: number;
  /** Worth another attempt. */
  retryable: boolean;
  /** An authentication or permission refusal: coverage `denied`, never retried. */
  denied: boolean;
  /** Server-advised wait (x-acs-retry-after, in milliseconds as the SDK reads it). */
  retryAfterMs?: number;
}

// EntityNotExist.Role: the role to assume is missing in that account, which keeps sgaudit out as surely as a refusal.
const DENIED_CODE = /^(Forbidden|NoPermission|InvalidAccessKeyId|InvalidAccessKeySecret|SignatureDoesNotMatch|IncompleteSignature|InvalidSecurityToken|SecurityTokenExpired|AccessDenied|Unauthorized|UnauthorizedOperation|NotAuthorized|InvalidCredentials|EntityNotExist\.Role)/i;
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_SOCKET']);

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  statusCode?: unknown;
  message?: unknown;
  requestId?: unknown;
  retryAfter?: unknown;
  data?: { RequestId?: unknown; Code?: unknown; Message?: unknown } | null;
  /** Huawei SDK exceptions. */
  httpStatusCode?: unknown;
  errorCode?: unknown;
  errorMsg?: unknown;
}

function statusOf(shape: SdkErrorShape): number | undefined {
  if (typeof shape.statusCode === 'number') return shape.statusCode;
  const huawei = typeof shape.httpStatusCode === 'string' ? Number(shape.httpStatusCode) : shape.httpStatusCode;
  return typeof huawei === 'number' && Number.isInteger(huawei) ? huawei : undefined;
}

function stringField(value: unknown): string | undefined {
  // The SDK builds some fields with template strings, so a missing value arrives as "undefined".
  if (typeof value !== 'string' || value === '' || value === 'undefined' || value === 'null') return undefined;
  return value;
}

/**
 * The SDK appends `POST https://host/ failed.` to the network error without a space
 * (`getaddrinfo ENOTFOUND ecs.cn-hangzhou.aliyuncs.comPOST https://…`): set it apart.
 */
function readableMessage(raw: string): string {
  const flat = raw.replace(/\s+/g, ' ').trim();
  return flat.replace(/(\S)((?:GET|POST|PUT|DELETE|HEAD) https?:\/\/\S+ failed\.?)$/, '$1 ($2)').slice(0, 500);
}

/** What to do about the network failures a newcomer meets first, in their words. */
const NETWORK_HINTS: [RegExp, string][] = [
  [/wrong version number|EPROTO/i, 'the endpoint does not speak HTTPS; for the emulator or a plain-HTTP proxy give --endpoint http://host:port'],
  [/ENOTFOUND|EAI_AGAIN/, 'the host name does not resolve: check --endpoint and the region id, and that this machine reaches the Alibaba Cloud API (DNS, proxy)'],
  [/ECONNREFUSED/, 'nothing listens at that address: is the emulator or proxy running, and is --endpoint right?'],
];

function withHint(message: string, code: string | undefined): string {
  for (const [pattern, hint] of NETWORK_HINTS) if (pattern.test(message) || (code !== undefined && pattern.test(code))) return `${message} — hint: ${hint}`;
  return message;
}

export function classifyError(error: unknown): ApiFailure {
  // Already classified (a call made on the way, e.g. renewing an STS session while signing).
  if (error instanceof ApiCallError) return error.failure;
  const shape: SdkErrorShape = typeof error === 'object' && error !== null ? (error as SdkErrorShape) : { message: String(error) };
  const name = stringField(shape.name) ?? '';
  const rawMessage = stringField(shape.data?.Message) ?? stringField(shape.errorMsg) ?? stringField(shape.message) ?? String(error);
  const message = withHint(readableMessage(rawMessage), stringField(shape.code));
  const statusCode = statusOf(shape);
  const requestId = stringField(shape.data?.RequestId) ?? stringField(shape.requestId);
  const retryAfterMs = typeof shape.retryAfter === 'number' && Number.isFinite(shape.retryAfter) && shape.retryAfter >= 0 ? shape.retryAfter : undefined;
  const base = { message, ...(requestId ? { requestId } : {}), ...(statusCode === undefined ? {} : { statusCode }), ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };

  const code = stringField(shape.data?.Code) ?? stringField(shape.errorCode) ?? stringField(shape.code);
  if (error instanceof SyntaxError || name === 'SyntaxError') {
    return { ...base, code: 'InvalidResponseBody', retryable: true, denied: false };
  }
  // axios (under the Huawei SDK) says "timeout of 35000ms exceeded".
  if (name === 'RequestTimeoutError' || /^(Read|Connect)Timeout/.test(message) || /^timeout of \d+ms exceeded/.test(message)) {
    return { ...base, code: 'RequestTimeout', retryable: true, denied: false };
  }
  if (code !== undefined && NETWORK_CODES.has(code)) return { ...base, code, retryable: true, denied: false };
  if (/socket hang up|ECONNRESET/i.test(message)) return { ...base, code: code ?? 'ECONNRESET', retryable: true, denied: false };
  if (code !== undefined && code.includes('Throttling')) return { ...base, code, retryable: true, denied: false };
  if (statusCode === 429) return { ...base, code: code ?? 'HTTP429', retryable: true, denied: false };
  if ((code !== undefined && DENIED_CODE.test(code)) || statusCode === 401 || statusCode === 403) {
    return { ...base, code: code ?? `HTTP${statusCode}`, retryable: false, denied: true };
  }
  if (statusCode !== undefined && statusCode >= 500) return { ...base, code: code ?? `HTTP${statusCode}`, retryable: true, denied: false };
  if (code === 'ServiceUnavailable' || code === 'InternalError') return { ...base, code, retryable: true, denied: false };
  // A response whose shape does not fit the SDK's model ("type of X is mismatch") will not fix itself.
  if (/is mismatch/.test(message)) return { ...base, code: 'MalformedResponse', retryable: false, denied: false };
  return { ...base, code: code ?? (name || 'Error'), retryable: false, denied: false };
}

export interface RetryPolicy {
  /** Attempts for failures other than throttling. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * Throttling is the server pacing us, not a failure of the request: it gets its own, larger
   * budget (default 4 × maxAttempts) so a busy API slows collection down instead of losing data.
   */
  maxThrottledAttempts?: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 200, maxDelayMs: 20_000 };

/**
 * Exponential backoff with full jitter. A server-advised wait (retry-after) replaces the guess,
 * plus a small jitter so retries that were told the same time do not arrive together; either
 * way the wait stays within maxDelayMs.
 */
export function backoffDelay(policy: RetryPolicy, attempt: number, failure: ApiFailure, random: () => number = Math.random): number {
  if (failure.retryAfterMs !== undefined) {
    return Math.min(policy.maxDelayMs, Math.floor(failure.retryAfterMs + random() * Math.min(policy.baseDelayMs, Math.max(1, failure.retryAfterMs))));
  }
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

export class ApiCallError extends Error {
  constructor(
    readonly failure: ApiFailure,
    readonly attempts: number,
    options?: { cause?: unknown },
  ) {
    super(`${failure.code}: ${failure.message}`, options);
    this.name = 'ApiCallError';
  }
}

export function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : Object.assign(new Error('collection aborted'), { name: 'AbortError' });
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const timer = setTimeout(() => {
      unsubscribe?.();
      resolve();
    }, ms);
    // Through the fan-out: one listener on the shared signal however many sleeps are pending.
    const unsubscribe = signal
      ? onAbort(signal, () => {
          clearTimeout(timer);
          reject(abortError(signal));
        })
      : undefined;
  });
}

export interface RetryHooks {
  signal?: AbortSignal;
  random?: () => number;
  /** Called before every attempt (attempt numbers start at 1). */
  onAttempt?: (attempt: number) => void;
  onRetry?: (failure: ApiFailure, attempt: number, delayMs: number) => void;
  /** Overrides the backoff for a failure (e.g. 0 when a pacer already spaces the retry). */
  delayFor?: (failure: ApiFailure) => number | undefined;
  /**
   * Offered a failure that is not retryable (an expired security token); resolving true means the
   * cause was dealt with (fresh credentials) and the call is tried again, at once. Asked at most
   * once per call: a second such failure stands.
   */
  renew?: (failure: ApiFailure) => Promise<boolean>;
}

/**
 * STS credentials that expired while a request was on its way: ECS answers
 * `InvalidSecurityToken.Expired`, other products `SecurityTokenExpired` or `SecurityToken.Expired`.
 */
export function isExpiredToken(failure: ApiFailure): boolean {
  return /^(InvalidSecurityToken\.Expired|SecurityToken\.?Expired)/i.test(failure.code);
}

/**
 * Call until success, a non-retryable failure, or maxAttempts. Throws ApiCallError carrying the
 * classified last failure; abort errors pass through unchanged.
 */
export function isThrottling(failure: ApiFailure): boolean {
  return failure.code.includes('Throttling') || failure.statusCode === 429;
}

export async function withRetry<T>(call: () => Promise<T>, policy: RetryPolicy, hooks: RetryHooks = {}): Promise<{ value: T; attempts: number }> {
  let failures = 0;
  let throttles = 0;
  let renewed = false;
  const maxThrottled = policy.maxThrottledAttempts ?? policy.maxAttempts * 4;
  for (let attempt = 1; ; attempt++) {
    if (hooks.signal?.aborted) throw abortError(hooks.signal);
    hooks.onAttempt?.(attempt);
    try {
      return { value: await call(), attempts: attempt };
    } catch (error) {
      if (hooks.signal?.aborted) throw abortError(hooks.signal);
      const failure = classifyError(error);
      if (!failure.retryable && !renewed && hooks.renew) {
        renewed = true;
        if (await hooks.renew(failure)) {
          hooks.onRetry?.(failure, attempt, 0);
          continue;
        }
      }
      const throttled = isThrottling(failure);
      if (throttled) throttles++;
      else failures++;
      if (!failure.retryable || failures >= policy.maxAttempts || throttles >= maxThrottled) throw new ApiCallError(failure, attempt, { cause: error });
      const delay = hooks.delayFor?.(failure) ?? backoffDelay(policy, throttled ? throttles : failures, failure, hooks.random);
      hooks.onRetry?.(failure, attempt, delay);
      await sleep(delay, hooks.signal);
    }
  }
}
