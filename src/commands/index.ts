import type { Command } from 'commander';

/**
 * Every command is one file exporting `register(program)`. Adding a command is adding a line here.
 */
type Register = (program: Command) => void;
const registrations: Register[] = [];

export function registerCommands(program: Command): void {
  for (const register of registrations) register(program);
}
