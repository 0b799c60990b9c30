import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli.js';

/** Every command, parents (`baseline`) and the program itself included, as `parent sub`. */
function commandsOf(command: Command, prefix: string[] = []): { path: string; command: Command }[] {
  const subs = command.commands.filter((sub) => sub.name() !== 'help');
  return [{ path: ['sgaudit', ...prefix].join(' '), command }, ...subs.flatMap((sub) => commandsOf(sub, [...prefix, sub.name()]))];
}

function helpText(command: Command): string {
  let text = '';
  command.configureOutput({ writeOut: (chunk) => (text += chunk), writeErr: (chunk) => (text += chunk) });
  command.outputHelp();
  return text;
}

describe('--help', () => {
  const commands = commandsOf(buildProgram());
  it('covers every command of DESIGN.md', () => {
    const names = new Set(commands.map((c) => c.path.split(' ')[1]));
    for (const name of ['scan', 'collect', 'analyze', 'report', 'diff', 'baseline', 'schedule', 'snapshots', 'checks', 'emulator', 'demo', 'explain']) expect(names).toContain(name);
  });
  it.each(commands.map((c) => [c.path, c.command] as const))('%s has a description and examples', (_path, command) => {
    const text = helpText(command);
    expect(command.description().length).toBeGreaterThan(10);
    expect(text).toMatch(/Examples:\n {2}sgaudit /);
  });
});
