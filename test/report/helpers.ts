import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import AjvDraft04 from 'ajv-draft-04';
import { parseFindingsDocument } from '../../src/report/read-findings.js';
import type { FindingsDocument } from '../../src/model/findings.js';
import type { ClientData } from '../../src/report/html-data.js';

export const FIXTURE_PATH = fileURLToPath(new URL('../fixtures/report/findings.json', import.meta.url));

/** The fixed fixture, validated through the same reader the command uses. */
export function loadFixture(): FindingsDocument {
  return parseFindingsDocument(FIXTURE_PATH, readFileSync(FIXTURE_PATH, 'utf8'));
}

/** The findings data the HTML page embeds, unpacked the way the page's script unpacks it. */
export function embeddedData(html: string): ClientData {
  const match = /<script id="sgaudit-data" type="application\/octet-stream" data-encoding="gzip\+base64">([\s\S]*?)<\/script>/.exec(html);
  if (!match?.[1]) throw new Error('no embedded data block');
  return JSON.parse(gunzipSync(Buffer.from(match[1].trim(), 'base64')).toString('utf8')) as ClientData;
}

/** Undo Handlebars' attribute escaping, as the browser does when it reads an attribute. */
export function decodeEntities(text: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"' };
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, entity: string) =>
    entity.startsWith('#x') ? String.fromCodePoint(parseInt(entity.slice(2), 16)) : entity.startsWith('#') ? String.fromCodePoint(Number(entity.slice(1))) : (named[entity] ?? whole),
  );
}

/** The official SARIF 2.1.0 schema (draft-04), as shipped by Microsoft's @microsoft/jest-sarif package. */
const require = createRequire(import.meta.url);
const SARIF_SCHEMA = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as Record<string, unknown>;

/** A validator against the SARIF 2.1.0 schema, with the formats it uses. */
export function sarifValidator() {
  // A CommonJS module: under NodeNext its class is the `default` export of the default import (it sets both).
  // unicodeRegExp off: the schema's language pattern has a stray `]` that only non-unicode regexes accept.
  const ajv = new AjvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false });
  const isUri = (value: string) => {
    try {
      new URL(value);
      return true;
    } catch {
      return false;
    }
  };
  ajv.addFormat('uri', isUri);
  ajv.addFormat('uri-reference', (value: string) => isUri(value) || !/\s/.test(value));
  ajv.addFormat('date-time', (value: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value));
  return ajv.compile(SARIF_SCHEMA);
}
