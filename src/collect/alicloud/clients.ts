import ipaddr from 'ipaddr.js';
import Credential from '@alicloud/credentials';
import EcsModule from '@alicloud/ecs20140526';
import type { CredentialsProvider } from '@alicloud/credentials';
import { Config } from '@alicloud/openapi-client';
import ResourceManagerModule from '@alicloud/resourcemanager20200331';
import StsModule, { AssumeRoleRequest } from '@alicloud/sts20150401';
import { RuntimeOptions } from '@alicloud/tea-util';
import VpcModule from '@alicloud/vpc20160428';

/** The ECS, VPC and STS clients as their packages export them (under NodeNext the class is `.default`). */
type EcsClient = InstanceType<typeof EcsModule.default>;
type VpcClient = InstanceType<typeof VpcModule.default>;
type StsClient = InstanceType<typeof StsModule.default>;
type ResourceManagerClient = InstanceType<typeof ResourceManagerModule.default>;

/**
 * The class a CommonJS SDK package exports as `exports.default`. Node's ESM loader hands the
 * whole `module.exports` to a default import (so the class is `.default`), while bundler-style
 * loaders (vite/vitest) already unwrap it; accept both.
 */
function cjsClass<T>(imported: { default: T } | T): T {
  const inner = (imported as { default?: unknown }).default;
  return (typeof inner === 'function' ? inner : imported) as T;
}
const EcsClass = () => cjsClass<typeof EcsModule.default>(EcsModule);
const VpcClass = () => cjsClass<typeof VpcModule.default>(VpcModule);
const StsClass = () => cjsClass<typeof StsModule.default>(StsModule);
const ResourceManagerClass = () => cjsClass<typeof ResourceManagerModule.default>(ResourceManagerModule);
const CredentialClass = () => cjsClass<typeof Credential.default>(Credential);

interface AccessKeyCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

interface Timeouts {
  connectMs: number;
  readMs: number;
}

/** The SDK's 3 s default is too short for 1,000-rule pages on a busy API. */
const DEFAULT_TIMEOUTS: Timeouts = { connectMs: 5_000, readMs: 30_000 };

/** Region used to reach global services (DescribeRegions, STS) when no region is implied. */
export const BOOTSTRAP_REGION = 'cn-hangzhou';

export interface EndpointOverride {
  /** host:port as the SDK wants it (no scheme). */
  host: string;
  protocol: 'HTTP' | 'HTTPS';
}

/**
 * `--endpoint` accepts `host:port`, `http://host:port` or `https://host`. A bare host means HTTPS,
 * the only protocol the real cloud endpoints serve, except on a loopback address (localhost,
 * 127.0.0.0/8, ::1), where nothing but a local emulator or proxy listens and plain HTTP is meant.
 */
export function parseEndpoint(endpoint: string): EndpointOverride {
  const trimmed = endpoint.trim();
  const match = /^(https?):\/\/([^/]+)\/?$/i.exec(trimmed);
  if (match) return { host: match[2] ?? '', protocol: match[1]?.toLowerCase() === 'http' ? 'HTTP' : 'HTTPS' };
  if (/^[^/\s]+$/.test(trimmed)) return { host: trimmed, protocol: isLoopbackHost(trimmed) ? 'HTTP' : 'HTTPS' };
  throw new Error(`invalid endpoint "${endpoint}": expected host:port or an http(s):// URL without a path`);
}

/** `localhost:8080`, `127.0.0.1:8080`, `[::1]:8080` (with or without the port). */
function isLoopbackHost(hostPort: string): boolean {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(hostPort);
  const host = bracketed ? (bracketed[1] ?? '') : hostPort.includes('::') ? hostPort : hostPort.replace(/:\d+$/, '');
  if (host.toLowerCase() === 'localhost') return true;
  if (!ipaddr.isValid(host)) return false;
  return ipaddr.parse(host).range() === 'loopback';
}

export interface ClientFactoryOptions {
  endpoint?: string;
  /** Explicit keys; otherwise `provider`, otherwise the @alicloud/credentials default chain. */
  credentials?: AccessKeyCredentials;
  /**
   * A credentials provider the SDK asks before signing each request (e.g. RefreshingCredentials,
   * which renews STS sessions before they expire), so renewed keys reach every client at once.
   */
  provider?: CredentialsProvider;
  timeouts?: Partial<Timeouts>;
}

/**
 * Builds clients for one set of credentials. Nothing is created at import time, and clients are
 * cached per (product, region) because the SDK resolves the regional endpoint in its constructor.
 */
