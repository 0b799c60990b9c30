import type { Command } from 'commander';
import { DEMO_CREDENTIALS, huaweiProjectId, startEmulator } from '../emulator/index.js';
import { directoryFromFlags, estateFromFlags, faultsFromFlags, seedFromFlags, stsFromFlags, type EmulatorFlags } from '../emulator/cli-options.js';
import { SgauditError } from '../model/errors.js';
import { log } from '../util/log.js';

const collectValues = (value: string, previous: string[] = []) => [...previous, ...value.split(',').map((v) => v.trim()).filter(Boolean)];

export function register(program: Command): void {
  program
    .command('emulator')
    .description('run a local Alibaba Cloud OpenAPI emulator (ECS, VPC, STS, Resource Directory) serving a sample, generated or file estate')
    .addHelpText(
      'after',
      '\nExamples:\n  sgaudit emulator --port 8080\n  sgaudit emulator --generate instances=5000,groups=1000,rulesPerGroup=20 --throttle-rate 0.05 --forbid-region ap-southeast-1\n  ALIBABA_CLOUD_ACCESS_KEY_ID=sgaudit-demo-key ALIBABA_CLOUD_ACCESS_KEY_SECRET=sgaudit-demo-secret sgaudit scan --endpoint http://127.0.0.1:8080',
    )
    .option('--port <n>', 'port to listen on (0 = any free port)', '0')
    .option('--host <address>', 'address to bind', '127.0.0.1')
    .option('--estate <file>', 'serve this estate JSON file ({accounts:[…]})')
    .option('--generate <spec>', 'serve a generated estate, e.g. instances=50000,groups=10000,rulesPerGroup=20,enis=60000,eips=10000')
    .option('--sample', 'serve the built-in sample estate (default)')
    .option('--seed <n>', 'seed for the generator and the fault draws', '42')
    .option('--throttle-rate <share>', 'share of requests answered Throttling.User (0–1)')
    .option('--error-rate <share>', 'share of requests answered 500/503 (0–1)')
    .option('--reset-rate <share>', 'share of requests whose connection is reset (0–1)')
    .option('--malformed-rate <share>', 'share of requests answered with an unparseable body (0–1)')
    .option('--latency-ms <n>', 'delay added to every response')
    .option('--hang <n>', 'never answer the Nth request (repeatable)', collectValues)
    .option('--forbid-region <region>', 'answer 403 Forbidden.RAM in this region (repeatable)', collectValues)
    .option('--rate-limit <n>', 'requests per second per account × region × API; above it, Throttling.User')
    .option('--retry-after-ms <n>', 'x-acs-retry-after value on injected throttling')
    .option('--deny-role <account>', 'the role in this account does not trust the caller: AssumeRole answers 403 NoPermission (repeatable)', collectValues)
    .option('--member-status <account=status>', 'Resource Directory status of a member, e.g. 1234567890123456=Suspended (repeatable; the first account manages the directory)', collectValues)
    .option('--token-lifetime <seconds>', 'STS sessions expire after this many seconds, whatever DurationSeconds asked (and the expiry is enforced)')
    .option('--show-secret', 'also print the demo access key secret')
    .action(async (flags: EmulatorFlags & { port: string; host: string; showSecret?: boolean }) => {
      const port = Number(flags.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new SgauditError('USAGE', `--port must be 0–65535, got "${flags.port}"`);
      const estate = await estateFromFlags(flags);
      const sts = stsFromFlags(flags);
      const emulator = await startEmulator({
        estate,
        port,
        host: flags.host,
        seed: seedFromFlags(flags),
        faults: faultsFromFlags(flags),
        resourceDirectory: directoryFromFlags(flags, estate),
        ...(sts ? { sts } : {}),
      });
      const lines = [
        `sgaudit emulator listening on ${emulator.url}`,
        `endpoint:      ${emulator.url}`,
        `access key id: ${DEMO_CREDENTIALS.accessKeyId}`,
        ...(flags.showSecret ? [`access secret: ${DEMO_CREDENTIALS.accessKeySecret}`] : []),
        `accounts:      ${estate.accounts.map((account) => account.accountId).join(', ')} (a Resource Directory managed by the first: sgaudit collect --discover)`,
        `use it: set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET${flags.showSecret ? '' : ' (secret: --show-secret)'}, then sgaudit collect --endpoint ${emulator.url}`,
        // Huawei accounts of the estate: what a huaweicloud config section needs (endpoint, AK/SK variables, projects).
        ...emulator.huaweiCredentials().map((key) => {
          const regions = estate.accounts.find((account) => account.accountId === key.accountId)?.regions ?? [];
          const projects = regions.map((region) => `${region.regionId}: ${huaweiProjectId(key.accountId, region.regionId)}`).join(', ');
          return `huawei cloud:  account ${key.accountId}, AK ${key.accessKeyId}${flags.showSecret ? `, SK ${key.secretAccessKey}` : ''}, projects { ${projects} } (huaweicloud.endpoint: ${emulator.url})`;
        }),
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await emulator.close();
      const stats = emulator.stats();
      log.info(`emulator stopped after ${stats.requests} requests`, { faults: stats.faults });
    });
}
