import { join, resolve } from 'node:path';
import type { ResolvedConfig } from '../config/load.js';
import { DEMO_CREDENTIALS, huaweiProjectId, mixedSampleEstate, startEmulator } from '../emulator/index.js';
import { providerOf } from '../model/snapshot.js';
import { REPORT_FORMATS } from '../report/index.js';
import type { Progress } from '../util/progress.js';
import { runScan, runStamp, type ScanResult } from './scan.js';

/** The role the demo assumes in the sample estate's second account, as a real multi-account run would. */
const DEMO_ROLE_NAME = 'sgaudit-readonly';

/**
 * The out-of-the-box experience: start the emulator on the built-in mixed estate (two Alibaba
 * accounts and a Huawei one) and run a full scan through the real SDKs — Alibaba multi-account via
 * STS AssumeRole, Huawei with its AK/SK and projects, every region of the estate — into `dir`,
 * writing every report format.
 */
export async function runDemo(options: { config: ResolvedConfig; dir: string; progress?: Progress; now?: () => Date }): Promise<ScanResult & { htmlPath: string }> {
  const estate = mixedSampleEstate();
  const emulator = await startEmulator({ estate });
  try {
    const alibaba = estate.accounts.filter((account) => providerOf(account) === 'alicloud');
    const huaweiKeys = new Map(emulator.huaweiCredentials().map((key) => [key.accountId, key]));
    const huaweiAccounts = estate.accounts
      .filter((account) => providerOf(account) === 'huaweicloud')
      .flatMap((account) => {
        const key = huaweiKeys.get(account.accountId);
        if (!key) return [];
        const projects = Object.fromEntries(account.regions.map((region) => [region.regionId, huaweiProjectId(account.accountId, region.regionId)]));
        return [{ accountId: account.accountId, ...(account.alias ? { alias: account.alias } : {}), accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey, projects }];
      });
    const [first, ...others] = alibaba;
    const regions = [...new Set(alibaba.flatMap((account) => account.regions.map((region) => region.regionId)))];
    const accounts = [
      ...(first ? [{ accountId: first.accountId, ...(first.alias ? { alias: first.alias } : {}) }] : []),
      ...others.map((account) => ({
        accountId: account.accountId,
        ...(account.alias ? { alias: account.alias } : {}),
        roleArn: `acs:ram::${account.accountId}:role/${DEMO_ROLE_NAME}`,
      })),
    ];
    const started = (options.now ?? (() => new Date()))();
    const result = await runScan({
      config: options.config,
      endpoint: emulator.url,
      credentials: { ...DEMO_CREDENTIALS },
      regions,
      accounts,
      providers: ['alicloud', 'huaweicloud'],
      huawei: { endpoint: emulator.url, accounts: huaweiAccounts },
      storeDir: join(options.dir, 'snapshots'),
      outDir: join(options.dir, 'reports', runStamp(started)),
      formats: [...REPORT_FORMATS],
      baseline: 'none',
      ...(options.progress ? { progress: options.progress } : {}),
      ...(options.now ? { now: options.now } : {}),
    });
    const htmlPath = resolve(result.reportPaths.find((path) => path.endsWith('.html')) ?? result.findingsPath);
    return { ...result, htmlPath };
  } finally {
    await emulator.close();
  }
}
