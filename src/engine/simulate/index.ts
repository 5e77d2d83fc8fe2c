// The simulator's public surface. Faces load a simulation through src/engine/workspace/simulation.ts
// and read result types from ./result.

export { Simulator, DEFAULT_SCENARIO, DEFAULT_SEED } from './simulator';
export { buildReport, SimulationCancelled, type ReportHooks } from './report';
export { HUMAN_REACTION_MINUTES } from './runner';
export { MAX_SIMULATION_RUNS } from './limits';
export { SCENARIO_DEFAULTS, SCENARIO_KINDS, whyNotApplicable } from './scenarios';
