import Ecs, * as $Ecs from '@alicloud/ecs20140526';
import { Config } from '@alicloud/openapi-client';
import ResourceManager, * as $ResourceManager from '@alicloud/resourcemanager20200331';
import Sts, * as $Sts from '@alicloud/sts20150401';
import Vpc, * as $Vpc from '@alicloud/vpc20160428';
import type { RunningEmulator } from '../../src/emulator/index.js';

/** Real SDK clients pointed at the emulator: the wire contract is what these send and accept. */
export interface Keys {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

function config(emulator: RunningEmulator, keys: Keys, regionId: string, readTimeout = 10_000): Config {
  return new Config({ ...keys, regionId, endpoint: emulator.endpoint, protocol: 'HTTP', readTimeout, connectTimeout: 5_000 });
}

// Under NodeNext the CommonJS client class sits on the default export's `default`.
type EcsApi = InstanceType<typeof Ecs.default>;
type VpcApi = InstanceType<typeof Vpc.default>;
type StsApi = InstanceType<typeof Sts.default>;
type ResourceManagerApi = InstanceType<typeof ResourceManager.default>;
type Ctor<T> = new (config: Config) => T;
// vitest's interop sometimes hands over the class itself, node's ESM loader the CJS module object.
function classOf<T>(imported: unknown): Ctor<T> {
  const inner = (imported as { default?: unknown }).default;
  return (typeof inner === 'function' ? inner : imported) as Ctor<T>;
}
const EcsClient = classOf<EcsApi>(Ecs);
const VpcClient = classOf<VpcApi>(Vpc);
const StsClient = classOf<StsApi>(Sts);
const ResourceManagerClient = classOf<ResourceManagerApi>(ResourceManager);

export function ecsClient(emulator: RunningEmulator, keys: Keys, regionId = 'cn-hangzhou', readTimeout?: number): EcsApi {
  return new EcsClient(config(emulator, keys, regionId, readTimeout));
}
export function vpcClient(emulator: RunningEmulator, keys: Keys, regionId = 'cn-hangzhou'): VpcApi {
  return new VpcClient(config(emulator, keys, regionId));
}
export function stsClient(emulator: RunningEmulator, keys: Keys): StsApi {
  return new StsClient(config(emulator, keys, 'cn-hangzhou'));
}

export function resourceManagerClient(emulator: RunningEmulator, keys: Keys): ResourceManagerApi {
  return new ResourceManagerClient(config(emulator, keys, 'cn-hangzhou'));
}

export { $Ecs, $ResourceManager, $Sts, $Vpc };
