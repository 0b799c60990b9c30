import { Option, type Command } from 'commander';
import { roleArnFor } from '../collect/alicloud/arn.js';
import { SgauditError } from '../model/errors.js';
import type { Severity } from '../model/findings.js';
import { commaList } from './parse.js';
import type { ScanOptions } from '../pipeline/scan.js';
import { resolveBaseline } from '../store/baseline.js';
import { REPORT_FORMATS, type ReportFormat } from '../report/index.js';
import { parseReportFormats } from '../report/write-reports.js';
import { deprecatedAlias, option, type Against } from './flags.js';
import { snapshotArgument } from './inputs.js';

/** Flags shared by `scan` and `schedule`; parsing only. */
export interface ScanFlags {
  config?: string;
  endpoint?: string;
  regions?: string[];
  accounts?: string[];
  roleName?: string;
  store?: string;
  out?: string;
  format?: ReportFormat[];
  failOn?: Severity;
  strict?: boolean;
  against?: Against;
  failOnDrift?: 'new-exposure' | 'any';
}

/** The scan options every scan-like command maps from its flags. */
export async function scanOptionsFromFlags(flags: ScanFlags): Promise<Omit<ScanOptions, 'config'>> {
  const accounts = accountsFromFlags(flags);
  const against = flags.against === undefined ? undefined : typeof flags.against === 'object' ? await snapshotArgument(flags.against.file) : flags.against;
  return {
    ...(flags.endpoint ? { endpoint: flags.endpoint } : {}),
    ...(flags.regions ? { regions: flags.regions } : {}),
    ...(accounts ? { accounts } : {}),
    ...(flags.store ? { storeDir: flags.store } : {}),
    ...(flags.format ? { formats: flags.format } : {}),
    ...(flags.failOn ? { failOn: flags.failOn } : {}),
    ...(flags.failOnDrift ? { failOnDrift: flags.failOnDrift } : {}),
    ...(flags.strict ? { strict: true } : {}),
    ...(against ? { baseline: against } : {}),
    resolveBaseline,
  };
}

/** Where collection happens and with which identity: `collect`, `scan` and `schedule`. */
export function addCollectionOptions(command: Command): Command {
  return command
    .option('--endpoint <url>', 'override every API endpoint (host:port or http(s)://host:port), e.g. the emulator')
    .option('--regions <list>', 'comma-separated region ids (default: regions from the config, else every region DescribeRegions returns)', commaList)
    .option('--accounts <list>', 'comma-separated account ids to collect through STS AssumeRole', commaList)
    .option('--role-name <name>', 'RAM role to assume in each of --accounts')
    .option('--strict', 'exit 3 when any account/region/API was not collected completely');
}

/** `out` says what --out is for this command: scan writes one run into it, schedule one subdirectory per run. */
export function addScanOptions(command: Command, out: string): Command {
  command.addOption(option.config()).addOption(option.store());
  addCollectionOptions(command)
    .option('--out <dir>', out)
    .addOption(new Option('--format <list>', `report formats, comma-separated: ${REPORT_FORMATS.join(', ')} (default: reports.formats from the config, else html,md; findings.jsonl.gz is always written)`).argParser(parseReportFormats))
    .addOption(option.failOn())
    .addOption(option.against('baseline.against from the config, else none'))
    .addOption(option.failOnDrift());
  return deprecatedAlias(command, '--baseline <snapshot>', '--against');
}

export function accountsFromFlags(flags: Pick<ScanFlags, 'accounts' | 'roleName'>): { accountId: string; roleArn: string }[] | undefined {
  if (!flags.accounts?.length) return undefined;
  if (!flags.roleName) throw new SgauditError('USAGE', '--accounts needs --role-name: the read-only RAM role to assume in each account');
  return flags.accounts.map((accountId) => ({ accountId, roleArn: roleArnFor(accountId, flags.roleName as string) }));
}
