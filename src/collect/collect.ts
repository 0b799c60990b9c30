import { randomUUID } from 'node:crypto';
import { SgauditError } from '../model/errors.js';
import { createSnapshotWriter } from '../model/snapshot-file.js';
import { REGIONAL_COVERAGE_APIS, SNAPSHOT_SCHEMA, type Coverage, type CoverageApi, type SnapshotHeader } from '../model/snapshot.js';
import { log } from '../util/log.js';
import type { Progress } from '../util/progress.js';
import { TOOL } from '../version.js';
import { accountIdFromRoleArn } from './alicloud/arn.js';
import { assumeRole, BOOTSTRAP_REGION, callerAccountId, createClientFactory, type ClientFactory } from './alicloud/clients.js';
import { fetchRegions, type CalledApi, type Caller } from './alicloud/paginate.js';
import { collectRegion } from './alicloud/region.js';
import { mapPool, Semaphore } from './pool.js';
import { Redactor } from './redact.js';
import { Pacer } from './pacer.js';
import { abortError, ApiCallError, classifyError, DEFAULT_RETRY, isThrottling, sleep, withRetry, type ApiFailure, type RetryPolicy } from './retry.js';

export interface CollectOptions {
  /** host:port or URL overriding every product endpoint (emulator, private endpoints). */
  endpoint?: string;
  /** Regions to collect; DescribeRegions per account when absent. */
  regions?: string[];
  /** Accounts to collect; the credentials' own account when absent. */
  accounts?: { accountId?: string; alias?: string; roleArn?: string }[];
  /** Explicit keys; otherwise the @alicloud/credentials default chain (env, OIDC, config file, ECS RAM role …). */
  credentials?: { accessKeyId: string; accessKeySecret: string; securityToken?: string };
  /** In-flight request bounds. `regions`: how many regions are collected at once (default 4). */
  concurrency?: { perRegion?: number; perApi?: number; regions?: number };
  timeouts?: { connectMs?: number; readMs?: number };
  retry?: { maxAttempts?: number; baseDelayMs?: number; maxDelayMs?: number; maxThrottledAttempts?: number };
  progress?: Progress;
  signal?: AbortSignal;
}

export interface CollectResult {
  path: string;
  header: SnapshotHeader;
  /** HTTP attempts, retries among them, throttled answers among those. */
  stats: { requests: number; retries: number; throttled: number; durationMs: number };
}

/** Lets a caller name the file after the snapshot's own time and id (e.g. the store's snapshotPathFor). */
export type SnapshotPathFor = (takenAt: string, id: string) => string;

/** Coverage entries that are not complete: what --strict fails on and every report must flag. */
export function incompleteCoverage(coverage: readonly Coverage[]): Coverage[] {
  return coverage.filter((entry) => entry.status !== 'complete');
}

const DEFAULT_CONCURRENCY = { perRegion: 16, perApi: 8, regions: 4 } as const;

/** Coverage rows for calls that are not tied to one region (AssumeRole, DescribeRegions). */
const GLOBAL_REGION = 'global';

interface ResolvedAccount {
  accountId: string;
  alias?: string;
  clients: ClientFactory;
}

interface CollectContext {
  options: CollectOptions;
  retry: RetryPolicy;
  concurrency: { perRegion: number; perApi: number; regions: number };
  redactor: Redactor;
  stats: { requests: number; retries: number; throttled: number };
  coverage: Coverage[];
}

/** One line naming account, region, API, status, code and request id — never a secret. */
function describeCoverage(entry: Coverage): string {
  // "default" stands for the account of the default credentials when its id could not be read.
  const parts = [entry.accountId === 'default' ? 'the credentials\' account (id not known)' : `account ${entry.accountId}`, `region ${entry.regionId}`, entry.api, entry.status];
  if (entry.code) parts.push(`code ${entry.code}`);
  if (entry.requestId) parts.push(`request id ${entry.requestId}`);
  if (entry.resourceIds?.length) parts.push(`${entry.resourceIds.length} incomplete: ${entry.resourceIds.slice(0, 5).join(', ')}${entry.resourceIds.length > 5 ? ', …' : ''}`);
  return `${parts.join(', ')}${entry.message ? `: ${entry.message}` : ''}`;
}

