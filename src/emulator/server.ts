import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { CredentialStore, type Principal } from './credentials.js';
import { ApiError, errorBody, Errors, newRequestId } from './errors.js';
import { EstateIndex } from './estate-index.js';
import { FaultInjector, RateLimiter, RegionFlips } from './faults.js';
import { isHuaweiPath } from './huawei/handlers.js';
import { huaweiDemoCredentials, HuaweiService } from './huawei/service.js';
import { GATEWAY_HTML, type Outcome } from './outcome.js';
import { DirectoryIndex, resourceDirectoryFor } from './resource-directory.js';
import { findRoute, type Product, VERSIONS } from './routes.js';
import { canonicalQueryString, parseAuthorization, verifySignature } from './signature.js';
import { providerOf } from '../model/snapshot.js';
import {
  DEMO_CREDENTIALS,
  type EmulatorOptions,
  type EmulatorStats,
  type RecordedRequest,
  type RunningEmulator,
} from './types.js';

const MAX_BODY_BYTES = 1 << 20;
/** The gateway rejects requests whose x-acs-date is more than 15 minutes off. */
const CLOCK_SKEW_MS = 15 * 60 * 1000;
const HOST_IDS: Record<Product, string> = { ecs: 'ecs.aliyuncs.com', vpc: 'vpc.aliyuncs.com', sts: 'sts.aliyuncs.com', resourcemanager: 'resourcemanager.aliyuncs.com' };

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new ApiError(413, 'RequestEntityTooLarge', 'The request body is too large.'));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function headerString(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function parseParams(request: IncomingMessage, body: Buffer): { path: string; query: Record<string, string>; params: Record<string, string> } {
  const url = new URL(request.url ?? '/', 'http://emulator.invalid');
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) query[key] = value;
  const params: Record<string, string> = { ...query };
  if ((headerString(request, 'content-type') ?? '').startsWith('application/x-www-form-urlencoded') && body.length > 0) {
    for (const [key, value] of new URLSearchParams(body.toString('utf8'))) params[key] = value;
  }
  return { path: url.pathname, query, params };
}

function newStats(): EmulatorStats {
  return {
    requests: 0,
    byAction: {},
    byStatus: {},
    faults: { throttle: 0, rateLimit: 0, error5xx: 0, reset: 0, malformed: 0, hang: 0, forbidden: 0, latency: 0 },
    signatureFailures: 0,
  };
}

