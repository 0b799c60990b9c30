import { randomUUID } from 'node:crypto';
import { SgauditError } from '../model/errors.js';
import { createSnapshotWriter, headerProvider, type AccountHeader } from '../model/snapshot-file.js';
import { SNAPSHOT_SCHEMA, type Coverage, type CoverageApi, type Provider, type Region, type SnapshotHeader } from '../model/snapshot.js';
import { sortCoverage } from '../model/coverage.js';
import { log } from '../util/log.js';
import type { Progress } from '../util/progress.js';
import { TOOL } from '../version.js';
import { GLOBAL_REGION, planAccounts, type AccountSpec, type DiscoverOptions, type PlannedAccount } from './accounts.js';
import { assumeRole, BOOTSTRAP_REGION, callerAccountId, createClientFactory, type ClientFactory } from './alicloud/clients.js';
import { fetchRegions, type CalledApi, type Caller } from './alicloud/paginate.js';
import { collectRegion } from './alicloud/region.js';
import { listMembers, type DirectoryMember } from './alicloud/resource-directory.js';
import { RefreshingCredentials } from './alicloud/session.js';
import { createHuaweiClients } from './huaweicloud/clients.js';
import { collectHuaweiRegion } from './huaweicloud/region.js';
import { RequestBudget } from './budget.js';
import { mapPool, Semaphore } from './pool.js';
import { Redactor } from './redact.js';
import { Pacer } from './pacer.js';
import { ownsUnit, type ShardSpec } from './shard.js';
import { abortError, ApiCallError, classifyError, DEFAULT_RETRY, isExpiredToken, isThrottling, sleep, withRetry, type ApiFailure, type RetryPolicy } from './retry.js';

/**
 * A Huawei Cloud account: its AK/SK (from the environment, never the config file) and the project
 * of each region to collect (Huawei APIs are called per project; region → project id).
 */
export interface HuaweiAccountSpec {
  accountId: string;
  alias?: string;
  accessKeyId: string;
  secretAccessKey: string;
  projects: Record<string, string>;
}

interface HuaweiCollectOptions {
  /** URL replacing every Huawei service endpoint (emulator, private endpoints); default `https://<service>.<region>.myhuaweicloud.com`. */
  endpoint?: string;
  accounts: HuaweiAccountSpec[];
}

export interface CollectOptions {
  /** Which clouds to collect (default Alibaba only); Huawei needs `huawei`. */
  providers?: Provider[];
  /** The Huawei accounts, when `providers` has `huaweicloud`. */
  huawei?: HuaweiCollectOptions;
  /** host:port or URL overriding every Alibaba product endpoint (emulator, private endpoints). */
  endpoint?: string;
  /** Alibaba regions to collect; DescribeRegions per account when absent. Huawei regions are the configured projects. */
  regions?: string[];
  /**
   * Accounts to collect; the credentials' own account when absent (and nothing is discovered).
   * With `discover`, an entry overrides the discovered member of the same id.
   */
  accounts?: AccountSpec[];
  /** Also collect the members of the Resource Directory the credentials manage (ListAccounts). */
  discover?: DiscoverOptions;
  /** Explicit keys; otherwise the @alicloud/credentials default chain (env, OIDC, config file, ECS RAM role …). */
  credentials?: { accessKeyId: string; accessKeySecret: string; securityToken?: string };
  /**
   * In-flight request bounds. `regions`: regions of one account collected at once (default 4);
   * `accounts`: accounts collected at once (default 4); `perAccount`: requests in flight per
   * account, all its regions together (default 32).
   */
  concurrency?: { perRegion?: number; perApi?: number; regions?: number; accounts?: number; perAccount?: number };
  /** Requests per second for the whole run, every account together, retries included; unlimited when absent. */
  rateLimit?: number;
  /** DurationSeconds asked of AssumeRole (900–43200, default 3600). Sessions are renewed at 80 % of their life. */
  sessionDurationSeconds?: number;
  timeouts?: { connectMs?: number; readMs?: number };
  retry?: { maxAttempts?: number; baseDelayMs?: number; maxDelayMs?: number; maxThrottledAttempts?: number };
  /** Collect only this shard's (account × region) units (docs/fleet.md); the header records the shard and every unit seen. */
  shard?: ShardSpec;
  progress?: Progress;
  signal?: AbortSignal;
}

