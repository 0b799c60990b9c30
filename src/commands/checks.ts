import type { Command } from 'commander';
import { CATALOG } from '../analyze/checks/index.js';
import type { CheckMeta } from '../analyze/checks/types.js';
import { DRIFT_META } from '../analyze/drift/meta.js';
import { option } from './flags.js';
import { terminalSafeJson, terminalSafeText } from '../util/terminal-safe.js';

/** The catalog as an aligned text table: id, default severity, title. */
function renderCatalogText(metas: readonly CheckMeta[]): string {
  const idWidth = Math.max(2, ...metas.map((meta) => meta.id.length));
  const severityWidth = Math.max(8, ...metas.map((meta) => meta.severity.length));
  const line = (id: string, severity: string, title: string) => `${id.padEnd(idWidth)}  ${severity.padEnd(severityWidth)}  ${title}`.trimEnd();
  return [line('ID', 'SEVERITY', 'TITLE'), ...metas.map((meta) => line(meta.id, meta.severity, meta.title))].join('\n') + '\n';
}

export function register(program: Command): void {
  program
    .command('checks')
    .description('list the checks sgaudit runs, with their default severity')
    .addOption(option.textOrJson())
    .addHelpText(
      'after',
      '\nExamples:\n  sgaudit checks\n  sgaudit checks --format json | jq -r ".[].id"\n\nEach check has a page: docs/checks/<id>.md (drift: docs/drift.md). drift runs when there is a baseline (--against, baseline.against or Terraform state).',
    )
    .action((flags: { format: 'text' | 'json' }) => {
      // drift is not in the catalog (it needs a baseline to run), but it reports findings like any check.
      const metas = [...CATALOG.map((check) => check.meta), DRIFT_META];
      if (flags.format === 'json') process.stdout.write(`${terminalSafeJson(JSON.stringify(metas, null, 2))}\n`);
      else process.stdout.write(terminalSafeText(renderCatalogText(metas)));
    });
}
