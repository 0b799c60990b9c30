import { Option, type Command } from 'commander';
import { roleArnFor } from '../collect/alicloud/arn.js';
import { accountMatcher } from '../config/account-selector.js';
import type { ResolvedConfig } from '../config/load.js';
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
  discover?: boolean;
  store?: string;
  out?: string;
  format?: ReportFormat[];
  failOn?: Severity;
  strict?: boolean;
  against?: Against;
  failOnDrift?: 'new-exposure' | 'any';
}

/** The scan options every scan-like command maps from its flags (and the config they adjust: collectionFromFlags). */
export async function scanOptionsFromFlags(flags: ScanFlags, loaded: ResolvedConfig): Promise<ScanOptions> {
  const { config, accounts } = collectionFromFlags(flags, loaded);
  const against = flags.against === undefined ? undefined : typeof flags.against === 'object' ? await snapshotArgument(flags.against.file) : flags.against;
  return {
    config,
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
    .option('--accounts <list>', 'comma-separated account ids (or aliases, globs) to collect: through STS AssumeRole with --role-name, else a selection of the configured or discovered accounts', commaList)
    .option('--role-name <name>', 'RAM role to assume in each of --accounts, or in each discovered member (default ResourceDirectoryAccountAccessRole)')
    .option('--discover', 'also collect every member of the Resource Directory the credentials manage (as discover: resourceDirectory in the config)')
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

/**
 * --discover, --accounts and --role-name over the config (flags win, as everywhere):
 * - with discovery (--discover or `discover:`), --role-name is the role assumed in the members and
 *   --accounts selects among the configured and discovered accounts (ids or aliases, globs),
 *   replacing `resourceDirectory.accounts`;
 * - without it, --accounts with --role-name lists the accounts to assume (replacing `accounts:`),
 *   and --accounts alone selects among the configured `accounts:`.
 */
export function collectionFromFlags(
  flags: Pick<ScanFlags, 'accounts' | 'roleName' | 'discover'>,
  loaded: ResolvedConfig,
): { config: ResolvedConfig; accounts?: { accountId: string; roleArn: string }[] } {
  const discover = flags.discover === true || loaded.discover === 'resourceDirectory';
  const selectors = flags.accounts?.length ? flags.accounts : undefined;
  if (!discover) {
    if (!selectors) {
      if (flags.roleName) throw new SgauditError('USAGE', '--role-name needs --accounts (the accounts to assume it in) or --discover (Resource Directory members)');
      return { config: loaded };
    }
    if (flags.roleName) return { config: loaded, accounts: selectors.map((accountId) => ({ accountId, roleArn: roleArnFor(accountId, flags.roleName as string) })) };
    if (!loaded.accounts?.length) {
      throw new SgauditError('USAGE', '--accounts needs --role-name: the read-only RAM role to assume in each account', {
        hint: 'or select among accounts: in the config, or among Resource Directory members with --discover',
      });
    }
    return { config: { ...loaded, accounts: selectConfigured(loaded, selectors) } };
  }
  const settings = { ...loaded.resourceDirectory, ...(flags.roleName ? { roleName: flags.roleName } : {}), ...(selectors ? { accounts: selectors } : {}) };
  const accounts = selectors && loaded.accounts ? selectConfigured(loaded, selectors, true) : loaded.accounts;
  return { config: { ...loaded, discover: 'resourceDirectory', resourceDirectory: settings, ...(accounts ? { accounts } : {}) } };
}

/** The configured accounts --accounts selects; none is a usage error unless discovery may still find some. */
function selectConfigured(config: ResolvedConfig, selectors: string[], discovering = false): NonNullable<ResolvedConfig['accounts']> {
  const matches = accountMatcher(selectors);
  const selected = (config.accounts ?? []).filter((account) => matches(account.id, account.alias));
  if (selected.length === 0 && !discovering) {
    throw new SgauditError('USAGE', `--accounts ${selectors.join(',')} matches none of the accounts in the config (${(config.accounts ?? []).map((account) => account.id).join(', ')})`);
  }
  return selected;
}
