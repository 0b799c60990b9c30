import { describeKills } from './crash-run.js';

/** SIGKILL during `scan` at seeded random points (issue 16, item 7); see crash-run.ts. */
describeKills('scan', 2);
