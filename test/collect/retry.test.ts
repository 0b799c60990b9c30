import { describe, expect, it } from 'vitest';
import { parseEndpoint } from '../../src/collect/alicloud/clients.js';
import { mapPool, Semaphore } from '../../src/collect/pool.js';
import { Pacer } from '../../src/collect/pacer.js';
import { Redactor } from '../../src/collect/redact.js';
import { ApiCallError, backoffDelay, classifyError, withRetry, type ApiFailure } from '../../src/collect/retry.js';

/** Error objects shaped like what @alicloud/openapi-core and httpx throw. */
const sdkError = (fields: Record<string, unknown>) => Object.assign(new Error(String(fields.message ?? 'x')), fields);

const classification: [string, unknown, Pick<ApiFailure, 'code' | 'retryable' | 'denied'> & { requestId?: string; retryAfterMs?: number }][] = [
  ['ECS throttling (HTTP 400)', sdkError({ name: 'ThrottlingError', code: 'Throttling.User', statusCode: 400, retryAfter: 250, data: { RequestId: 'R1', Code: 'Throttling.User', Message: 'Request was denied due to user flow control.' } }),
    { code: 'Throttling.User', retryable: true, denied: false, requestId: 'R1', retryAfterMs: 250 }],
  ['API throttling', sdkError({ code: 'Throttling.Api', statusCode: 400 }), { code: 'Throttling.Api', retryable: true, denied: false }],
  ['500 InternalError', sdkError({ code: 'InternalError', statusCode: 500, data: { RequestId: 'R2' } }), { code: 'InternalError', retryable: true, denied: false, requestId: 'R2' }],
  ['503 ServiceUnavailable', sdkError({ code: 'ServiceUnavailable', statusCode: 503 }), { code: 'ServiceUnavailable', retryable: true, denied: false }],
  ['read timeout (httpx)', sdkError({ name: 'RequestTimeoutError', message: 'ReadTimeout: 800. POST / failed.' }), { code: 'RequestTimeout', retryable: true, denied: false }],
  ['connection reset', sdkError({ code: 'ECONNRESET', message: 'read ECONNRESET' }), { code: 'ECONNRESET', retryable: true, denied: false }],
  ['socket hang up', sdkError({ message: 'socket hang up' }), { code: 'ECONNRESET', retryable: true, denied: false }],
  ['HTML gateway page', new SyntaxError('Unexpected token < in JSON at position 0'), { code: 'InvalidResponseBody', retryable: true, denied: false }],
  ['Forbidden.RAM 403', sdkError({ code: 'Forbidden.RAM', statusCode: 403, data: { RequestId: 'R3' } }), { code: 'Forbidden.RAM', retryable: false, denied: true, requestId: 'R3' }],
  ['InvalidAccessKeyId.NotFound', sdkError({ code: 'InvalidAccessKeyId.NotFound', statusCode: 404 }), { code: 'InvalidAccessKeyId.NotFound', retryable: false, denied: true }],
  ['SignatureDoesNotMatch', sdkError({ code: 'SignatureDoesNotMatch', statusCode: 400 }), { code: 'SignatureDoesNotMatch', retryable: false, denied: true }],
  ['NoPermission', sdkError({ code: 'NoPermission', statusCode: 403 }), { code: 'NoPermission', retryable: false, denied: true }],
  ['the role to assume does not exist', sdkError({ code: 'EntityNotExist.Role', statusCode: 404 }), { code: 'EntityNotExist.Role', retryable: false, denied: true }],
  ['an expired STS token', sdkError({ code: 'InvalidSecurityToken.Expired', statusCode: 400 }), { code: 'InvalidSecurityToken.Expired', retryable: false, denied: true }],
  ['plain 400 InvalidParameter', sdkError({ code: 'InvalidParameter', statusCode: 400 }), { code: 'InvalidParameter', retryable: false, denied: false }],
  ['SDK model mismatch', new Error('type of permissions is mismatch, expect object, but string'), { code: 'MalformedResponse', retryable: false, denied: false }],
  ['SDK "undefined" request id is dropped', sdkError({ code: 'InvalidParameter', statusCode: 400, requestId: 'undefined' }), { code: 'InvalidParameter', retryable: false, denied: false }],
];

