import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TEMPLATES_DIR } from '../../src/report/templates.js';

function templateFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? templateFiles(join(dir, entry.name)) : entry.name.endsWith('.hbs') ? [join(dir, entry.name)] : [],
  );
}

describe('templates', () => {
  const files = templateFiles(TEMPLATES_DIR);

  it('exist for both sets', () => {
    const names = files.map((file) => relative(TEMPLATES_DIR, file)).sort();
    expect(names).toEqual(expect.arrayContaining(['html/report.hbs', 'html/partials/top-risks.hbs', 'markdown/report.hbs', 'markdown/partials/risk-row.hbs']));
  });

  // Unescaped output goes only through SafeStrings the renderer builds (CSP-hashed assets, script-safe JSON).
  it.each(files.map((file) => [relative(TEMPLATES_DIR, file), file]))('%s uses no triple-stash or {{& }}', (_name, file) => {
    const text = readFileSync(file, 'utf8');
    expect(text).not.toMatch(/\{\{\{|\{\{&|\{\{~?\s*&/);
  });
});