export async function startEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  // The Alibaba APIs serve the Alibaba accounts; HuaweiService the Huawei ones, from the same estate.
  const alibabaEstate = { accounts: options.estate.accounts.filter((account) => providerOf(account) === 'alicloud') };
  const estate = new EstateIndex(alibabaEstate);
  const seed = options.seed ?? 1;
  const faults = options.faults ?? {};
  const directory = options.resourceDirectory === false ? undefined : new DirectoryIndex(options.resourceDirectory ?? resourceDirectoryFor(alibabaEstate));
  const credentials = new CredentialStore(options.credentials ?? [{ ...DEMO_CREDENTIALS }], estate.accountIds(), estate.firstAccountId, seed, {
    ...(options.sts ? { sts: options.sts } : {}),
    ...(directory ? { directory } : {}),
  });
  const injector = new FaultInjector(faults, seed);
  const limiter = faults.rateLimit !== undefined && faults.rateLimit > 0 ? new RateLimiter(faults.rateLimit, faults.rateLimitBurst) : undefined;
  const forbidden = new Set(faults.forbidRegions ?? []);
  const flips = new RegionFlips(faults.forbidRegionsAfter);
  const huaweiKeys = options.huaweiCredentials ?? huaweiDemoCredentials(options.estate);
  const huawei = new HuaweiService(options.estate, huaweiKeys, { options: faults, injector, limiter, forbidden, flips });
  const maxRecorded = options.maxRecordedRequests ?? 200_000;
  const started = Date.now();
  const recorded: RecordedRequest[] = [];
  const stats = newStats();
  const nonces = new Map<string, number>();
  const sockets = new Set<Socket>();
  let seq = 0;
  let lastNoncePrune = Date.now();

  function remember(entry: RecordedRequest): void {
    recorded.push(entry);
    if (recorded.length > maxRecorded) recorded.splice(0, recorded.length - maxRecorded);
    stats.requests += 1;
    stats.byAction[entry.action] = (stats.byAction[entry.action] ?? 0) + 1;
    stats.byStatus[String(entry.status)] = (stats.byStatus[String(entry.status)] ?? 0) + 1;
    if (entry.fault) stats.faults[entry.fault] += 1;
  }

  function checkNonce(nonce: string | undefined, now: number): void {
    if (!nonce) throw Errors.incompleteSignature('The x-acs-signature-nonce header is missing.');
    if (nonces.has(nonce)) throw Errors.nonceUsed();
    // Prune at most once a minute: a nonce only needs remembering while its x-acs-date is acceptable.
    if (now - lastNoncePrune > 60_000) {
      lastNoncePrune = now;
      for (const [key, at] of nonces) if (now - at > CLOCK_SKEW_MS) nonces.delete(key);
    }
    nonces.set(nonce, now);
  }

  function authenticate(request: IncomingMessage, path: string, query: Record<string, string>, body: Buffer, now: number): Principal {
    const auth = parseAuthorization(headerString(request, 'authorization'));
    const principal = credentials.lookup(auth.accessKeyId);
    verifySignature({ method: request.method ?? 'GET', path, query, headers: request.headers, body }, auth, principal.secret);
    const date = Date.parse(headerString(request, 'x-acs-date') ?? '');
    if (Number.isNaN(date) || Math.abs(now - date) > CLOCK_SKEW_MS) throw Errors.timestampExpired();
    checkNonce(headerString(request, 'x-acs-signature-nonce'), now);
    credentials.checkToken(principal, headerString(request, 'x-acs-security-token'), now);
    return principal;
  }

  function answer(requestId: string, product: Product | undefined, result: Record<string, unknown> | ApiError): Outcome {
    if (result instanceof ApiError) {
      return {
        status: result.status,
        body: JSON.stringify(errorBody(result, requestId, HOST_IDS[product ?? 'ecs'])),
        headers: { 'x-acs-request-id': requestId, ...result.headers },
        code: result.code,
        requestId,
      };
    }
    return { status: 200, body: JSON.stringify({ RequestId: requestId, ...result }), headers: { 'x-acs-request-id': requestId }, requestId };
  }

  async function handle(request: IncomingMessage, entry: RecordedRequest): Promise<Outcome> {
    const requestId = newRequestId();
    let product: Product | undefined;
    try {
      const body = await readBody(request);
      const { path, query, params } = parseParams(request, body);
      entry.params = params;
      entry.action = headerString(request, 'x-acs-action') ?? params.Action ?? '';
      entry.version = headerString(request, 'x-acs-version') ?? params.Version ?? '';
      entry.regionId = params.RegionId ?? '';
      if (!entry.action) throw Errors.missingAction();
      product = VERSIONS[entry.version];
      if (!product) throw Errors.unknownVersion(entry.version);
      entry.product = product;
      const route = findRoute(product, entry.action);
      if (!route) throw Errors.unknownAction(entry.action, entry.version);

      const faultKey = `${entry.version}|${entry.action}|${canonicalQueryString(params)}`;
      const decision = injector.decide(entry.action, faultKey);
      if (decision.fault === 'reset') return { status: 0, body: '', headers: {}, reset: true, fault: 'reset' };
      if (decision.fault === 'hang') return { status: 0, body: '', headers: {}, hang: true, fault: 'hang' };

      const now = Date.now();
      let principal: Principal;
      try {
        principal = authenticate(request, path, query, body, now);
      } catch (error) {
        stats.signatureFailures += 1;
        throw error;
      }
      entry.accountId = principal.accountId;
      entry.accessKeyId = principal.accessKeyId;

      if (route.needsRegion) {
        if (!entry.regionId) throw Errors.missingParameter('RegionId');
        if (!estate.knownRegions.has(entry.regionId) && !forbidden.has(entry.regionId)) throw Errors.unknownRegion(entry.regionId);
      }
      if (limiter) {
        const wait = limiter.take(`${principal.accountId}/${entry.regionId}/${product}:${entry.action}`, now);
        if (wait > 0) return { ...answer(requestId, product, Errors.throttled(wait)), fault: 'rateLimit' };
      }
      if (decision.fault === 'throttle') {
        // With retryAfterShare, some throttling answers say when to come back and the others do not.
        const advised = faults.retryAfterMs !== undefined && decision.draw < (faults.retryAfterShare ?? 1) ? faults.retryAfterMs : undefined;
        return { ...answer(requestId, product, Errors.throttled(advised)), fault: 'throttle' };
      }
      if (decision.fault === 'error5xx') {
        return { ...answer(requestId, product, decision.draw < 0.5 ? Errors.internalError() : Errors.serviceUnavailable()), fault: 'error5xx' };
      }
      if (route.product !== 'sts' && (forbidden.has(entry.regionId) || flips.forbidden(entry.regionId))) return { ...answer(requestId, product, Errors.forbiddenRegion()), fault: 'forbidden' };

      const result = route.handler({
        params,
        principal,
        regionId: entry.regionId,
        estate,
        region: () => estate.region(principal.accountId, entry.regionId),
        credentials,
        directory,
        faults,
        now,
      });
      const outcome = answer(requestId, product, result);
      if (decision.fault === 'malformed') {
        // Half the time a gateway's HTML error page, half the time a JSON body cut short.
        return decision.draw < 0.5
          ? { status: 502, body: GATEWAY_HTML, headers: { 'content-type': 'text/html' }, fault: 'malformed' }
          : { status: 200, body: outcome.body.slice(0, Math.max(1, Math.floor(outcome.body.length / 2))), headers: {}, fault: 'malformed' };
      }
      return outcome;
    } catch (error) {
      if (error instanceof ApiError) return answer(requestId, product, error);
      return answer(requestId, product, new ApiError(500, 'InternalError', `The emulator failed: ${error instanceof Error ? error.message : String(error)}`));
    }
  }

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    seq += 1;
    const entry: RecordedRequest = {
      seq,
      at: Date.now() - started,
      product: 'unknown',
      action: headerString(request, 'x-acs-action') ?? '',
      version: headerString(request, 'x-acs-version') ?? '',
      regionId: '',
      accountId: '',
      accessKeyId: '',
      params: {},
      status: 0,
    };
    if (injector.shouldHang(seq)) {
      // Never answer: the client has to time out. The socket is destroyed on close().
      entry.fault = 'hang';
      remember(entry);
      request.resume();
      return;
    }
    const outcome = isHuaweiPath(request.url) ? huawei.handle(request, () => readBody(request), entry) : handle(request, entry);
    void outcome.then(async (outcome) => {
      entry.status = outcome.status;
      if (outcome.code) entry.code = outcome.code;
      if (outcome.requestId) entry.requestId = outcome.requestId;
      if (outcome.fault) entry.fault = outcome.fault;
      if (outcome.hang) {
        // As with hangRequests: the socket stays open until the client gives up or close() destroys it.
        remember(entry);
        request.resume();
        return;
      }
      if (outcome.reset) {
        remember(entry);
        request.socket.destroy();
        return;
      }
      if (faults.latencyMs && faults.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, faults.latencyMs));
      remember(entry);
      if (response.destroyed) return;
      response.writeHead(outcome.status, { 'content-type': 'application/json;charset=utf-8', ...outcome.headers });
      response.end(outcome.body);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.keepAliveTimeout = 30_000;

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const hostForUrl = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${hostForUrl}:${port}`,
    endpoint: `${hostForUrl}:${port}`,
    port,
    requests: () => recorded.slice(),
    stsSessions: () => credentials.issuedSessions(),
    stats: () => structuredClone(stats),
    connections: () => sockets.size,
    huaweiCredentials: () => huaweiKeys.map((key) => ({ ...key })),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        for (const socket of sockets) socket.destroy();
      }),
  };
}
