import type { Command } from 'commander';
import { register as scan } from './scan.js';
import { register as demo } from './demo.js';
import { register as schedule } from './schedule.js';
import { register as snapshots } from './snapshots.js';
import { register as report } from './report.js';
import { register as collect } from './collect.js';
import { register as emulator } from './emulator.js';
import { register as analyze } from './analyze.js';
import { register as checks } from './checks.js';
import { register as diff } from './diff.js';
import { register as baseline } from './baseline.js';
import { register as explain } from './explain.js';
import { register as exposure } from './exposure.js';
import { register as whatif } from './whatif.js';
import { register as merge } from './merge.js';

/**
 * Every command is one file exporting `register(program)`. Adding a command is adding a line here.
 */
type Register = (program: Command) => void;
const registrations: Register[] = [scan, collect, merge, analyze, explain, exposure, whatif, report, diff, baseline, schedule, snapshots, checks, emulator, demo];

export function registerCommands(program: Command): void {
  for (const register of registrations) register(program);
}
