import { decodeMessage, ROW, type ClientData, type ClientList, type ClientRow } from '../../src/report/html-data.js';

/** A finding as the report page reads it back from the embedded data (report.client.js, in TypeScript). */
export interface DecodedFinding {
  list: ClientList;
  id: string;
  severity: string;
  check: string;
  title: string;
  resourceType: string;
  remediation: string;
  docs: string | undefined;
  accountId: string;
  regionId: string;
  resourceId: string;
  resourceName: string | undefined;
  message: string;
  detail: [string, string][];
  witnesses: string[][];
  addresses: string[];
  breadth: [string, string] | undefined;
  instance: { id: string; name?: string } | undefined;
  causes: number[];
  suppression: string[] | undefined;
  subject: string[] | undefined;
}

const at = (row: ClientRow, position: number): ClientRow[number] => (position < row.length ? (row[position] as ClientRow[number]) : -1);

function decodeRow(data: ClientData, list: ClientList, row: ClientRow): DecodedFinding {
  const S = data.strings;
  const str = (value: ClientRow[number]): string | undefined => (value === -1 ? undefined : S[value as number]);
  const klass = data.classes[row[ROW.class] as number] as number[];
  const detailIndex = at(row, ROW.detail) as number;
  const flat = detailIndex === -1 ? [] : (data.details[detailIndex] as number[]);
  const detail: [string, string][] = [];
  for (let i = 0; i < flat.length; i += 2) detail.push([S[flat[i] as number] as string, S[flat[i + 1] as number] as string]);
  const witnessIndex = at(row, ROW.witnesses) as number;
  const witnesses = witnessIndex === -1 ? [] : (data.witnesses[witnessIndex] as number[]).map((e) => (data.evidence[e] as number[]).map((cell) => S[cell] as string));
  const addresses = at(row, ROW.addresses) === -1 ? [] : (row[ROW.addresses] as string[]);
  const breadthIndex = at(row, ROW.breadth) as number;
  const instanceId = str(at(row, ROW.instanceId));
  const instanceName = str(at(row, ROW.instanceName));
  const causes = at(row, ROW.causes);
  const suppression = at(row, ROW.suppression) as number;
  const subject = at(row, ROW.subject) as number;
  const traffic = detail.find(([label]) => label === 'Traffic')?.[1] ?? '';
  const slash = traffic.indexOf('/');
  const values = [
    S[row[ROW.resourceId] as number] as string,
    str(at(row, ROW.resourceName)) ?? '',
    instanceId ?? '',
    instanceName ?? '',
    slash < 0 ? '' : traffic.slice(slash + 1),
    detail.find(([label]) => label === 'Sources')?.[1] ?? '',
    ...new Set(witnesses.map((cells) => cells[1] as string)),
    ...new Set(witnesses.map((cells) => cells[3] as string)),
    ...addresses,
  ].slice(0, 31);
  const message = row[ROW.message];
  return {
    list,
    id: row[ROW.id] as string,
    severity: data.severities[klass[0] as number] as string,
    check: S[klass[1] as number] as string,
    title: S[klass[2] as number] as string,
    resourceType: S[klass[3] as number] as string,
    remediation: S[klass[4] as number] as string,
    docs: str(klass[5] as number),
    accountId: S[klass[6] as number] as string,
    regionId: S[klass[7] as number] as string,
    resourceId: S[row[ROW.resourceId] as number] as string,
    resourceName: str(at(row, ROW.resourceName)),
    message: typeof message === 'string' ? message : decodeMessage(S[message as number] as string, values),
    detail,
    witnesses,
    addresses,
    breadth: breadthIndex === -1 ? undefined : ((data.breadths[breadthIndex] as number[]).map((i) => S[i]) as [string, string]),
    instance: instanceId === undefined ? undefined : { id: instanceId, ...(instanceName === undefined ? {} : { name: instanceName }) },
    causes: causes === -1 ? [] : typeof causes === 'number' ? [causes] : (causes as number[]),
    suppression: suppression === -1 ? undefined : (data.suppressions[suppression] as number[]).map((i) => S[i] as string),
    subject: subject === -1 ? undefined : (data.subjects[subject] as number[]).slice(0, 3).map((i) => (i === -1 ? '' : (S[i] as string))),
  };
}

export function decodeAll(data: ClientData): DecodedFinding[] {
  return (['exposure', 'hygiene', 'other', 'suppressed'] as const).flatMap((list) => data.lists[list].map((row) => decodeRow(data, list, row)));
}

/** A root cause's label as the page builds it from its parts (causeLabel in report.client.js). */
export function causeLabel(data: ClientData, index: number): string {
  const S = data.strings;
  const [, , first, second, name, shape, exposes] = data.causes[index] as number[];
  const ref = second === -1 ? S[first as number] : `${S[first as number]}/${S[second as number]}`;
  return `${ref}${name === -1 ? '' : ` (${S[name as number]})`} · ${S[shape as number]}${S[exposes as number] ? ` · exposes ${S[exposes as number]}` : ''}`;
}
