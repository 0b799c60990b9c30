import { Option, type Command } from 'commander';
import { SgauditError } from '../model/errors.js';
import { Severity } from '../model/findings.js';
import { log } from '../util/log.js';

/**
 * The flags several commands share, defined once so a flag means the same thing wherever it
 * appears (docs/cli.md, "Vocabulary"): `--store <dir>` is the snapshot store, `--out <dir>` a
 * directory the command writes into, `-o, --output <file>` one file (stdout without it),
 * `--against` the baseline to compare with.
 */

function parseSeverityFlag(flag: string, value: string): Severity {
  const parsed = Severity.safeParse(value.toLowerCase());
  if (!parsed.success) throw new SgauditError('USAGE', `${flag} must be one of ${Severity.options.join(', ')}, got "${value}"`);
  return parsed.data;
}

export type Against = 'approved' | 'previous' | 'none' | { file: string };

/** `approved`, `previous` and `none` are keywords; anything else names a snapshot (./previous for a file of that name). */
function parseAgainst(value: string): Against {
  if (value === 'approved' || value === 'previous' || value === 'none') return value;
  if (value.trim() === '') throw new SgauditError('USAGE', '--against must be approved, previous, none or a snapshot file');
  return { file: value };
}

function failOnDriftFlag(value: string): 'new-exposure' | 'any' {
  if (value === 'new-exposure' || value === 'any') return value;
  throw new SgauditError('USAGE', `--fail-on-drift must be new-exposure or any, got "${value}"`);
}

function textOrJsonFlag(value: string): 'text' | 'json' {
  if (value === 'text' || value === 'json') return value;
  throw new SgauditError('USAGE', `--format must be text or json, got "${value}"`);
}

export const option = {
  config: () => new Option('--config <file>', 'sgaudit.yaml (default: ./sgaudit.yaml, then $SGAUDIT_CONFIG)'),
  store: () => new Option('--store <dir>', 'snapshot store directory, or an s3://bucket/prefix or oss://bucket/prefix URL (default: store.dir from the config, else snapshots/)'),
  output: (what: string) => new Option('-o, --output <file>', `write ${what} to this file (atomically) instead of stdout`),
  failOn: () => new Option('--fail-on <severity>', 'exit 1 when an unsuppressed finding is at or above this severity').argParser((value: string) => parseSeverityFlag('--fail-on', value)),
  failOnDrift: () => new Option('--fail-on-drift <what>', 'exit 1 on drift against the baseline: new-exposure, or any (any change above info)').argParser(failOnDriftFlag),
  against: (defaultText: string) =>
    new Option('--against <baseline>', `compare with: approved (the store's approved baseline), previous (the snapshot before), none, or a snapshot file (default: ${defaultText})`).argParser(parseAgainst),
  textOrJson: () => new Option('--format <format>', 'text | json').default('text').argParser(textOrJsonFlag),
};

/**
 * Keeps an old spelling working, hidden from --help: its value goes to `canonical` (through the
 * same parser) with a one-line notice on stderr, so scripts keep running while their authors
 * learn the new name. Add it after the canonical option.
 */
export function deprecatedAlias(command: Command, flags: string, canonical: string): Command {
  const target = command.options.find((candidate) => candidate.long === canonical);
  if (!target) throw new Error(`${command.name()}: deprecated alias ${flags} points at ${canonical}, which the command does not have`);
  const alias = new Option(flags, `deprecated: use ${canonical}`).hideHelp();
  if (target.parseArg) alias.argParser(target.parseArg);
  const aliasName = alias.long as string;
  command.addOption(alias);
  return command.hook('preAction', (thisCommand) => {
    const value: unknown = thisCommand.getOptionValue(alias.attributeName());
    if (value === undefined) return;
    if (thisCommand.getOptionValueSource(target.attributeName()) === 'cli') {
      throw new SgauditError('USAGE', `${aliasName} is the deprecated spelling of ${canonical}; give ${canonical} only`);
    }
    deprecationNotice(thisCommand, `${aliasName} is deprecated; use ${canonical}`);
    thisCommand.setOptionValueWithSource(target.attributeName(), value, 'cli');
    thisCommand.setOptionValue(alias.attributeName(), undefined);
  });
}

function deprecationNotice(command: Command, text: string): void {
  const globals = command.optsWithGlobals<{ quiet?: boolean; logFormat?: string }>();
  if (globals.quiet) return;
  // JSON logs stay one JSON object per line; text says who is speaking, like a compiler warning.
  if (globals.logFormat === 'json') log.warn(text);
  else process.stderr.write(`sgaudit: ${text}\n`);
}