describe('classifyError', () => {
  it.each(classification)('%s', (_name, error, expected) => {
    const failure = classifyError(error);
    expect(failure).toMatchObject(expected);
    if (!('requestId' in expected)) expect(failure.requestId).toBeUndefined();
  });
});

describe('network failures read as sentences with what to do', () => {
  it.each([
    [
      'https to a plain-HTTP endpoint',
      Object.assign(new Error('write EPROTO 40A7:error:0A00010B:SSL routines:ssl3_get_record:wrong version numberPOST https://127.0.0.1:8080/ failed.'), { code: 'EPROTO' }),
      /wrong version number \(POST https:\/\/127\.0\.0\.1:8080\/ failed\.\) — hint: the endpoint does not speak HTTPS; .*--endpoint http:\/\/host:port$/,
    ],
    [
      'a host that does not resolve',
      Object.assign(new Error('getaddrinfo ENOTFOUND ecs-cn-hangzhou.aliyuncs.comPOST https://ecs-cn-hangzhou.aliyuncs.com/ failed.'), { code: 'ENOTFOUND' }),
      /^getaddrinfo ENOTFOUND ecs-cn-hangzhou\.aliyuncs\.com \(POST https:\/\/ecs-cn-hangzhou\.aliyuncs\.com\/ failed\.\) — hint: the host name does not resolve/,
    ],
    ['nothing listening', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }), /— hint: nothing listens at that address/],
  ])('%s', (_name, error, expected) => {
    expect(classifyError(error).message).toMatch(expected);
  });
});

describe('backoff and retry', () => {
  const policy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000 };
  const failure: ApiFailure = { code: 'Throttling.User', message: '', retryable: true, denied: false };

  it.each([
    [1, 0.999, 99],
    [2, 0.999, 199],
    [5, 0.999, 999],
    [20, 0.5, 500],
    [3, 0, 0],
  ])('attempt %i with random %f waits %i ms (full jitter, bounded)', (attempt, random, expected) => {
    expect(backoffDelay(policy, attempt, failure, () => random)).toBe(expected);
  });

  it('honours retry-after, within the bound', () => {
    expect(backoffDelay(policy, 1, { ...failure, retryAfterMs: 600 }, () => 0)).toBe(600);
    expect(backoffDelay(policy, 1, { ...failure, retryAfterMs: 60_000 }, () => 0)).toBe(1000);
  });

  it('retries transient errors until success', async () => {
    let calls = 0;
    const { value, attempts } = await withRetry(
      async () => {
        calls++;
        if (calls < 3) throw sdkError({ code: 'Throttling.User', statusCode: 400 });
        return 'ok';
      },
      { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 2 },
    );
    expect([value, attempts, calls]).toEqual(['ok', 3, 3]);
  });

  it('never retries a permission error', async () => {
    let calls = 0;
    const attempt = withRetry(async () => {
      calls++;
      throw sdkError({ code: 'Forbidden.RAM', statusCode: 403 });
    }, { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 2 });
    await expect(attempt).rejects.toBeInstanceOf(ApiCallError);
    expect(calls).toBe(1);
  });

  it('gives up after maxAttempts with the last failure', async () => {
    let calls = 0;
    const attempt = withRetry(async () => {
      calls++;
      throw sdkError({ code: 'InternalError', statusCode: 500 });
    }, { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 });
    await expect(attempt).rejects.toMatchObject({ attempts: 3, failure: { code: 'InternalError' } });
    expect(calls).toBe(3);
  });

  it('stops waiting when aborted', async () => {
    const controller = new AbortController();
    const attempt = withRetry(async () => {
      throw sdkError({ code: 'InternalError', statusCode: 500 });
    }, { maxAttempts: 5, baseDelayMs: 10_000, maxDelayMs: 10_000 }, { signal: controller.signal, random: () => 1 });
    setTimeout(() => controller.abort(new Error('stop')), 10);
    await expect(attempt).rejects.toThrow('stop');
  });
});

