import type { Command } from 'commander';
import { readFindingsDocument } from '../report/read-findings.js';
import { parseReportFormats, writeReports } from '../report/write-reports.js';
import { wholeNumber } from './parse.js';

export function register(program: Command): void {
  program
    .command('report')
    .description('render a findings file as HTML, Markdown, JSON, CSV and/or SARIF')
    .argument('<findings>', 'findings JSON written by `sgaudit analyze` (sgaudit/findings@1)')
    .option('--format <list>', 'comma-separated: html, md, json, csv, sarif', 'html,md')
    .option('--out <dir>', 'directory to write the reports into', 'reports')
    .option('--name <base>', 'file name of the reports without extension', 'report')
    .option('--max-markdown-chars <n>', 'cap on the Markdown size (GitHub comments allow 65,536)', wholeNumber('--max-markdown-chars', 1), 60_000)
    .option('--page-size <n>', 'findings per page in the HTML report', wholeNumber('--page-size', 1), 50)
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
