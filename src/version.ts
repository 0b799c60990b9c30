import { readFileSync } from 'node:fs';

/** The package version, read once from package.json so snapshots and reports name the tool that made them. */
export const TOOL = {
  name: 'sgaudit',
  version: (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version,
};
