import type { Command } from 'commander';
import { CATALOG } from '../analyze/checks/index.js';
import type { CheckMeta } from '../analyze/checks/types.js';
import { SgauditError } from '../model/errors.js';

/** The catalog as an aligned text table: id, default severity, title. */
export function renderCatalogText(metas: readonly CheckMeta[]): string {
  const idWidth = Math.max(2, ...metas.map((meta) => meta.id.length));
  const severityWidth = Math.max(8, ...metas.map((meta) => meta.severity.length));
  const line = (id: string, severity: string, title: string) => `${id.padEnd(idWidth)}  ${severity.padEnd(severityWidth)}  ${title}`.trimEnd();
  return [line('ID', 'SEVERITY', 'TITLE'), ...metas.map((meta) => line(meta.id, meta.severity, meta.title))].join('\n') + '\n';
}

export function register(program: Command): void {
  program
    .command('checks')
    .description('list the checks sgaudit runs, with their default severity')
    .option('--format <format>', 'text | json', 'text')
    .addHelpText('after', '\nExamples:\n  sgaudit checks\n  sgaudit checks --format json | jq -r ".[].id"\n\nEach check has a page in docs/checks/<id>.md.')
    .action((flags: { format: string }) => {
      const metas = CATALOG.map((check) => check.meta);
      if (flags.format === 'json') process.stdout.write(`${JSON.stringify(metas, null, 2)}\n`);
      else if (flags.format === 'text') process.stdout.write(renderCatalogText(metas));
      else throw new SgauditError('USAGE', `--format must be text or json, got "${flags.format}"`);
    });
}
