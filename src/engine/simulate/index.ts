// The simulator's public surface. Faces load a simulation through src/engine/workspace/simulation.ts.

export { Simulator, DEFAULT_SCENARIO, DEFAULT_SEED, type SimulationProblem } from './simulator';
export { buildReport, RUNS_PER_STEP, SimulationCancelled, type ReportHooks, type ReportRequest } from './report';
export { DEFAULT_STEP_MINUTES, type SimulationOptions } from './compile';
export { HUMAN_REACTION_MINUTES } from './runner';
export { MAX_SEGMENTS, MAX_SEGMENT_STEPS, MAX_SIMULATION_RUNS, MAX_STEPS } from './limits';
export { SCENARIO_DEFAULTS, SCENARIO_KINDS, whyNotApplicable, type Failure, type ResolvedScenario } from './scenarios';
export type * from './result';
