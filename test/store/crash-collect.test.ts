import { describeKills } from './crash-run.js';

/** SIGKILL during `collect` at seeded random points (issue 16, item 7); see crash-run.ts. */
describeKills('collect', 1);
