import type { ExposureAnswer, ExposureRootCause, ExposureRow } from '../analyze/exposure-query.js';
import { guardFormula, quoteCsv } from './csv.js';
import { formatRulePorts } from './describe.js';

/** Interfaces listed under one root cause in text before `… N more` (json and csv list all). */
const TEXT_ROWS_PER_CAUSE = 10;

/**
 * `sgaudit exposure` as text: the question, the count, then each deciding rule (worst first) with
 * the interfaces it admits the traffic to — the rule to change first is on the first line.
 */
export function formatExposureText(answer: ExposureAnswer): string {
  const lines = [`${answer.question}: ${plural(answer.interfaces, 'interface')} on ${plural(answer.instances, 'instance')}`];
  if (answer.rows.length === 0) return `${lines[0]}\n`;
  // A row admitted by several rules is listed under the first (worst) of them, as reports list findings.
  const listed = new Set<number>();
  for (const cause of answer.rootCauses) {
    lines.push('', `${cause.severity ?? '—'}  ${ruleLine(cause)} → ${plural(cause.interfaces, 'interface')}`);
    const rows = cause.rows.filter((index) => !listed.has(index));
    for (const index of rows) listed.add(index);
    if (rows.length === 0) lines.push('    (listed under a rule above)');
    for (const index of rows.slice(0, TEXT_ROWS_PER_CAUSE)) lines.push(`    ${rowLine(answer.rows[index] as ExposureRow)}`);
    if (rows.length > TEXT_ROWS_PER_CAUSE) lines.push(`    … ${rows.length - TEXT_ROWS_PER_CAUSE} more (--format json or csv lists every one)`);
  }
  return `${lines.join('\n')}\n`;
}

function ruleLine(cause: ExposureRootCause): string {
  const { rule } = cause;
  const name = cause.groupName ? ` (${cause.groupName})` : '';
  const priority = rule.priority === undefined ? '' : ` priority ${rule.priority}`;
  return `${cause.key}${name}: ${rule.policy} ${rule.protocol} ${formatRulePorts(rule.protocol, rule.ports)} from ${rule.peer}${priority}`;
}

function rowLine(row: ExposureRow): string {
  const who = `${row.interface.id}${row.interface.name ? ` (${row.interface.name})` : ''}${row.instance ? ` on ${row.instance.id}` : ''}`;
  const services = row.services.length > 0 ? ` (${row.services.join(', ')})` : '';
  const from = row.breadth ? row.breadth.summary : `${row.privateSources ?? ''} (${row.sources.join(', ')})`;
  const allowed = row.allowedPublicPort ? ' [allowed public port]' : '';
  return `${row.accountId}/${row.regionId} ${who}: ${row.traffic}${services} from ${from} on ${row.addresses.join(', ') || 'no address'}${allowed}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

const CSV_COLUMNS = ['severity', 'account', 'region', 'interface_id', 'interface_name', 'instance_id', 'protocol', 'ports', 'services', 'sources', 'breadth', 'breadth_summary', 'addresses', 'allowed_public_port', 'root_causes'] as const;

const CELL: Record<(typeof CSV_COLUMNS)[number], (row: ExposureRow) => string> = {
  severity: (r) => r.severity ?? '',
  account: (r) => r.accountId,
  region: (r) => r.regionId,
  interface_id: (r) => r.interface.id,
  interface_name: (r) => r.interface.name ?? '',
  instance_id: (r) => r.instance?.id ?? '',
  protocol: (r) => r.protocol,
  ports: (r) => formatRulePorts(r.protocol, r.ports),
  services: (r) => r.services.join(' '),
  sources: (r) => r.sources.join(' '),
  breadth: (r) => r.breadth?.class ?? '',
  breadth_summary: (r) => r.breadth?.summary ?? r.privateSources ?? '',
  addresses: (r) => r.addresses.join(' '),
  allowed_public_port: (r) => (r.allowedPublicPort ? 'true' : 'false'),
  root_causes: (r) => r.rootCauses.join(' '),
};

/** One row per interface, protocol and port range (RFC 4180, CRLF, formula-guarded cells). */
export function formatExposureCsv(answer: ExposureAnswer): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const row of answer.rows) lines.push(CSV_COLUMNS.map((column) => quoteCsv(guardFormula(CELL[column](row)))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
