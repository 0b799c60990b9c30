import type { Command } from 'commander';
import { SgauditError } from '../model/errors.js';
import { readFindingsDocument } from '../report/read-findings.js';
import { parseReportFormats, writeReports } from '../report/write-reports.js';

function positiveInt(flag: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed <= 0) throw new SgauditError('USAGE', `${flag} must be a whole number > 0, got "${value}"`);
    return parsed;
  };
}

export function register(program: Command): void {
  program
    .command('report')
    .description('render a findings file as HTML, Markdown, JSON, CSV and/or SARIF')
    .argument('<findings>', 'findings JSON written by `sgaudit analyze` (sgaudit/findings@1)')
    .option('--format <list>', 'comma-separated: html, md, json, csv, sarif', 'html,md')
    .option('--out <dir>', 'directory to write the reports into', 'reports')
    .option('--name <base>', 'file name of the reports without extension', 'report')
    .option('--max-markdown-chars <n>', 'cap on the Markdown size (GitHub comments allow 65,536)', positiveInt('--max-markdown-chars'), 60_000)
    .option('--page-size <n>', 'findings per page in the HTML report', positiveInt('--page-size'), 50)
    .addHelpText('after', '\nExamples:\n  sgaudit report findings.json --format html,md,csv,sarif,json --out reports\n  sgaudit report findings.json --format md --max-markdown-chars 30000')
    .action(async (findingsPath: string, options: { format: string; out: string; name: string; maxMarkdownChars: number; pageSize: number }) => {
      const formats = parseReportFormats(options.format);
      const doc = await readFindingsDocument(findingsPath);
      const written = await writeReports(doc, {
        formats,
        outDir: options.out,
        baseName: options.name,
        protect: [findingsPath],
        html: { pageSize: options.pageSize },
        markdown: { maxChars: options.maxMarkdownChars },
      });
      for (const path of written) process.stdout.write(`${path}\n`);
    });
}