/** `120 groups (2,400 rules), 500 instances, 600 interfaces, 100 EIPs, 2 prefix lists` for --verbose. */
function regionCounts(region: { securityGroups: { rules: unknown[] }[]; instances: unknown[]; networkInterfaces: unknown[]; eips: unknown[]; prefixLists: unknown[] }): string {
  const rules = region.securityGroups.reduce((sum, group) => sum + group.rules.length, 0);
  return `${region.securityGroups.length} groups (${rules} rules), ${region.instances.length} instances, ${region.networkInterfaces.length} interfaces, ${region.eips.length} EIPs, ${region.prefixLists.length} prefix lists`;
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 1) throw new SgauditError('USAGE', `${name} must be a positive number, got ${value}`);
  return Math.floor(value);
}

/**
 * Builds the Caller for one (account, region): requests wait for a slot of their API and of the
 * region, are retried per policy, and are counted per API for coverage. A hung response is cut
 * by the SDK's read timeout; a guard timer backs that up so one stuck socket cannot stall a run.
 */
function createRegionCaller(context: CollectContext, clients: ClientFactory, label: string): { call: Caller; attempts: (api: CalledApi) => number } {
  const regionSlots = new Semaphore(context.concurrency.perRegion);
  const apiSlots = new Map<CalledApi, Semaphore>();
  const pacers = new Map<CalledApi, Pacer>();
  const attempts = new Map<CalledApi, number>();
  const guardMs = clients.timeouts.connectMs + clients.timeouts.readMs + 5_000;
  const { progress, signal } = context.options;

  const guarded = <T>(run: () => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(Object.assign(new Error(`ReadTimeout: no answer within ${guardMs} ms`), { name: 'RequestTimeoutError' })), guardMs);
      run().then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });

  const call: Caller = async (api, run) => {
    let slots = apiSlots.get(api);
    let pacer = pacers.get(api);
    if (!slots || !pacer) {
      slots = new Semaphore(context.concurrency.perApi);
      pacer = new Pacer();
      apiSlots.set(api, slots);
      pacers.set(api, pacer);
    }
    progress?.grow(1);
    const [apiSlotsFixed, apiPacer] = [slots, pacer];
    let sentAt = 0;
    const attempt = async () => {
      await sleep(apiPacer.reserve(), signal);
      sentAt = performance.now();
      const value = await guarded(run);
      apiPacer.onSuccess();
      return value;
    };
    try {
      const { value } = await apiSlotsFixed.run(() =>
        regionSlots.run(() =>
          withRetry(attempt, context.retry, {
            ...(signal ? { signal } : {}),
            // Once an API is paced, the pacer spaces retries of throttled calls; backing off on top would idle the quota.
            delayFor: (failure) => (isThrottling(failure) && apiPacer.pacing ? 0 : undefined),
            onAttempt: () => {
              context.stats.requests++;
              attempts.set(api, (attempts.get(api) ?? 0) + 1);
            },
            onRetry: (failure, attemptNumber, delayMs) => {
              context.stats.retries++;
              progress?.retry();
              if (isThrottling(failure)) {
                context.stats.throttled++;
                apiPacer.onThrottle(failure.retryAfterMs, sentAt);
              }
              log.debug(`retrying ${label} ${api} after ${failure.code} (attempt ${attemptNumber}, waiting ${delayMs} ms)`);
            },
          }),
        ),
      );
      return value;
    } finally {
      progress?.tick(1, label, api);
    }
  };
  return { call, attempts: (api) => attempts.get(api) ?? 0 };
}

function failureCoverage(context: CollectContext, accountId: string, api: CoverageApi, error: unknown, requests: number): Coverage {
  const failure: ApiFailure = error instanceof ApiCallError ? error.failure : classifyError(error);
  return {
    accountId,
    regionId: GLOBAL_REGION,
    api,
    status: failure.denied ? 'denied' : 'failed',
    code: failure.code,
    message: context.redactor.redact(failure.message),
    ...(failure.requestId ? { requestId: failure.requestId } : {}),
    requests,
    items: 0,
  };
}

