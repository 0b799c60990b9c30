import type { IncomingMessage } from 'node:http';
import { providerOf, type Estate } from '../../model/snapshot.js';
import { EstateIndex } from '../estate-index.js';
import type { FaultInjector, RateLimiter, RegionFlips } from '../faults.js';
import { GATEWAY_HTML, type Outcome } from '../outcome.js';
import type { FaultOptions, HuaweiCredential, RecordedRequest } from '../types.js';
import { HuaweiError, huaweiErrorBody, HuaweiErrors, newHuaweiRequestId } from './errors.js';
import { findHuaweiRoute } from './handlers.js';
import { parseHuaweiAuthorization, verifyHuaweiSignature } from './signature.js';
import { huaweiProjectId } from './wire.js';

/** The Huawei accounts' demo keys: one AK/SK per account, derived from its id (as the emulator prints them). */
export function huaweiDemoCredentials(estate: Estate): HuaweiCredential[] {
  return estate.accounts
    .filter((account) => providerOf(account) === 'huaweicloud')
    .map((account) => ({
      accessKeyId: `SGAUDITDEMO${account.accountId.replace(/[^A-Za-z0-9]/g, '').toUpperCase()}`.slice(0, 20),
      secretAccessKey: `sgaudit-demo-huawei-secret-${account.accountId}`,
      accountId: account.accountId,
    }));
}

/** The fault machinery the server shares between the two clouds' APIs. */
export interface SharedFaults {
  options: FaultOptions;
  injector: FaultInjector;
  limiter: RateLimiter | undefined;
  forbidden: ReadonlySet<string>;
  flips: RegionFlips;
}

/**
 * The Huawei Cloud side of the emulator: VPC v3 security groups, rules and address groups, VPC
 * v2 ports, ECS servers, for the estate's `huaweicloud` accounts. Each (account, region) is a
 * project (`huaweiProjectId`); requests are signed SDK-HMAC-SHA256 with the account's AK/SK.
 */
export class HuaweiService {
  private readonly estate: EstateIndex;
  private readonly keys = new Map<string, HuaweiCredential>();
  private readonly projects = new Map<string, { accountId: string; regionId: string }>();

  constructor(estate: Estate, credentials: readonly HuaweiCredential[], private readonly faults: SharedFaults) {
    const accounts = estate.accounts.filter((account) => providerOf(account) === 'huaweicloud');
    this.estate = new EstateIndex({ accounts });
    for (const credential of credentials) this.keys.set(credential.accessKeyId, credential);
    for (const account of accounts) for (const region of account.regions) this.projects.set(huaweiProjectId(account.accountId, region.regionId), { accountId: account.accountId, regionId: region.regionId });
  }

  async handle(request: IncomingMessage, readBody: () => Promise<Buffer>, entry: RecordedRequest): Promise<Outcome> {
    const requestId = newHuaweiRequestId();
    try {
      const body = await readBody();
      const url = new URL(request.url ?? '/', 'http://emulator.invalid');
      const route = findHuaweiRoute(request.method ?? 'GET', url.pathname);
      if (!route) throw HuaweiErrors.notFound(url.pathname);
      entry.action = route.action;
      entry.product = route.product;
      entry.version = url.pathname.slice(1, 3);
      entry.params = Object.fromEntries(url.searchParams);

      const { injector, limiter, forbidden, flips } = this.faults;
      const decision = injector.decide(route.action, `${route.action}|${url.pathname}|${[...url.searchParams].sort().join('&')}`);
      if (decision.fault === 'reset') return { status: 0, body: '', headers: {}, reset: true, fault: 'reset' };
      if (decision.fault === 'hang') return { status: 0, body: '', headers: {}, hang: true, fault: 'hang' };

      const now = Date.now();
      const auth = parseHuaweiAuthorization(typeof request.headers.authorization === 'string' ? request.headers.authorization : undefined);
      const key = this.keys.get(auth.accessKeyId);
      if (!key) throw HuaweiErrors.unknownKey();
      verifyHuaweiSignature({ method: request.method ?? 'GET', url: request.url ?? '/', headers: request.headers, body }, auth, key.secretAccessKey, now);
      entry.accessKeyId = key.accessKeyId;
      entry.accountId = key.accountId;
      const project = this.projects.get(route.projectId);
      if (!project || project.accountId !== key.accountId) throw HuaweiErrors.wrongProject();
      entry.regionId = project.regionId;

      if (limiter && limiter.take(`${key.accountId}/${project.regionId}/${route.product}:${route.action}`, now) > 0) return { ...this.answer(requestId, HuaweiErrors.throttled()), fault: 'rateLimit' };
      if (decision.fault === 'throttle') return { ...this.answer(requestId, HuaweiErrors.throttled()), fault: 'throttle' };
      if (decision.fault === 'error5xx') return { ...this.answer(requestId, decision.draw < 0.5 ? HuaweiErrors.internalError() : HuaweiErrors.serviceUnavailable()), fault: 'error5xx' };
      if (forbidden.has(project.regionId) || flips.forbidden(project.regionId)) return { ...this.answer(requestId, HuaweiErrors.forbiddenRegion()), fault: 'forbidden' };

      const result = route.handler({
        projectId: route.projectId,
        regionId: project.regionId,
        region: this.estate.region(project.accountId, project.regionId),
        query: url.searchParams,
        groupName: (id) => this.estate.groupName(id),
      });
      const outcome = this.answer(requestId, { request_id: requestId, ...result });
      if (decision.fault === 'malformed') {
        return decision.draw < 0.5
          ? { status: 502, body: GATEWAY_HTML, headers: { 'content-type': 'text/html' }, fault: 'malformed' }
          : { status: 200, body: outcome.body.slice(0, Math.max(1, Math.floor(outcome.body.length / 2))), headers: { 'x-request-id': requestId }, fault: 'malformed' };
      }
      return outcome;
    } catch (error) {
      if (error instanceof HuaweiError) return this.answer(requestId, error);
      return this.answer(requestId, new HuaweiError(500, 'SYS.0500', `The emulator failed: ${error instanceof Error ? error.message : String(error)}`));
    }
  }

  private answer(requestId: string, result: Record<string, unknown> | HuaweiError): Outcome {
    const headers = { 'x-request-id': requestId };
    if (result instanceof HuaweiError) return { status: result.status, body: JSON.stringify(huaweiErrorBody(result, requestId)), headers, code: result.code, requestId };
    return { status: 200, body: JSON.stringify(result), headers, requestId };
  }
}
