import type { FindingsDocument } from '../model/findings.js';
import { renderCsvPieces } from './csv.js';
import { renderHtml, type HtmlReportOptions } from './html.js';
import { joinPieces } from './json-pieces.js';
import { renderJsonPieces } from './json.js';
import { renderMarkdown, type MarkdownReportOptions } from './markdown.js';
import { renderSarifPieces } from './sarif.js';

export const REPORT_FORMATS = ['html', 'md', 'json', 'csv', 'sarif'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const REPORT_EXTENSIONS: Record<ReportFormat, string> = {
  html: '.html',
  md: '.md',
  json: '.json',
  csv: '.csv',
  sarif: '.sarif',
};

export interface ReportOptions {
  html?: HtmlReportOptions;
  markdown?: MarkdownReportOptions;
}

export function isReportFormat(value: string): value is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(value);
}

/** Every renderer is a pure function of the findings document; only commands write files. */
export function renderReport(format: ReportFormat, doc: FindingsDocument, options: ReportOptions = {}): string {
  return joinPieces(renderReportPieces(format, doc, options));
}

/**
 * renderReport's bytes in pieces: the formats that list every finding (JSON, SARIF, CSV) come a few
 * hundred findings at a time, so a large report is written as a stream and never held as one
 * string (at fleet scale some would not fit in one); HTML and Markdown come whole.
 */
export function renderReportPieces(format: ReportFormat, doc: FindingsDocument, options: ReportOptions = {}): Iterable<string> {
  switch (format) {
    case 'html':
      return [renderHtml(doc, options.html)];
    case 'md':
      return [renderMarkdown(doc, options.markdown)];
    case 'json':
      return renderJsonPieces(doc);
    case 'csv':
      return renderCsvPieces(doc);
    case 'sarif':
      return renderSarifPieces(doc);
  }
}

export { renderHtml, renderMarkdown };
