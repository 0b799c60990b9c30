import type { Command } from 'commander';
import { roleArnFor } from '../collect/index.js';
import { SgauditError } from '../model/errors.js';
import { SEVERITIES, Severity } from '../model/findings.js';
import { isReportFormat, REPORT_FORMATS, type ReportFormat } from '../report/index.js';

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
}

export function commaList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

export function formatList(value: string): ReportFormat[] {
  const formats = commaList(value);
  const bad = formats.filter((format) => !isReportFormat(format));
  if (bad.length) throw new SgauditError('USAGE', `--format: unknown format ${bad.map((b) => `"${b}"`).join(', ')} (choose from ${REPORT_FORMATS.join(', ')})`);
  return formats as ReportFormat[];
}

export function severityFlag(value: string): Severity {
  const parsed = Severity.safeParse(value.toLowerCase());
  if (!parsed.success) throw new SgauditError('USAGE', `--fail-on must be one of ${SEVERITIES.join(', ')}, got "${value}"`);
  return parsed.data;
}

function againstFlag(value: string): 'approved' | 'previous' | 'none' {
  if (value === 'approved' || value === 'previous' || value === 'none') return value;
  throw new SgauditError('USAGE', `--against must be approved, previous or none, got "${value}"`);
}

export function addScanOptions(command: Command, options: { collection?: boolean } = {}): Command {
  command
    .option('--config <file>', 'sgaudit.yaml (default: ./sgaudit.yaml, then $SGAUDIT_CONFIG)')
    .option('--out <dir>', 'reports directory for this run (default: <reports.dir>/<timestamp>/)')
    .option('--format <list>', `report formats, comma-separated (${REPORT_FORMATS.join(', ')}); default from config: html,json`, formatList)
    .option('--fail-on <severity>', 'exit 1 when an unsuppressed finding is at or above this severity', severityFlag)
    .option('--strict', 'exit 3 when any account/region/API was not collected completely');
  if (options.collection !== false) {
    command
      .option('--endpoint <url>', 'override every API endpoint (host:port or URL), e.g. the emulator')
      .option('--regions <list>', 'comma-separated region ids (default: config, else every region)', commaList)
      .option('--accounts <list>', 'comma-separated account ids to collect through STS AssumeRole', commaList)
      .option('--role-name <name>', 'RAM role to assume in each of --accounts')
      .option('--store <dir>', 'snapshot store directory (default: store.dir from config, else snapshots/)')
      .option('--baseline <snapshot>', 'compare against this snapshot (drift)')
      .option('--against <which>', 'compare against the approved baseline or the previous snapshot (approved | previous | none)', againstFlag);
  }
  return command;
}

export function accountsFromFlags(flags: ScanFlags): { accountId: string; roleArn: string }[] | undefined {
  if (!flags.accounts?.length) return undefined;
  if (!flags.roleName) throw new SgauditError('USAGE', '--accounts needs --role-name: the read-only RAM role to assume in each account');
  return flags.accounts.map((accountId) => ({ accountId, roleArn: roleArnFor(accountId, flags.roleName as string) }));
}
