import type * as CoreModule from '@huaweicloud/huaweicloud-sdk-core';
import type * as EcsModule from '@huaweicloud/huaweicloud-sdk-ecs';
import type * as VpcModule from '@huaweicloud/huaweicloud-sdk-vpc';

/** One Huawei account's access: its AK/SK and, per region, the project the APIs are called in. */
export interface HuaweiAccountAccess {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface HuaweiTimeouts {
  connectMs: number;
  readMs: number;
}

type Sdk = { core: typeof CoreModule; vpc: typeof VpcModule; ecs: typeof EcsModule };

type VpcV3Client = VpcModule.v3.VpcClient;
type VpcV2Client = VpcModule.VpcClient;
type EcsClient = EcsModule.EcsClient;

/** The request classes the paginators build, from the loaded SDK. */
type HuaweiRequests = Pick<typeof VpcModule.v3, 'ListSecurityGroupsRequest' | 'ListSecurityGroupRulesRequest' | 'ListAddressGroupRequest'> &
  Pick<typeof VpcModule, 'ListPortsRequest'> &
  Pick<typeof EcsModule, 'ListServersDetailsRequest'>;

export interface HuaweiClients {
  vpc: VpcV3Client;
  /** VPC v2: the only Node client with ListPorts (each port's groups in sequence order). */
  ports: VpcV2Client;
  ecs: EcsClient;
  requests: HuaweiRequests;
}

let loading: Promise<Sdk> | undefined;

/**
 * The Huawei SDKs are loaded on the first Huawei account a run collects: every other command, and
 * a run with Alibaba accounts only, never pays for them.
 */
function loadSdk(): Promise<Sdk> {
  loading ??= Promise.all([import('@huaweicloud/huaweicloud-sdk-core'), import('@huaweicloud/huaweicloud-sdk-vpc'), import('@huaweicloud/huaweicloud-sdk-ecs')]).then(([core, vpc, ecs]) => ({ core, vpc, ecs }));
  return loading;
}

/**
 * The SDK logs every failed request through log4js to the console — stdout, with the request's
 * headers (the AK id in Authorization) — and offers no option to stop it. sgaudit reports failures
 * itself, redacted, so each client's logger is switched off (a level above `error` that the
 * logger's severity check never passes).
 */
function quiet<T extends object>(client: T): T {
  const logger = (client as { hcClient?: { httpClient?: { _logger?: { setLevel?: (level: string) => void } } } }).hcClient?.httpClient?._logger;
  logger?.setLevel?.('off');
  return client;
}

/** `https://vpc.cn-north-4.myhuaweicloud.com` unless an endpoint (emulator, private endpoint) replaces every service's. */
function endpointFor(service: 'vpc' | 'ecs', regionId: string, override: string | undefined): string {
  return override ?? `https://${service}.${regionId}.myhuaweicloud.com`;
}

/**
 * Clients for one (account, region). The project id is always passed: without it the SDK asks IAM
 * for it (an extra call, and one more permission). Timeouts are explicit; the SDK has none.
 */
export async function createHuaweiClients(access: HuaweiAccountAccess, regionId: string, projectId: string, options: { endpoint?: string | undefined; timeouts: HuaweiTimeouts }): Promise<HuaweiClients> {
  const { core, vpc, ecs } = await loadSdk();
  const credentials = new core.BasicCredentials().withAk(access.accessKeyId).withSk(access.secretAccessKey).withProjectId(projectId);
  const userOptions = { axiosRequestConfig: { timeout: options.timeouts.connectMs + options.timeouts.readMs } };
  const build = <C>(builder: { withCredential(c: CoreModule.BasicCredentials): unknown }, service: 'vpc' | 'ecs'): C => {
    const typed = builder as { withCredential(c: CoreModule.BasicCredentials): { withEndpoint(e: string): { withOptions(o: object): { build(): C } } } };
    return quiet(typed.withCredential(credentials).withEndpoint(endpointFor(service, regionId, options.endpoint)).withOptions(userOptions).build() as object) as C;
  };
  return {
    vpc: build<VpcV3Client>(vpc.v3.VpcClient.newBuilder(), 'vpc'),
    ports: build<VpcV2Client>(vpc.VpcClient.newBuilder(), 'vpc'),
    ecs: build<EcsClient>(ecs.EcsClient.newBuilder(), 'ecs'),
    requests: {
      ListSecurityGroupsRequest: vpc.v3.ListSecurityGroupsRequest,
      ListSecurityGroupRulesRequest: vpc.v3.ListSecurityGroupRulesRequest,
      ListAddressGroupRequest: vpc.v3.ListAddressGroupRequest,
      ListPortsRequest: vpc.ListPortsRequest,
      ListServersDetailsRequest: ecs.ListServersDetailsRequest,
    },
  };
}
