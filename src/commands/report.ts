import type { Command } from 'commander';
import { dirname, resolve } from 'node:path';
import { loadConfig } from '../config/load.js';
import { REPORT_EXTENSIONS, REPORT_FORMATS, type ReportFormat } from '../report/index.js';
import { readFindingsDocument } from '../report/read-findings.js';
import { parseReportFormats, writeReports } from '../report/write-reports.js';
import { accountsOption, narrowToAccounts } from './accounts-flag.js';
import { option } from './flags.js';
import { findingsArgument } from './inputs.js';
import { wholeNumber } from './parse.js';

interface ReportFlags {
  config?: string;
  format?: ReportFormat[];
  out?: string;
  name: string;
  maxMarkdownChars: number;
  pageSize: number;
  accounts?: string[];
}

export function register(program: Command): void {
  program
    .command('report')
    .description('render a findings file as HTML, Markdown, JSON, CSV and/or SARIF')
    .argument('<findings>', 'findings file written by `sgaudit analyze -o` or `sgaudit scan` (findings.jsonl.gz; a findings.json of an older run too), or a reports directory for its newest')
    .addOption(option.config())
    .option('--format <list>', `report formats, comma-separated: ${REPORT_FORMATS.join(', ')} (default: reports.formats from the config, else html,md)`, parseReportFormats)
    .option('--out <dir>', 'directory to write the reports into (default: the directory of the findings file)')
    .option('--name <base>', 'file name of the reports without extension', 'findings')
    .option('--max-markdown-chars <n>', 'cap on the Markdown size (GitHub comments allow 65,536)', wholeNumber('--max-markdown-chars', 1), 60_000)
    .option('--page-size <n>', 'findings per page in the HTML report', wholeNumber('--page-size', 1), 50)
    .addOption(accountsOption())
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  sgaudit report findings.jsonl.gz --format html,md,csv,sarif --out reports/review',
        '  sgaudit report reports/ --format sarif     # next to the newest findings file of the reports directory',
        '  sgaudit report findings.jsonl.gz --format md --max-markdown-chars 30000 --name pr-comment',
      ].join('\n'),
    )
    .action(async (findingsArg: string, flags: ReportFlags) => {
      const config = await loadConfig(flags.config);
      const findingsPath = await findingsArgument(findingsArg);
      const doc = narrowToAccounts(await readFindingsDocument(findingsPath), flags.accounts);
      const outDir = flags.out ?? dirname(findingsPath);
      // A configured json next to the findings file it was read from would be that same file: skip
      // it rather than refuse the default run (an explicit --format json still says why it cannot).
      const rewritesInput = (format: ReportFormat) => resolve(outDir, `${flags.name}${REPORT_EXTENSIONS[format]}`) === resolve(findingsPath);
      const written = await writeReports(doc, {
        formats: flags.format ?? (config.reports.formats as ReportFormat[]).filter((format) => !rewritesInput(format)),
        outDir,
        baseName: flags.name,
        protect: [findingsPath],
        html: { pageSize: flags.pageSize },
        markdown: { maxChars: flags.maxMarkdownChars },
      });
      for (const path of written) process.stdout.write(`${path}\n`);
    });
}