export interface CollectResult {
  path: string;
  header: SnapshotHeader;
  /**
   * HTTP attempts, retries among them, throttled answers among those; STS sessions obtained (one
   * per assumed account, plus each renewal); requests answered "token expired" and tried again
   * with fresh credentials.
   */
  stats: { requests: number; retries: number; throttled: number; sessions: number; renewedAfterExpiry: number; durationMs: number };
}

/** Lets a caller name the file after the snapshot's own time and id (e.g. the store's snapshotPathFor). */
export type SnapshotPathFor = (takenAt: string, id: string) => string;

/** Coverage entries that are not complete: what --strict fails on and every report must flag. */
export function incompleteCoverage(coverage: readonly Coverage[]): Coverage[] {
  return coverage.filter((entry) => entry.status !== 'complete');
}

const DEFAULT_CONCURRENCY = { perRegion: 16, perApi: 8, regions: 4, accounts: 4, perAccount: 32 } as const;
const DEFAULT_SESSION_SECONDS = 3600;

interface CollectContext {
  options: CollectOptions;
  retry: RetryPolicy;
  concurrency: { perRegion: number; perApi: number; regions: number; accounts: number; perAccount: number };
  redactor: Redactor;
  stats: { requests: number; retries: number; throttled: number; sessions: number; renewedAfterExpiry: number };
  coverage: Coverage[];
  /** The run's request budget (collect.rateLimit), shared by every call. */
  budget?: RequestBudget;
  /** RoleSessionName of every AssumeRole: names sgaudit and this run (the snapshot id). */
  sessionName: string;
  sessionSeconds: number;
  /** Opens a source of pages not yet known (progress shows its total as growing until all are closed). */
  discovering: () => () => void;
  /** Every account's regions as far as known, all shards' (the shard header's `units`). */
  units: Map<string, string[]>;
}

/** `account 1234567890123456 (prod)`; "default" stands for the starting credentials' account when its id could not be read. */
function accountLabel(accountId: string, alias?: string): string {
  if (accountId === 'default') return "the credentials' account (id not known)";
  return `account ${accountId}${alias ? ` (${alias})` : ''}`;
}

/** One line naming account, region, API, status, code and request id — never a secret. */
function describeCoverage(entry: Coverage): string {
  const parts = [accountLabel(entry.accountId, entry.alias), `region ${entry.regionId}`, entry.api, entry.status];
  if (entry.code) parts.push(`code ${entry.code}`);
  if (entry.requestId) parts.push(`request id ${entry.requestId}`);
  if (entry.resourceIds?.length) parts.push(`${entry.resourceIds.length} incomplete: ${entry.resourceIds.slice(0, 5).join(', ')}${entry.resourceIds.length > 5 ? ', …' : ''}`);
  return `${parts.join(', ')}${entry.message ? `: ${entry.message}` : ''}`;
}

/** `120 groups (2,400 rules), 500 instances, 600 interfaces, 100 EIPs, 2 prefix lists` for --verbose. */
function regionCounts(region: Region): string {
  const rules = region.securityGroups.reduce((sum, group) => sum + group.rules.length, 0);
  return `${region.securityGroups.length} groups (${rules} rules), ${region.instances.length} instances, ${region.networkInterfaces.length} interfaces, ${region.eips.length} EIPs, ${region.prefixLists.length} prefix lists`;
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 1) throw new SgauditError('USAGE', `${name} must be a positive number, got ${value}`);
  return Math.floor(value);
}

/** A coverage entry with the account's alias in it (after the account id, as the schema lists it). */
function withAlias(entry: Coverage, alias: string | undefined): Coverage {
  if (!alias || entry.alias) return entry;
  const { accountId, ...rest } = entry;
  return { accountId, alias, ...rest };
}

/** Limits shared by the callers of one scope: requests in flight per scope and per API, and each API's pacer. */
interface CallerLimits {
  scopeSlots: Semaphore;
  apiSlots: Map<CalledApi, Semaphore>;
  pacers: Map<CalledApi, Pacer>;
}

function newLimits(context: CollectContext): CallerLimits {
  return { scopeSlots: new Semaphore(context.concurrency.perRegion), apiSlots: new Map(), pacers: new Map() };
}

interface CallerSetup {
  timeouts: { connectMs: number; readMs: number };
  label: string;
  /** Shared with other callers (the management account's STS and Resource Manager calls); new ones otherwise. */
  limits?: CallerLimits;
  /** The account's own in-flight bound, across its regions. */
  accountSlots?: Semaphore;
  /** The account's STS session: a request refused as expired is renewed and tried once more. */
  credentials?: RefreshingCredentials;
}