async function resolveAccounts(context: CollectContext, base: ClientFactory): Promise<ResolvedAccount[]> {
  const { options } = context;
  const specs = options.accounts?.length ? options.accounts : [{}];
  const resolved: ResolvedAccount[] = [];
  for (const spec of specs) {
    const alias = spec.alias;
    if (!spec.roleArn) {
      let accountId = spec.accountId;
      if (accountId === undefined) {
        const caller = createRegionCaller(context, base, 'sts');
        try {
          accountId = await caller.call('GetCallerIdentity', () => callerAccountId(base));
        } catch (error) {
          if (options.signal?.aborted) throw abortError(options.signal);
          log.verbose(`could not read the caller's account id (${classifyError(error).code}); recording the account as "default"`);
        }
      }
      resolved.push({ accountId: accountId ?? 'default', ...(alias ? { alias } : {}), clients: base });
      continue;
    }
    const accountId = spec.accountId ?? accountIdFromRoleArn(spec.roleArn) ?? spec.roleArn;
    const caller = createRegionCaller(context, base, `account ${accountId}`);
    try {
      const temporary = await caller.call('AssumeRole', () => assumeRole(base, spec.roleArn as string));
      context.redactor.add(temporary.accessKeySecret);
      context.redactor.add(temporary.securityToken);
      context.coverage.push({ accountId, regionId: GLOBAL_REGION, api: 'AssumeRole', status: 'complete', requests: caller.attempts('AssumeRole'), items: 1 });
      resolved.push({
        accountId,
        ...(alias ? { alias } : {}),
        clients: createClientFactory({
          ...(options.endpoint ? { endpoint: options.endpoint } : {}),
          credentials: { accessKeyId: temporary.accessKeyId, accessKeySecret: temporary.accessKeySecret, ...(temporary.securityToken ? { securityToken: temporary.securityToken } : {}) },
          timeouts: base.timeouts,
        }),
      });
    } catch (error) {
      if (options.signal?.aborted) throw abortError(options.signal);
      const entry = failureCoverage(context, accountId, 'AssumeRole', error, caller.attempts('AssumeRole'));
      context.coverage.push(entry);
      log.warn(describeCoverage(entry));
    }
  }
  return resolved;
}

async function resolveRegions(context: CollectContext, account: ResolvedAccount): Promise<string[]> {
  if (context.options.regions?.length) return [...new Set(context.options.regions)];
  const caller = createRegionCaller(context, account.clients, `account ${account.accountId}`);
  try {
    const { regions } = await caller.call('DescribeRegions', () => fetchRegions(account.clients, BOOTSTRAP_REGION));
    const ids = regions.map((region) => region.regionId ?? '').filter((id) => id !== '');
    context.coverage.push({ accountId: account.accountId, regionId: GLOBAL_REGION, api: 'DescribeRegions', status: 'complete', requests: caller.attempts('DescribeRegions'), items: ids.length });
    return ids;
  } catch (error) {
    if (context.options.signal?.aborted) throw abortError(context.options.signal);
    const entry = failureCoverage(context, account.accountId, 'DescribeRegions', error, caller.attempts('DescribeRegions'));
    context.coverage.push(entry);
    log.warn(describeCoverage(entry));
    return [];
  }
}

const COVERAGE_ORDER: CoverageApi[] = ['AssumeRole', 'DescribeRegions', ...REGIONAL_COVERAGE_APIS];

function sortCoverage(coverage: Coverage[]): Coverage[] {
  return [...coverage].sort(
    (a, b) => a.accountId.localeCompare(b.accountId) || a.regionId.localeCompare(b.regionId) || COVERAGE_ORDER.indexOf(a.api) - COVERAGE_ORDER.indexOf(b.api),
  );
}

/**
 * Collect every account × region into a streamed snapshot file at `out`. Regions are written as
 * they finish, so memory holds only the regions in flight. API failures become coverage
 * entries (a denied region does not stop the others); only a local problem (no credentials,
 * unwritable output, abort) throws, and then no file is left behind.
 */
