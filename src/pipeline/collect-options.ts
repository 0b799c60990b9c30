import { roleArnFor } from '../collect/alicloud/arn.js';
import type { CollectOptions } from '../collect/index.js';
import type { ResolvedConfig } from '../config/load.js';

/** What flags may override of the collector's configuration. */
export type CollectOverrides = Pick<CollectOptions, 'endpoint' | 'regions' | 'accounts' | 'credentials'>;

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
  return {
    ...(endpoint ? { endpoint } : {}),
    ...(regions?.length ? { regions } : {}),
    ...(accounts?.length ? { accounts } : {}),
    ...(overrides.credentials ? { credentials: overrides.credentials } : {}),
    ...(config.collect?.concurrency ? { concurrency: config.collect.concurrency } : {}),
    ...(config.collect?.timeouts ? { timeouts: config.collect.timeouts } : {}),
    ...(config.collect?.retry ? { retry: config.collect.retry } : {}),
  };
}
