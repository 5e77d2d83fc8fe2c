// The simulator's public surface: what the CLI, the HTML report and the extension call.

export { Simulator, DEFAULT_SCENARIO, DEFAULT_SEED, type ReportRequest, type SimulationProblem } from './simulator';
export { loadPlan, loadPlanText, type LoadedPlan } from './input';
export { DEFAULT_STEP_MINUTES, type SimulationOptions } from './compile';
export { HUMAN_REACTION_MINUTES } from './engine';
export { MAX_SEGMENTS, MAX_SEGMENT_STEPS, MAX_SIMULATION_RUNS, MAX_STEPS } from './limits';
export { SCENARIO_DEFAULTS, SCENARIO_KINDS, whyNotApplicable, type Failure, type ResolvedScenario } from './scenarios';
export type * from './result';
