import type { Estate } from '../model/snapshot.js';
import type { ResourceDirectory } from './resource-directory.js';

/** A key pair the emulator accepts. Without `accountId` the key belongs to the estate's first account. */
export interface EmulatorCredential {
  accessKeyId: string;
  accessKeySecret: string;
  accountId?: string;
}

/**
 * Faults are decided per request from (seed, request content, how often that content was seen),
 * so a run is reproducible even when the client sends pages concurrently, and a retried request
 * gets a fresh draw instead of failing forever.
 */
/** A Huawei Cloud AK/SK and the account (domain) it belongs to. */
export interface HuaweiCredential {
  accessKeyId: string;
  secretAccessKey: string;
  accountId: string;
}

export interface FaultOptions {
  /** Share of requests answered with HTTP 400 Throttling.User. */
  throttleRate?: number;
  /** Share of requests answered with 500 InternalError or 503 ServiceUnavailable. */
  errorRate?: number;
  /** Share of requests whose socket is destroyed before any response byte. */
  resetRate?: number;
  /** Share of requests answered with a body the SDK cannot parse (HTML gateway page or truncated JSON). */
  malformedRate?: number;
  /** Added to every response, in milliseconds. */
  latencyMs?: number;
  /** 1-based arrival numbers of requests that are never answered (the client must time out). */
  hangRequests?: number[];
  /** Share of requests never answered (drawn like the other random faults: a retry gets a fresh draw). */
  hangRate?: number;
  /** Regions whose ECS/VPC APIs answer 403 Forbidden.RAM for every account. */
  forbidRegions?: string[];
  /**
   * Regions that flip to Forbidden mid-run, as when a RAM policy or a control policy changes while a
   * collection reads them: region → the 1-based number of its ECS/VPC request from which on every
   * ECS/VPC call in it answers 403 Forbidden.RAM (earlier ones are served).
   */
  forbidRegionsAfter?: Record<string, number>;
  /** Requests per second allowed per account × region × API; above it the API answers Throttling.User. */
  rateLimit?: number;
  /** Bucket size of the rate limiter (requests that may arrive at once); default = rateLimit. */
  rateLimitBurst?: number;
  /** Value of the x-acs-retry-after header (ms) on injected throttling; rate-limit throttling always sends the real wait. */
  retryAfterMs?: number;
  /** Share of injected throttling answers that carry `retryAfterMs` (default 1: all); the others carry no x-acs-retry-after. */
  retryAfterShare?: number;
  /** Accounts whose role does not trust the caller: STS AssumeRole into them is refused (403 NoPermission). */
  denyAssumeRoleAccounts?: string[];
  /** Restrict random faults (throttle, error, reset, malformed, hang) to these actions; default all. */
  actions?: string[];
}

/** How STS sessions behave. */
export interface StsOptions {
  /**
   * Sessions last at most this long, whatever DurationSeconds asks (which must still be 900–43200,
   * as STS requires): short sessions make a test outlive several of them. Expiration says so.
   */
  lifetimeSeconds?: number;
  /**
   * Sessions stop working this long before the Expiration announced, as when the client's clock runs
   * behind STS's: a client that trusts Expiration to the second meets InvalidSecurityToken.Expired.
   */
  expireEarlyMs?: number;
}

/** A session STS handed out (for tests: the secrets must never appear in a snapshot, a log or a report). */
export interface IssuedSession {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken: string;
  accountId: string;
  roleArn: string;
  sessionName: string;
  /** Epoch milliseconds. */
  issuedAt: number;
  expiresAt: number;
}

export interface RecordedRequest {
  seq: number;
  /** ms since the emulator started. */
  at: number;
  /** `hwvpc` / `hwecs`: Huawei Cloud VPC and ECS. */
  product: 'ecs' | 'vpc' | 'sts' | 'resourcemanager' | 'hwvpc' | 'hwecs' | 'unknown';
  action: string;
  version: string;
  regionId: string;
  accountId: string;
  accessKeyId: string;
  params: Record<string, string>;
  status: number;
  /** Error code when the answer was an error. */
  code?: string;
  /** The RequestId the answer carried (none for a reset or a hung request). */
  requestId?: string;
  /** The injected fault, when one was. */
  fault?: FaultKind;
}

export type FaultKind = 'throttle' | 'rateLimit' | 'error5xx' | 'reset' | 'malformed' | 'hang' | 'forbidden' | 'latency';

export interface EmulatorStats {
  requests: number;
  byAction: Record<string, number>;
  byStatus: Record<string, number>;
  faults: Record<FaultKind, number>;
  signatureFailures: number;
}

export interface EmulatorOptions {
  estate: Estate;
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default one pair: DEMO_CREDENTIALS for the first Alibaba account. */
  credentials?: EmulatorCredential[];
  /** AK/SK of the Huawei Cloud accounts; default huaweiDemoCredentials(estate), one per account. */
  huaweiCredentials?: HuaweiCredential[];
  /**
   * The Resource Directory ListAccounts serves, and whose member roles trust only the management
   * account. Default: the estate's accounts, managed by the first (resourceDirectoryFor); `false`:
   * no directory (ListAccounts answers EntityNotExists.ResourceDirectory, any role trusts anyone).
   */
  resourceDirectory?: ResourceDirectory | false;
  sts?: StsOptions;
  faults?: FaultOptions;
  seed?: number;
  /** Keep at most this many recorded requests (oldest dropped); default 200,000. */
  maxRecordedRequests?: number;
}

export interface RunningEmulator {
  /** http://127.0.0.1:PORT */
  url: string;
  /** 127.0.0.1:PORT — what the SDK Config's `endpoint` takes. */
  endpoint: string;
  port: number;
  requests(): RecordedRequest[];
  /** Every STS session handed out, with its secrets (tests assert they leak nowhere). */
  stsSessions(): IssuedSession[];
  stats(): EmulatorStats;
  /** TCP connections open to the emulator now (idle keep-alive ones included): a client that leaks sockets grows it. */
  connections(): number;
  /** The Huawei accounts' keys the emulator accepts (tests and the demo configure the collector with them). */
  huaweiCredentials(): HuaweiCredential[];
  close(): Promise<void>;
}

export const DEMO_CREDENTIALS = { accessKeyId: 'sgaudit-demo-key', accessKeySecret: 'sgaudit-demo-secret' } as const;
