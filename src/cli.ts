#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { registerCommands } from './commands/index.js';
import { EXIT, fileProblem, SgauditError } from './model/errors.js';
import { configureLog, log, logFormat } from './util/log.js';
import { boundedLine, terminalSafeText } from './util/terminal-safe.js';
import { TOOL } from './version.js';

/** Thin entry point: parse, dispatch, turn errors into one line and an exit code. */
export function buildProgram(): Command {
  const program = new Command('sgaudit')
    .description('Audit cloud security groups by what each network interface really accepts, and detect drift.')
    .version(TOOL.version)
    .option('--debug', 'print stack traces and debug logs')
    .option('--verbose', 'more progress detail')
    .option('--quiet', 'only errors on stderr')
    .option('--log-format <format>', 'text | json', 'text')
    .configureOutput({ outputError: (text, write) => write(oneLineCommanderError(text)) })
    .exitOverride()
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  sgaudit demo                                   # a full scan of a built-in sample estate, no cloud account needed',
        '  sgaudit scan --regions cn-hangzhou --fail-on high',
        '  sgaudit analyze snapshots/ -o findings.jsonl.gz # the newest snapshot of the store',
        '',
        'Every command has --help with examples; docs/cli.md describes the flags they share.',
      ].join('\n'),
    )
    .hook('preAction', (thisCommand) => {
      const opts = thisCommand.optsWithGlobals<{ debug?: boolean; verbose?: boolean; quiet?: boolean; logFormat?: string }>();
      configureLog({
        level: opts.debug ? 'debug' : opts.quiet ? 'quiet' : opts.verbose ? 'verbose' : 'normal',
        format: opts.logFormat === 'json' ? 'json' : 'text',
      });
    });
  registerCommands(program);
  pointAtHelpAfterErrors(program, []);
  return program;
}

/** After a parse error, name the help that lists what this command takes. */
function pointAtHelpAfterErrors(command: Command, path: string[]): void {
  command.showHelpAfterError(`hint: \`${['sgaudit', ...path, '--help'].join(' ')}\` lists the ${path.length ? 'options and examples' : 'commands'}`);
  for (const sub of command.commands) pointAtHelpAfterErrors(sub, [...path, sub.name()]);
}

/**
 * Commander puts its suggestion on a second line; keep the error on one, like every other error.
 * It quotes what was typed (`unknown command '…'`), which a script may have taken from data: made
 * terminal-safe. The help hint commander adds after it is its own line.
 */
function oneLineCommanderError(text: string): string {
  const joined = text.trimEnd().replace(/\n\(Did you mean (.*)\?\)$/, ' (did you mean $1?)');
  return `${joined.split('\n').map((line) => boundedLine(line)).join('\n')}\n`;
}

/** A file-system error that names its path is the user's to fix (exit 2), not a bug. */
function fileError(error: unknown): string | undefined {
  const { code, path, dest, syscall } = error as NodeJS.ErrnoException & { dest?: string };
  // Atomic writes rename a hidden temp file onto the target: the target is the path to name.
  const shown = syscall === 'rename' ? dest : path;
  if (code === undefined || shown === undefined) return undefined;
  // Creating an output directory where a file of that name exists.
  if (code === 'EEXIST' && syscall === 'mkdir') return `${shown}: is a file, where a directory is needed`;
  const problem = fileProblem(code);
  return problem ? `${shown}: ${problem}` : undefined;
}

/** The reader of our output went away (`| head`): stop without a word, as Unix tools do. */
function isBrokenPipe(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'EPIPE';
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  const debug = argv.includes('--debug');
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // help and version "errors" are successful exits
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help' ? EXIT.OK : EXIT.USAGE;
    }
    if (isBrokenPipe(error)) return typeof process.exitCode === 'number' ? process.exitCode : EXIT.OK;
    const exitCode = report(error, debug);
    if (debug) process.stderr.write(`${terminalSafeText(describeForDebug(error))}\n`);
    return exitCode;
  }
}

/** One line (and a hint) for the user; returns the exit code. */
function report(error: unknown, debug: boolean): number {
  if (error instanceof SgauditError) {
    log.errorWithDetails(error.headline, error.details);
    if (error.hint) log.info(`hint: ${error.hint}`);
    return error.exitCode;
  }
  const file = fileError(error);
  if (file) {
    log.error(file);
    return EXIT.USAGE;
  }
  const message = (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ');
  if (logFormat() === 'json') {
    // JSON logs stay one JSON object per line, whatever went wrong.
    log.error(`unexpected error: ${message}`, debug ? {} : { hint: 'run with --debug for details' });
    return EXIT.RUNTIME;
  }
  process.stderr.write(`sgaudit: unexpected error: ${boundedLine(message)}\n`);
  if (!debug) process.stderr.write('hint: run with --debug for details\n');
  return EXIT.RUNTIME;
}

function describeForDebug(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause === undefined ? '' : `\ncause: ${error.cause instanceof Error ? (error.cause.stack ?? error.cause.message) : String(error.cause)}`;
  return `${error.stack ?? error.message}${cause}`;
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (invokedDirectly || process.argv[1]?.endsWith('/sgaudit') || process.argv[1]?.endsWith('cli.js')) {
  // A closed pipe can surface as an 'error' event outside any await; without a listener Node
  // would crash with a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error) => {
      if (isBrokenPipe(error)) process.exit(typeof process.exitCode === 'number' ? process.exitCode : EXIT.OK);
      throw error; // any other stream failure stays fatal, as it was without the listener
    });
  }
  main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