describe('concurrency', () => {
  it('Semaphore and mapPool never exceed their limit and keep order', async () => {
    const semaphore = new Semaphore(3);
    let active = 0;
    let peak = 0;
    const results = await mapPool(Array.from({ length: 40 }, (_, i) => i), 10, (item) =>
      semaphore.run(async () => {
        active++;
        peak = Math.max(peak, active);
        await new Promise((resolve) => setTimeout(resolve, 1));
        active--;
        return item * 2;
      }),
    );
    expect(peak).toBe(3);
    expect(results).toEqual(Array.from({ length: 40 }, (_, i) => i * 2));
  });
});

describe('parseEndpoint', () => {
  it.each([
    ['http://127.0.0.1:8080', { host: '127.0.0.1:8080', protocol: 'HTTP' }],
    ['https://ecs-vpc.cn-hangzhou.aliyuncs.com/', { host: 'ecs-vpc.cn-hangzhou.aliyuncs.com', protocol: 'HTTPS' }],
    ['127.0.0.1:9000', { host: '127.0.0.1:9000', protocol: 'HTTP' }],
    ['localhost:8080', { host: 'localhost:8080', protocol: 'HTTP' }],
    ['[::1]:8080', { host: '[::1]:8080', protocol: 'HTTP' }],
    ['127.1.2.3', { host: '127.1.2.3', protocol: 'HTTP' }],
    ['10.0.0.5:8443', { host: '10.0.0.5:8443', protocol: 'HTTPS' }],
    ['ecs.example.internal:443', { host: 'ecs.example.internal:443', protocol: 'HTTPS' }],
  ])('%s', (input, expected) => {
    expect(parseEndpoint(input)).toEqual(expected);
  });
  it('rejects a URL with a path', () => {
    expect(() => parseEndpoint('http://host/path')).toThrow(/invalid endpoint/);
  });
});

describe('Redactor', () => {
  it('removes every registered secret, leaves other text', () => {
    const redactor = new Redactor();
    redactor.add('s3cr3t-value');
    redactor.add('tok');
    expect(redactor.redact('key s3cr3t-value and s3cr3t-value; tok stays')).toBe('key *** and ***; tok stays');
  });
});

describe('throttling budget and pacing', () => {
  it('throttling has its own, larger attempt budget', async () => {
    let calls = 0;
    const { attempts } = await withRetry(
      async () => {
        calls++;
        if (calls <= 6) throw sdkError({ code: 'Throttling.User', statusCode: 400, retryAfter: 1 });
        return 'ok';
      },
      { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
    );
    expect(attempts).toBe(7);
  });

  it('Pacer: unpaced until throttled, then spaces starts, slows on throttles and speeds up on successes', () => {
    let clock = 0;
    const pacer = new Pacer(() => clock);
    expect(pacer.reserve()).toBe(0);
    pacer.onThrottle(10);
    expect(pacer.currentIntervalMs).toBe(10);
    expect(pacer.reserve()).toBe(10); // waits out the retry-after
    expect(pacer.reserve()).toBe(20); // then one start per interval
    pacer.onThrottle(10, -5); // sent before the pacing changed: does not compound
    expect(pacer.currentIntervalMs).toBe(10);
    pacer.onThrottle(10, 0);
    expect(pacer.currentIntervalMs).toBeCloseTo(10.5);
    for (let i = 0; i < 500; i++) pacer.onSuccess();
    expect(pacer.currentIntervalMs).toBe(0);
    clock = 1_000;
    expect(pacer.reserve()).toBe(0);
  });
});
