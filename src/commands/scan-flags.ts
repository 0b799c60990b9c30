import type { Command } from 'commander';
import { roleArnFor } from '../collect/alicloud/arn.js';
import { SgauditError } from '../model/errors.js';
import type { Severity } from '../model/findings.js';
import { parseSeverityFlag } from './analyze.js';
import { commaList } from './parse.js';
import type { ScanOptions } from '../pipeline/scan.js';
import { resolveBaseline } from '../store/baseline.js';
import { REPORT_FORMATS, type ReportFormat } from '../report/index.js';
import { parseReportFormats } from '../report/write-reports.js';

/** Flags shared by `scan`, `demo` and `schedule`; parsing only. */
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
  baseline?: string;
  against?: 'approved' | 'previous' | 'none';
  failOnDrift?: 'new-exposure' | 'any';
}

export function severityFlag(value: string): Severity {
  return parseSeverityFlag('--fail-on', value);
}

function againstFlag(value: string): 'approved' | 'previous' | 'none' {
  if (value === 'approved' || value === 'previous' || value === 'none') return value;
  throw new SgauditError('USAGE', `--against must be approved, previous or none, got "${value}"`);
}

function failOnDriftFlag(value: string): 'new-exposure' | 'any' {
  if (value === 'new-exposure' || value === 'any') return value;
  throw new SgauditError('USAGE', `--fail-on-drift must be new-exposure or any, got "${value}"`);
}

/** The scan options every scan-like command maps from its flags. */
export function scanOptionsFromFlags(flags: ScanFlags): Omit<ScanOptions, 'config'> {
  const accounts = accountsFromFlags(flags);
  return {
    ...(flags.endpoint ? { endpoint: flags.endpoint } : {}),
    ...(flags.regions ? { regions: flags.regions } : {}),
    ...(accounts ? { accounts } : {}),
    ...(flags.store ? { storeDir: flags.store } : {}),
    ...(flags.format ? { formats: flags.format } : {}),
    ...(flags.failOn ? { failOn: flags.failOn } : {}),
    ...(flags.failOnDrift ? { failOnDrift: flags.failOnDrift } : {}),
    ...(flags.strict ? { strict: true } : {}),
    ...(flags.baseline ? { baseline: flags.baseline } : flags.against ? { baseline: flags.against } : {}),
    resolveBaseline,
  };
}

export function addScanOptions(command: Command): Command {
  return command
    .option('--config <file>', 'sgaudit.yaml (default: ./sgaudit.yaml, then $SGAUDIT_CONFIG)')
    .option('--out <dir>', 'reports directory for this run (default: <reports.dir>/<timestamp>/)')
    .option('--format <list>', `report formats, comma-separated (${REPORT_FORMATS.join(', ')}); default from config: html,json`, parseReportFormats)
    .option('--fail-on <severity>', 'exit 1 when an unsuppressed finding is at or above this severity', severityFlag)
    .option('--strict', 'exit 3 when any account/region/API was not collected completely')
    .option('--endpoint <url>', 'override every API endpoint (host:port or URL), e.g. the emulator')
    .option('--regions <list>', 'comma-separated region ids (default: config, else every region)', commaList)
    .option('--accounts <list>', 'comma-separated account ids to collect through STS AssumeRole', commaList)
    .option('--role-name <name>', 'RAM role to assume in each of --accounts')
    .option('--store <dir>', 'snapshot store directory (default: store.dir from config, else snapshots/)')
    .option('--baseline <snapshot>', 'compare against this snapshot (drift)')
    .option('--against <which>', 'compare against the approved baseline or the previous snapshot (approved | previous | none)', againstFlag)
    .option('--fail-on-drift <what>', 'exit 1 on drift against the baseline: new-exposure, or any (above info)', failOnDriftFlag);
}

export function accountsFromFlags(flags: ScanFlags): { accountId: string; roleArn: string }[] | undefined {
  if (!flags.accounts?.length) return undefined;
  if (!flags.roleName) throw new SgauditError('USAGE', '--accounts needs --role-name: the read-only RAM role to assume in each account');
  return flags.accounts.map((accountId) => ({ accountId, roleArn: roleArnFor(accountId, flags.roleName as string) }));
}
