import { roleArnFor } from '../collect/alicloud/arn.js';
import type { CollectOptions } from '../collect/index.js';
import type { ResolvedConfig } from '../config/load.js';

/** What flags may override of the collector's configuration. */
export type CollectOverrides = Pick<CollectOptions, 'endpoint' | 'regions' | 'accounts' | 'credentials'>;

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

/** The collector's options from the config, with flag overrides (endpoint, regions, accounts, credentials) taking precedence. */
export function collectOptionsFromConfig(config: ResolvedConfig, overrides: CollectOverrides): CollectOptions {
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
  return {
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
