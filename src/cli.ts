#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { registerCommands } from './commands/index.js';
import { EXIT, SgauditError } from './model/errors.js';
import { configureLog, log } from './util/log.js';
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
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .hook('preAction', (thisCommand) => {
      const opts = thisCommand.optsWithGlobals<{ debug?: boolean; verbose?: boolean; quiet?: boolean; logFormat?: string }>();
      configureLog({
        level: opts.debug ? 'debug' : opts.quiet ? 'quiet' : opts.verbose ? 'verbose' : 'normal',
        format: opts.logFormat === 'json' ? 'json' : 'text',
      });
    });
  registerCommands(program);
  return program;
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
    if (error instanceof SgauditError) {
      log.error(error.message);
      if (error.hint) log.info(`hint: ${error.hint}`);
      if (debug) process.stderr.write(`${error.stack ?? ''}\n${error.cause ? `cause: ${String((error.cause as Error).stack ?? error.cause)}\n` : ''}`);
      return error.exitCode;
    }
    // Unknown errors keep their stack: they are bugs to report.
    process.stderr.write(`sgaudit: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT.RUNTIME;
  }
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (invokedDirectly || process.argv[1]?.endsWith('/sgaudit') || process.argv[1]?.endsWith('cli.js')) {
  main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