/**
 * Builds a Caller: requests wait for a slot of their API and scope (a region, or the management
 * calls), then for their API's pacer, a slot of their account and the run's budget; they are
 * retried per policy, and counted per API for coverage. A hung response is cut by the SDK's read timeout;
 * a guard timer backs that up so one stuck socket cannot stall a run.
 */
function createCaller(context: CollectContext, setup: CallerSetup): { call: Caller; attempts: (api: CalledApi) => number } {
  const { timeouts, label, accountSlots, credentials } = setup;
  const limits = setup.limits ?? newLimits(context);
  const attempts = new Map<CalledApi, number>();
  const guardMs = timeouts.connectMs + timeouts.readMs + 5_000;
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
    let slots = limits.apiSlots.get(api);
    let pacer = limits.pacers.get(api);
    if (!slots || !pacer) {
      slots = new Semaphore(context.concurrency.perApi);
      pacer = new Pacer();
      limits.apiSlots.set(api, slots);
      limits.pacers.set(api, pacer);
    }
    // Pages of listings and detail calls are the progress; STS calls are session plumbing, not pages.
    const page = api !== 'AssumeRole' && api !== 'GetCallerIdentity';
    if (page) progress?.grow(1);
    const [apiSlotsFixed, apiPacer] = [slots, pacer];
    let sentAt = 0;
    let generation = 0;
    const send = async () => {
      if (context.budget) await context.budget.take(signal);
      sentAt = performance.now();
      generation = credentials?.generation ?? 0;
      return guarded(run);
    };
    const attempt = async () => {
      await sleep(apiPacer.reserve(), signal);
      // The account's bound counts requests on their way (waiting for the run's budget, or sent), not
      // those a pacer or a backoff holds back, so one slow API cannot fill the account's slots.
      const value = accountSlots ? await accountSlots.run(send) : await send();
      apiPacer.onSuccess();
      return value;
    };
    const retried = () =>
      withRetry(attempt, context.retry, {
        ...(signal ? { signal } : {}),
        // Once an API is paced, the pacer spaces retries of throttled calls; backing off on top would idle the quota.
        delayFor: (failure) => (isThrottling(failure) && apiPacer.pacing ? 0 : undefined),
        ...(credentials
          ? {
              renew: async (failure: ApiFailure) => {
                if (!isExpiredToken(failure)) return false;
                context.stats.renewedAfterExpiry++;
                log.verbose(`${label} ${api}: ${failure.code}${failure.requestId ? ` (request id ${failure.requestId})` : ''}; renewing the session and trying again`);
                return credentials.renew(generation);
              },
            }
          : {}),
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
      });
    try {
      const { value } = await apiSlotsFixed.run(() => limits.scopeSlots.run(retried));
      return value;
    } finally {
      if (page) progress?.tick(1, label, api);
    }
  };
  return { call, attempts: (api) => attempts.get(api) ?? 0 };
}

