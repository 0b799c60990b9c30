import { roleArnFor } from '../collect/alicloud/arn.js';
import type { CollectOptions, HuaweiAccountSpec } from '../collect/index.js';
import type { ResolvedConfig } from '../config/load.js';
import { SgauditError } from '../model/errors.js';
import type { Provider } from '../model/snapshot.js';

/** What flags may override of the collector's configuration. */
export type CollectOverrides = Pick<CollectOptions, 'endpoint' | 'regions' | 'accounts' | 'credentials' | 'providers' | 'huawei'>;

/** `discover: resourceDirectory` and its `resourceDirectory:` settings as the collector takes them. */
function discoverOptions(config: ResolvedConfig): CollectOptions['discover'] {
  if (config.discover !== 'resourceDirectory') return undefined;
  const settings = config.resourceDirectory ?? {};
  return {
    ...(settings.roleName ? { roleName: settings.roleName } : {}),
    ...(settings.folders?.length ? { folders: settings.folders } : {}),
    ...(settings.accounts?.length ? { accounts: settings.accounts } : {}),
    ...(settings.exclude?.length ? { exclude: settings.exclude } : {}),
    ...(settings.statuses?.length ? { statuses: settings.statuses } : {}),
  };
}

/** The clouds of the run: as configured, else Alibaba plus Huawei when a huaweicloud section exists. */
function providersOf(config: ResolvedConfig): Provider[] {
  return config.providers ?? (config.huaweicloud ? ['alicloud', 'huaweicloud'] : ['alicloud']);
}

/** Each Huawei account with its AK/SK read from the environment variables the config names; a missing one names its config path. */
function huaweiAccounts(config: ResolvedConfig, env: NodeJS.ProcessEnv): HuaweiAccountSpec[] {
  return (config.huaweicloud?.accounts ?? []).map((account, index) => {
    const read = (name: string, field: string): string => {
      const value = env[name];
      if (value) return value;
      throw new SgauditError('CONFIG_INVALID', `huaweicloud.accounts[${index}].${field}: the environment variable ${name} is not set (Huawei Cloud account ${account.id})`, {
        hint: `export ${name}, or name another variable in huaweicloud.accounts[${index}].${field}`,
      });
    };
    return {
      accountId: account.id,
      ...(account.alias ? { alias: account.alias } : {}),
      accessKeyId: read(account.accessKeyIdEnv, 'accessKeyIdEnv'),
      secretAccessKey: read(account.secretAccessKeyEnv, 'secretAccessKeyEnv'),
      projects: account.projects,
    };
  });
}

/** The collector's options from the config, with flag overrides (endpoint, regions, accounts, credentials) taking precedence. */
export function collectOptionsFromConfig(config: ResolvedConfig, overrides: CollectOverrides, env: NodeJS.ProcessEnv = process.env): CollectOptions {
  const accounts =
    overrides.accounts ??
    config.accounts?.map((account) => ({
      accountId: account.id,
      ...(account.alias ? { alias: account.alias } : {}),
      ...(account.roleArn ? { roleArn: account.roleArn } : account.roleName ? { roleArn: roleArnFor(account.id, account.roleName) } : {}),
    }));
  const endpoint = overrides.endpoint ?? config.endpoint;
  const regions = overrides.regions ?? config.regions;
  const discover = discoverOptions(config);
  const collect = config.collect;
  const providers = overrides.providers ?? providersOf(config);
  const huawei = overrides.huawei ?? (providers.includes('huaweicloud') && config.huaweicloud ? { ...(config.huaweicloud.endpoint ? { endpoint: config.huaweicloud.endpoint } : {}), accounts: huaweiAccounts(config, env) } : undefined);
  return {
    // Alibaba alone is the collector's default.
    ...(providers.length === 1 && providers[0] === 'alicloud' ? {} : { providers }),
    ...(huawei ? { huawei } : {}),
    ...(endpoint ? { endpoint } : {}),
    ...(regions?.length ? { regions } : {}),
    ...(accounts?.length ? { accounts } : {}),
    ...(discover ? { discover } : {}),
    ...(overrides.credentials ? { credentials: overrides.credentials } : {}),
    ...(collect?.concurrency ? { concurrency: collect.concurrency } : {}),
    ...(collect?.timeouts ? { timeouts: collect.timeouts } : {}),
    ...(collect?.retry ? { retry: collect.retry } : {}),
    ...(collect?.rateLimit !== undefined ? { rateLimit: collect.rateLimit } : {}),
    ...(collect?.sessionDurationSeconds !== undefined ? { sessionDurationSeconds: collect.sessionDurationSeconds } : {}),
  };
}