export interface ClientFactory {
  ecs(regionId: string): EcsClient;
  vpc(regionId: string): VpcClient;
  sts(): StsClient;
  /** Resource Manager (Resource Directory): a central endpoint, resourcemanager.aliyuncs.com. */
  resourceManager(): ResourceManagerClient;
  /** Per-call runtime options: explicit timeouts, and no SDK-side retries (the collector retries). */
  runtime(): RuntimeOptions;
  /** Resolve the default credential chain now, so "no credentials" fails once, up front. */
  resolveCredentials(): Promise<void>;
  readonly timeouts: Timeouts;
}

export function createClientFactory(options: ClientFactoryOptions = {}): ClientFactory {
  const override = options.endpoint === undefined ? undefined : parseEndpoint(options.endpoint);
  const timeouts: Timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  // One credential provider shared by all clients of this factory, so the default chain
  // (which may call the ECS metadata service or an OIDC endpoint) resolves once and refreshes once.
  const sharedCredential = options.credentials ? undefined : options.provider ? new (CredentialClass())(null, options.provider) : new (CredentialClass())();
  const cache = new Map<string, EcsClient | VpcClient | StsClient | ResourceManagerClient>();

  const config = (regionId: string): Config =>
    new Config({
      regionId,
      ...(options.credentials
        ? {
            accessKeyId: options.credentials.accessKeyId,
            accessKeySecret: options.credentials.accessKeySecret,
            ...(options.credentials.securityToken ? { securityToken: options.credentials.securityToken } : {}),
          }
        : { credential: sharedCredential }),
      ...(override ? { endpoint: override.host, protocol: override.protocol } : {}),
      connectTimeout: timeouts.connectMs,
      readTimeout: timeouts.readMs,
    });

  function cached<T extends EcsClient | VpcClient | StsClient | ResourceManagerClient>(key: string, make: () => T): T {
    let client = cache.get(key) as T | undefined;
    if (!client) {
      client = make();
      cache.set(key, client);
    }
    return client;
  }

  return {
    timeouts,
    async resolveCredentials() {
      if (sharedCredential) await sharedCredential.getCredential();
    },
    // openapi-client's Config and openapi-core's $OpenApiUtil.Config carry the same fields; the
    // clients read them by name, so the cast only bridges two declarations of one shape.
    ecs: (regionId) => cached(`ecs:${regionId}`, () => new (EcsClass())(config(regionId) as never)),
    vpc: (regionId) => cached(`vpc:${regionId}`, () => new (VpcClass())(config(regionId) as never)),
    sts: () => cached('sts', () => new (StsClass())(config(BOOTSTRAP_REGION) as never)),
    resourceManager: () => cached('resourcemanager', () => new (ResourceManagerClass())(config(BOOTSTRAP_REGION) as never)),
    runtime: () => new RuntimeOptions({ connectTimeout: timeouts.connectMs, readTimeout: timeouts.readMs, autoretry: false, maxAttempts: 0 }),
  };
}

/** Temporary keys from STS, with the time they stop working as STS announced it. */
export interface TemporaryCredentials extends AccessKeyCredentials {
  /** Epoch milliseconds of `Credentials.Expiration`; undefined when the answer carried none. */
  expiresAt?: number;
  requestId?: string;
}

/**
 * STS AssumeRole through the SDK client, so it honours `--endpoint` (the credentials package's
 * ram_role_arn provider always calls the public STS endpoint over HTTPS and signs the old way).
 * `durationSeconds` is what is asked for (STS accepts 900 up to the role's maximum, at most 43200);
 * the Expiration STS answers is what counts.
 */
export async function assumeRole(factory: ClientFactory, roleArn: string, sessionName: string, durationSeconds = 3600): Promise<TemporaryCredentials> {
  const response = await factory.sts().assumeRoleWithOptions(new AssumeRoleRequest({ roleArn, roleSessionName: sessionName, durationSeconds }), factory.runtime());
  const credentials = response.body?.credentials;
  if (!credentials?.accessKeyId || !credentials.accessKeySecret) {
    throw Object.assign(new Error(`AssumeRole into ${roleArn} returned no credentials`), { code: 'InvalidResponse', requestId: response.body?.requestId });
  }
  const expiresAt = credentials.expiration ? Date.parse(credentials.expiration) : Number.NaN;
  return {
    accessKeyId: credentials.accessKeyId,
    accessKeySecret: credentials.accessKeySecret,
    ...(credentials.securityToken ? { securityToken: credentials.securityToken } : {}),
    ...(Number.isNaN(expiresAt) ? {} : { expiresAt }),
    ...(response.body?.requestId ? { requestId: response.body.requestId } : {}),
  };
}

/** The account that owns the caller's credentials, or undefined when STS cannot tell. */
export async function callerAccountId(factory: ClientFactory): Promise<string | undefined> {
  const response = await factory.sts().getCallerIdentityWithOptions(factory.runtime());
  return response.body?.accountId || undefined;
}