function failureCoverage(context: CollectContext, account: { accountId: string; alias?: string }, api: CoverageApi, error: unknown, requests: number): Coverage {
  const failure: ApiFailure = error instanceof ApiCallError ? error.failure : classifyError(error);
  return {
    accountId: account.accountId,
    ...(account.alias ? { alias: account.alias } : {}),
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

function recordFailure(context: CollectContext, entry: Coverage): void {
  context.coverage.push(entry);
  log.warn(describeCoverage(entry));
}

/** The starting credentials' account id (STS GetCallerIdentity), or undefined when STS cannot tell. */
async function callerIdentity(context: CollectContext, management: CallerLimits, base: ClientFactory): Promise<string | undefined> {
  const caller = createCaller(context, { timeouts: base.timeouts, label: 'sts', limits: management });
  try {
    return await caller.call('GetCallerIdentity', () => callerAccountId(base));
  } catch (error) {
    if (context.options.signal?.aborted) throw abortError(context.options.signal);
    log.verbose(`could not read the caller's account id (${classifyError(error).code}); recording the account as "default"`);
    return undefined;
  }
}

/** Resource Directory members (ListAccounts), recorded in coverage either way; undefined when the listing failed. */
async function discoverMembers(context: CollectContext, management: CallerLimits, base: ClientFactory, callerId: string | undefined): Promise<DirectoryMember[] | undefined> {
  const lister = { accountId: callerId ?? 'default' };
  const caller = createCaller(context, { timeouts: base.timeouts, label: 'resource directory', limits: management });
  try {
    const members = await listMembers(base, caller.call);
    const alias = members.find((member) => member.accountId === callerId)?.displayName;
    context.coverage.push(withAlias({ ...lister, regionId: GLOBAL_REGION, api: 'ListAccounts', status: 'complete', requests: caller.attempts('ListAccounts'), items: members.length }, alias));
    log.verbose(`Resource Directory: ${members.length} member(s) listed`);
    return members;
  } catch (error) {
    if (context.options.signal?.aborted) throw abortError(context.options.signal);
    recordFailure(context, failureCoverage(context, lister, 'ListAccounts', error, caller.attempts('ListAccounts')));
    return undefined;
  }
}

async function resolveRegions(context: CollectContext, account: { accountId: string; alias?: string }, call: ReturnType<typeof createCaller>, clients: ClientFactory): Promise<string[]> {
  if (context.options.regions?.length) return [...new Set(context.options.regions)];
  try {
    const { regions } = await call.call('DescribeRegions', () => fetchRegions(clients, BOOTSTRAP_REGION));
    const ids = regions.map((region) => region.regionId ?? '').filter((id) => id !== '');
    context.coverage.push(withAlias({ accountId: account.accountId, regionId: GLOBAL_REGION, api: 'DescribeRegions', status: 'complete', requests: call.attempts('DescribeRegions'), items: ids.length }, account.alias));
    return ids;
  } catch (error) {
    if (context.options.signal?.aborted) throw abortError(context.options.signal);
    recordFailure(context, failureCoverage(context, account, 'DescribeRegions', error, call.attempts('DescribeRegions')));
    return [];
  }
}

type RegionSink = (account: AccountHeader, region: Region) => Promise<void>;

/**
 * One account: enter it (AssumeRole into a session that renews itself, or the starting
 * credentials), find its regions, collect them. Its failures become coverage entries; only an
 * abort or a local problem throws, so one account cannot stop the others.
 */
async function collectAccount(context: CollectContext, planned: PlannedAccount, base: ClientFactory, management: CallerLimits, write: RegionSink, listed: () => void): Promise<void> {
  try {
    await collectAccountRegions(context, planned, base, management, write, listed);
  } finally {
    listed();
  }
}

/** collectAccount's work; `listed` closes the account's progress source once its regions are known. */
async function collectAccountRegions(context: CollectContext, planned: PlannedAccount, base: ClientFactory, management: CallerLimits, write: RegionSink, listed: () => void): Promise<void> {
  const { options } = context;
  let accountId = planned.accountId;
  if (accountId === undefined) accountId = (await callerIdentity(context, management, base)) ?? 'default';
  const account = { accountId, ...(planned.alias ? { alias: planned.alias } : {}) };
  const label = accountLabel(accountId, planned.alias);
  const accountSlots = new Semaphore(context.concurrency.perAccount);
  const { shard } = options;
  // With the regions given, a shard knows the account's units without entering it, and skips an account it owns none of.
  if (shard && options.regions?.length) {
    const regions = [...new Set(options.regions)];
    context.units.set(accountId, regions);
    if (!regions.some((regionId) => ownsUnit(shard, account.accountId, regionId))) {
      log.verbose(`${label}: no region of it is in shard ${shard.index}/${shard.count}`);
      return;
    }
  }

  let clients = base;
  let credentials: RefreshingCredentials | undefined;
  let sts: ReturnType<typeof createCaller> | undefined;
  if (planned.roleArn) {
    const roleArn = planned.roleArn;
    // The management account's STS quota is one for all accounts: these calls share its limits and pacer.
    const stsCaller = createCaller(context, { timeouts: base.timeouts, label, limits: management });
    sts = stsCaller;
    let started = false;
    const assume = async () => {
      try {
        return await stsCaller.call('AssumeRole', () => assumeRole(base, roleArn, context.sessionName, context.sessionSeconds));
      } catch (error) {
        if (!started || !(error instanceof ApiCallError)) throw error;
        // A renewal that failed reaches the request that needed it: say so in its coverage entry.
        const { failure } = error;
        throw new ApiCallError({ ...failure, message: `the STS session could not be renewed (AssumeRole ${failure.code}): ${failure.message}` }, error.attempts, { cause: error });
      }
    };
    credentials = new RefreshingCredentials(assume, {
      fallbackLifetimeMs: context.sessionSeconds * 1000,
      onSession: (session) => {
        context.redactor.add(session.accessKeySecret);
        context.redactor.add(session.securityToken);
        context.stats.sessions++;
      },
      onRenewalFailed: (error) => {
        const failure = classifyError(error);
        log.warn(`${label}, region ${GLOBAL_REGION}, AssumeRole, renewal failed, code ${failure.code}${failure.requestId ? `, request id ${failure.requestId}` : ''}: the current session is used while it lasts`);
      },
    });
    try {
      await credentials.start();
      started = true;
    } catch (error) {
      if (options.signal?.aborted) throw abortError(options.signal);
      recordFailure(context, failureCoverage(context, account, 'AssumeRole', error, stsCaller.attempts('AssumeRole')));
      return;
    }
    clients = createClientFactory({ ...(options.endpoint ? { endpoint: options.endpoint } : {}), provider: credentials, timeouts: base.timeouts });
  }

  try {
    const accountCaller = createCaller(context, { timeouts: clients.timeouts, label, accountSlots, ...(credentials ? { credentials } : {}) });
    const regions = ownedRegions(context, accountId, await resolveRegions(context, account, accountCaller, clients), label);
    await collectRegions(context, { accountId, alias: planned.alias }, regions, listed, write, async (regionId) => {
      const caller = createCaller(context, { timeouts: clients.timeouts, label: `${accountId}/${regionId}`, accountSlots, ...(credentials ? { credentials } : {}) });
      const running = collectRegion({
        accountId,
        regionId,
        clients,
        call: caller.call,
        attempts: caller.attempts,
        redact: (text) => context.redactor.redact(text),
        discovering: context.discovering,
      });
      return { running };
    });
  } finally {
    // Every session of the account, renewals included: how often STS was asked, how many it gave.
    if (sts && credentials) {
      context.coverage.push(withAlias({ accountId, regionId: GLOBAL_REGION, api: 'AssumeRole', status: 'complete', requests: sts.attempts('AssumeRole'), items: credentials.sessions }, planned.alias));
    }
  }
}

/** The units map as the shard header stores it: accounts and regions sorted, so shards of one run agree byte for byte. */
function unitsRecord(units: Map<string, string[]>): Record<string, string[]> {
  return Object.fromEntries([...units].sort(([a], [b]) => a.localeCompare(b)).map(([accountId, regions]) => [accountId, [...regions].sort()]));
}

/** The SDK sets no timeout of its own; the same defaults as the Alibaba clients'. */
const HUAWEI_TIMEOUTS = { connectMs: 5_000, readMs: 30_000 };

/**
 * One Huawei account: its configured projects (regions), each collected through the same
 * limits, pacing, retries, budget and coverage as an Alibaba region. Failures become coverage
 * entries; only an abort or a local problem throws.
 */
async function collectHuaweiAccount(context: CollectContext, spec: HuaweiAccountSpec, write: RegionSink, listed: () => void): Promise<void> {
  const { options } = context;
  const timeouts = { connectMs: options.timeouts?.connectMs ?? HUAWEI_TIMEOUTS.connectMs, readMs: options.timeouts?.readMs ?? HUAWEI_TIMEOUTS.readMs };
  const label = accountLabel(spec.accountId, spec.alias);
  // Huawei regions are the configured projects: a shard keeps the ones it owns, as for Alibaba.
  const regions = ownedRegions(context, spec.accountId, Object.keys(spec.projects), label);
  const accountSlots = new Semaphore(context.concurrency.perAccount);
  await collectRegions(context, { accountId: spec.accountId, alias: spec.alias, provider: 'huaweicloud' }, regions, listed, write, async (regionId) => {
    const clients = await createHuaweiClients(spec, regionId, spec.projects[regionId] as string, { endpoint: options.huawei?.endpoint, timeouts });
    const caller = createCaller(context, { timeouts, label: `${label}/${regionId}`, accountSlots });
    return { running: collectHuaweiRegion({ accountId: spec.accountId, regionId, clients, call: caller.call, attempts: caller.attempts, redact: (text) => context.redactor.redact(text), discovering: context.discovering }) };
  });
}

/**
 * An account's regions side by side, for either cloud. `start` sets a region's collection going
 * and returns it still running: the collectors open their listings' progress sources as they
 * start, so the region's own source closes then (each region waiting for its turn is pages not yet
 * known; the account's source closes once all are open). Each outcome is kept as it completes.
 */
async function collectRegions(
  context: CollectContext,
  account: AccountHeader,
  regions: readonly string[],
  listed: () => void,
  write: RegionSink,
  start: (regionId: string) => Promise<{ running: Promise<{ region: Region; coverage: Coverage[] }> }>,
): Promise<void> {
  const { signal } = context.options;
  const unlisted = new Map(regions.map((regionId) => [regionId, context.discovering()]));
  listed();
  await mapPool(regions, context.concurrency.regions, async (regionId) => {
    const regionListed = unlisted.get(regionId);
    try {
      if (signal?.aborted) throw abortError(signal);
      const { running } = await start(regionId);
      regionListed?.();
      const outcome = await running;
      if (signal?.aborted) throw abortError(signal);
      await keepRegion(context, account, outcome, write);
    } finally {
      regionListed?.();
    }
  });
}

/** The account's regions this run collects (a shard's own), every one recorded for the shard header. */
function ownedRegions(context: CollectContext, accountId: string, regions: string[], label: string): string[] {
  context.units.set(accountId, regions);
  const { shard } = context.options;
  const owned = regions.filter((regionId) => ownsUnit(shard, accountId, regionId));
  if (shard) log.verbose(`${label}: ${owned.length} of its ${regions.length} region(s) are in shard ${shard.index}/${shard.count}`);
  return owned;
}

/** A collected region of either cloud: its coverage (warned about where incomplete, labelled with the account) and its records. */
async function keepRegion(context: CollectContext, account: AccountHeader, outcome: { region: Region; coverage: Coverage[] }, write: RegionSink): Promise<void> {
  const coverage = outcome.coverage.map((entry) => {
    const labelled = withAlias(entry, account.alias);
    return account.provider && account.provider !== 'alicloud' ? { ...labelled, provider: account.provider } : labelled;
  });
  for (const entry of coverage) if (entry.status !== 'complete') log.warn(describeCoverage(entry));
  log.verbose(`collected ${account.accountId}/${outcome.region.regionId}: ${regionCounts(outcome.region)}${coverage.every((entry) => entry.status === 'complete') ? '' : ' (incomplete)'}`);
  context.coverage.push(...coverage);
  await write(account, outcome.region);
}

function requestBudget(rate: number): RequestBudget {
  if (!Number.isFinite(rate) || rate <= 0) throw new SgauditError('USAGE', `collect.rateLimit must be a positive number of requests per second, got ${rate}`);
  return new RequestBudget(rate);
}

function sessionSeconds(value: number | undefined): number {
  if (value === undefined) return DEFAULT_SESSION_SECONDS;
  // STS's own bounds; a role's maximum session may be lower, and STS then refuses with a clear code.
  if (!Number.isInteger(value) || value < 900 || value > 43200) throw new SgauditError('USAGE', `collect.sessionDurationSeconds must be a whole number from 900 to 43200, got ${value}`);
  return value;
}

/**
 * The Alibaba accounts of the run: planned (explicit, discovered), then collected a few at a time.
 * Returns how many were planned; `planned` closes the progress source of the planning.
 */
async function collectAlibabaAccounts(context: CollectContext, base: ClientFactory, write: RegionSink, planned: () => void): Promise<number> {
  const { options } = context;
  // STS and Resource Manager calls of the starting credentials share one set of limits and pacers:
  // their quota is the management account's, whichever member a call is for.
  const management = newLimits(context);
  const explicit = options.accounts ?? [];
  let plan = planAccounts({ explicit });
  if (options.discover) {
    const callerId = await callerIdentity(context, management, base);
    const members = await discoverMembers(context, management, base, callerId);
    plan = planAccounts({ explicit, discover: options.discover, ...(members ? { members } : {}), ...(callerId ? { callerAccountId: callerId } : {}) });
    for (const entry of plan.skipped) recordFailure(context, entry);
    if (members && plan.accounts.length === 0) log.warn('Resource Directory discovery selected no account to collect');
  }
  const unlisted = plan.accounts.map(() => context.discovering());
  planned();
  await mapPool(plan.accounts, context.concurrency.accounts, async (account, index) => {
    const listed = unlisted[index] ?? (() => undefined);
    if (options.signal?.aborted) {
      listed();
      throw abortError(options.signal);
    }
    await collectAccount(context, account, base, management, write, listed);
  });
  return plan.accounts.length;
}

/** The starting Alibaba clients, their credentials resolved (a missing chain is a config error, said in words). */
async function alibabaBase(options: CollectOptions, redactor: Redactor): Promise<ClientFactory> {
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
  return base;
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
  const providers = new Set<Provider>(options.providers ?? ['alicloud']);
  const huaweiAccounts = providers.has('huaweicloud') ? (options.huawei?.accounts ?? []) : [];
  if (providers.has('huaweicloud') && huaweiAccounts.length === 0) {
    throw new SgauditError('CONFIG_INVALID', 'Huawei Cloud is to be collected but no Huawei account is configured', { hint: 'list the accounts under huaweicloud.accounts in the config (see the README)' });
  }
  for (const account of huaweiAccounts) redactor.add(account.secretAccessKey);
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
      accounts: positive(options.concurrency?.accounts, DEFAULT_CONCURRENCY.accounts, 'concurrency.accounts'),
      perAccount: positive(options.concurrency?.perAccount, DEFAULT_CONCURRENCY.perAccount, 'concurrency.perAccount'),
    },
    redactor,
    stats: { requests: 0, retries: 0, throttled: 0, sessions: 0, renewedAfterExpiry: 0 },
    coverage: [],
    ...(options.rateLimit === undefined ? {} : { budget: requestBudget(options.rateLimit) }),
    // RoleSessionName allows letters, digits and .@-_ up to 64 characters: sgaudit and the snapshot id.
    sessionName: `sgaudit-${id}`,
    sessionSeconds: sessionSeconds(options.sessionDurationSeconds),
    discovering: options.progress ? () => (options.progress as Progress).discovering() : () => () => undefined,
    units: new Map(),
  };

  // Alibaba's clients and credentials only when Alibaba is collected: a Huawei-only run needs neither.
  const base = providers.has('alicloud') ? await alibabaBase(options, redactor) : undefined;

  const writer = await createSnapshotWriter(typeof options.out === 'function' ? options.out(takenAt, id) : options.out);
  let writes: Promise<void> = Promise.resolve();
  // The writer takes one region at a time; chain so regions finishing together (in any account) do not interleave.
  const write: RegionSink = (account, region) => {
    writes = writes.then(() => writer.addRegion(account, region));
    return writes;
  };
  // Until the accounts are planned, nothing of the run's size is known.
  const planned = context.discovering();
  try {
    const huaweiListed = huaweiAccounts.map(() => context.discovering());
    // Huawei accounts come from the config: only Alibaba's can still be discovered.
    if (!base) planned();
    const [alibabaAccounts] = await Promise.all([
      base ? collectAlibabaAccounts(context, base, write, planned) : 0,
      mapPool(huaweiAccounts, context.concurrency.accounts, async (spec, index) => {
        const listed = huaweiListed[index] ?? (() => undefined);
        if (options.signal?.aborted) {
          listed();
          throw abortError(options.signal);
        }
        await collectHuaweiAccount(context, spec, write, listed);
      }),
    ]);
    await writes;
    const coverage = sortCoverage(context.coverage);
    const shard = options.shard ? { shard: { ...options.shard, units: unitsRecord(context.units) } } : {};
    const provider = headerProvider(providers);
    const result = await writer.finish({ id, takenAt, tool: { name: TOOL.name, version: TOOL.version }, provider, coverage, ...shard });
    const header: SnapshotHeader = { schema: SNAPSHOT_SCHEMA, id, takenAt, tool: { name: TOOL.name, version: TOOL.version }, provider, coverage, ...shard };
    options.progress?.done(`${context.stats.requests} requests, ${context.stats.retries} retries${context.stats.sessions > alibabaAccounts ? `, ${context.stats.sessions} STS sessions` : ''}`);
    return { path: result.path, header, stats: { ...context.stats, durationMs: Date.now() - started } };
  } catch (error) {
    planned();
    await writes.catch(() => undefined);
    await writer.abort();
    if (error instanceof SgauditError) throw error;
    if (options.signal?.aborted) throw new SgauditError('RUNTIME', 'collection aborted; no snapshot written', { cause: error });
    throw new SgauditError('RUNTIME', `collection failed: ${redactor.redact(error instanceof Error ? error.message : String(error))}`, { cause: error });
  }
}