export async function collectSnapshot(options: CollectOptions & { out: string | SnapshotPathFor }): Promise<CollectResult> {
  const started = Date.now();
  const takenAt = new Date(started).toISOString();
  const id = randomUUID();
  const redactor = new Redactor();
  redactor.add(options.credentials?.accessKeySecret);
  redactor.add(options.credentials?.securityToken);
  // The default chain may read these; keep them out of messages too.
  redactor.add(process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET);
  redactor.add(process.env.ALIBABA_CLOUD_SECURITY_TOKEN);
  const context: CollectContext = {
    options,
    retry: {
      maxAttempts: positive(options.retry?.maxAttempts, DEFAULT_RETRY.maxAttempts, 'retry.maxAttempts'),
      baseDelayMs: options.retry?.baseDelayMs ?? DEFAULT_RETRY.baseDelayMs,
      maxDelayMs: options.retry?.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs,
      ...(options.retry?.maxThrottledAttempts ? { maxThrottledAttempts: options.retry.maxThrottledAttempts } : {}),
    },
    concurrency: {
      perRegion: positive(options.concurrency?.perRegion, DEFAULT_CONCURRENCY.perRegion, 'concurrency.perRegion'),
      perApi: positive(options.concurrency?.perApi, DEFAULT_CONCURRENCY.perApi, 'concurrency.perApi'),
      regions: positive(options.concurrency?.regions, DEFAULT_CONCURRENCY.regions, 'concurrency.regions'),
    },
    redactor,
    stats: { requests: 0, retries: 0, throttled: 0 },
    coverage: [],
  };

  let base: ClientFactory;
  try {
    base = createClientFactory({
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
      timeouts: { ...(options.timeouts?.connectMs ? { connectMs: options.timeouts.connectMs } : {}), ...(options.timeouts?.readMs ? { readMs: options.timeouts.readMs } : {}) },
    });
  } catch (error) {
    throw new SgauditError('USAGE', redactor.redact(error instanceof Error ? error.message : String(error)), { cause: error });
  }
  try {
    await base.resolveCredentials();
  } catch (error) {
    // The credentials library lists every provider it tried in one run-on line; the user needs to
    // know what to provide. Its own words stay available with --debug (the cause).
    throw new SgauditError(
      'CONFIG_INVALID',
      'no Alibaba Cloud credentials found (tried the environment, ~/.aliyun/config.json, ~/.alibabacloud/credentials and the ECS instance RAM role)',
      {
        cause: new Error(redactor.redact(error instanceof Error ? error.message : String(error))),
        hint: 'export ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET (plus ALIBABA_CLOUD_SECURITY_TOKEN for STS keys), or run `aliyun configure` for ~/.aliyun/config.json, or attach a RAM role to this ECS instance; the read-only policy sgaudit needs is in docs/permissions.md',
      },
    );
  }

  const writer = await createSnapshotWriter(typeof options.out === 'function' ? options.out(takenAt, id) : options.out);
  let writes: Promise<void> = Promise.resolve();
  try {
    const accounts = await resolveAccounts(context, base);
    for (const account of accounts) {
      const regions = await resolveRegions(context, account);
      await mapPool(regions, context.concurrency.regions, async (regionId) => {
        if (options.signal?.aborted) throw abortError(options.signal);
        const caller = createRegionCaller(context, account.clients, `${account.accountId}/${regionId}`);
        const outcome = await collectRegion({
          accountId: account.accountId,
          regionId,
          clients: account.clients,
          call: caller.call,
          attempts: caller.attempts,
          redact: (text) => redactor.redact(text),
        });
        if (options.signal?.aborted) throw abortError(options.signal);
        for (const entry of outcome.coverage) if (entry.status !== 'complete') log.warn(describeCoverage(entry));
        log.verbose(`collected ${account.accountId}/${regionId}: ${regionCounts(outcome.region)}${outcome.coverage.every((entry) => entry.status === 'complete') ? '' : ' (incomplete)'}`);
        context.coverage.push(...outcome.coverage);
        // The writer takes one region at a time; chain so regions finishing together do not interleave.
        writes = writes.then(() => writer.addRegion(account.accountId, account.alias, outcome.region));
        await writes;
      });
    }
    await writes;
    const coverage = sortCoverage(context.coverage);
    const result = await writer.finish({ id, takenAt, tool: { name: TOOL.name, version: TOOL.version }, coverage });
    const header: SnapshotHeader = { schema: SNAPSHOT_SCHEMA, id, takenAt, tool: { name: TOOL.name, version: TOOL.version }, provider: 'alicloud', coverage };
    options.progress?.done(`${context.stats.requests} requests, ${context.stats.retries} retries`);
    return { path: result.path, header, stats: { ...context.stats, durationMs: Date.now() - started } };
  } catch (error) {
    await writes.catch(() => undefined);
    await writer.abort();
    if (error instanceof SgauditError) throw error;
    if (options.signal?.aborted) throw new SgauditError('RUNTIME', 'collection aborted; no snapshot written', { cause: error });
    throw new SgauditError('RUNTIME', `collection failed: ${redactor.redact(error instanceof Error ? error.message : String(error))}`, { cause: error });
  }
}
