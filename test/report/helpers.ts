import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseFindingsDocument } from '../../src/report/read-findings.js';
import type { FindingsDocument } from '../../src/model/findings.js';

export const FIXTURE_PATH = fileURLToPath(new URL('../fixtures/report/findings.json', import.meta.url));

/** The fixed fixture, validated through the same reader the command uses. */
export function loadFixture(): FindingsDocument {
  return parseFindingsDocument(FIXTURE_PATH, readFileSync(FIXTURE_PATH, 'utf8'));
}

/** The findings JSON the HTML page embeds, decoded the way the page's script reads it. */
export function embeddedData(html: string): { strings: string[]; active: unknown[]; suppressed: unknown[]; evidence: number[][] } {
  const match = /<script id="sgaudit-data" type="application\/json">([\s\S]*?)<\/script>/.exec(html);
  if (!match?.[1]) throw new Error('no embedded data block');
  return JSON.parse(match[1]) as ReturnType<typeof embeddedData>;
}

/** Undo Handlebars' attribute escaping, as the browser does when it reads an attribute. */
export function decodeEntities(text: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"' };
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, entity: string) =>
    entity.startsWith('#x') ? String.fromCodePoint(parseInt(entity.slice(2), 16)) : entity.startsWith('#') ? String.fromCodePoint(Number(entity.slice(1))) : (named[entity] ?? whole),
  );
}
