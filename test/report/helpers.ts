import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
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
