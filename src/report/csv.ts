import type { Finding, FindingsDocument } from '../model/findings.js';
import { accountProviders } from './accounts.js';
import { formatRulePorts } from './describe.js';
import { joinPieces } from './json-pieces.js';
import { sortFindings } from './order.js';

export const CSV_COLUMNS = [
  'id',
  'severity',
  'check',
  'title',
  'account',
  'region',
  'resource_type',
  'resource_id',
  'resource_name',
  'protocol',
  'ports',
  'sources',
  'suppressed',
  'message',
  'remediation',
  // Added with breadth and root causes; appended so that spreadsheets reading columns by position keep working.
  'breadth',
  'breadth_summary',
  'instance_id',
  'root_causes',
  // The account's cloud (alicloud, huaweicloud), appended for the same reason.
  'provider',
] as const;

const CELL: Record<(typeof CSV_COLUMNS)[number], (finding: Finding, provider: string) => string> = {
  id: (f) => f.id,
  severity: (f) => f.severity,
  check: (f) => f.check,
  title: (f) => f.title,
  account: (f) => f.accountId,
  region: (f) => f.regionId,
  resource_type: (f) => f.resource.type,
  resource_id: (f) => f.resource.id,
  resource_name: (f) => f.resource.name ?? '',
  protocol: (f) => f.detail.protocol ?? '',
  ports: (f) => formatRulePorts(f.detail.protocol, f.detail.ports),
  sources: (f) => (f.detail.sources ?? []).join(' '),
  suppressed: (f) => (f.suppressed ? 'true' : 'false'),
  message: (f) => f.message,
  remediation: (f) => f.remediation,
  breadth: (f) => f.breadth?.class ?? '',
  breadth_summary: (f) => f.breadth?.summary ?? '',
  instance_id: (f) => f.instance?.id ?? '',
  root_causes: (f) => (f.rootCauses ?? []).join(' '),
  provider: (_f, provider) => provider,
};

/**
 * Spreadsheets run a cell starting with = + - @ (or tab/CR, which some strip first) as a formula;
 * a leading apostrophe makes it text (OWASP CSV injection guidance).
 */
export function guardFormula(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

/** RFC 4180: quote cells holding a quote, comma or line break; double the quotes inside. */
export function quoteCsv(cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

/** One row per finding, fixed columns, CRLF line ends (RFC 4180). */
export function renderCsv(doc: FindingsDocument): string {
  return joinPieces(renderCsvPieces(doc));
}

/** renderCsv's bytes a few hundred rows at a time, for writing large reports as a stream. */
export function* renderCsvPieces(doc: FindingsDocument, rowsPerPiece = 500): Generator<string, void, undefined> {
  let lines = [CSV_COLUMNS.join(',')];
  const providerOf = accountProviders(doc);
  for (const finding of sortFindings(doc.findings)) {
    const provider = providerOf(finding.accountId);
    lines.push(CSV_COLUMNS.map((column) => quoteCsv(guardFormula(CELL[column](finding, provider)))).join(','));
    if (lines.length >= rowsPerPiece) {
      yield `${lines.join('\r\n')}\r\n`;
      lines = [];
    }
  }
  if (lines.length > 0) yield `${lines.join('\r\n')}\r\n`;
}
