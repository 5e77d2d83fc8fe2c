// The simulator's limits. Each one hit is a finding or a usage error that names it, never a silent cut.

/** Most runs one `--runs` (or one scenario of the matrix) may ask for; 1,000 runs of the example take about a second. */
export const MAX_SIMULATION_RUNS = 100_000;

/** Most traffic segments (the product of the dimensions' value counts) one plan may split into: `simulation-too-large`. */
export const MAX_SEGMENTS = 4096;

/** Most time steps of one run (100,000 one-minute steps are about 69 days): `simulation-too-large`. */
export const MAX_STEPS = 100_000;

/** Most segment × step cells of one run, which bounds its time (about 20 seconds at this size): `simulation-too-large`. */
export const MAX_SEGMENT_STEPS = 200_000_000;
