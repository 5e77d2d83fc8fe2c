// The simulator's entry point for every face: a plan's scenarios, single runs, summaries over many seeds, the
// scenario matrix and the report the charts draw.

import type { PlanProblem, ReleasePlan } from '../model/plan';
import { BinomialTables } from './binomial-table';
import { compilePlan, outline, type CompiledPlan, type SimulationOptions } from './compile';
import { ScenarioRunner } from './runner';
import { MAX_SIMULATION_RUNS } from './limits';
import type { PlanOutline, RunsSummary, ScenarioMatrix, SimulationResult } from './result';
import { listScenarios, type ResolvedScenario } from './scenarios';
import { RunsAccumulator } from './summary';

export const DEFAULT_SEED = 1;
export { DEFAULT_SCENARIO } from '../model/scenario-kinds';

interface SimulationProblem extends PlanProblem {
  /** `plan-not-simulable` (readPlan), `scenario-invalid` (scenarios:) or `simulation-too-large` (limits). */
  ruleId: 'plan-not-simulable' | 'scenario-invalid' | 'simulation-too-large';
}

export class Simulator {
  private readonly runners = new Map<string, ScenarioRunner>();
  private readonly tables: BinomialTables;

  private constructor(
    readonly compiled: CompiledPlan,
    /** Built-in scenarios that apply to the plan, then the plan's own, in report order. */
    readonly scenarios: readonly ResolvedScenario[],
  ) {
    this.tables = new BinomialTables(compiled.maxStepRequests);
  }

  /** A simulator for a plan read by readPlan; problems instead when the plan's scenarios or size are not replayable. */
  static create(plan: ReleasePlan, options: SimulationOptions = {}): { simulator?: Simulator; problems: SimulationProblem[] } {
    const listed = listScenarios(plan);
    const problems: SimulationProblem[] = listed.problems.map((problem) => ({ ...problem, ruleId: 'scenario-invalid' }));
    const { compiled, problems: sizeProblems } = compilePlan(plan, options);
    problems.push(...sizeProblems.map((problem): SimulationProblem => ({ ...problem, ruleId: 'simulation-too-large' })));
    if (!compiled || problems.length > 0) return { problems };
    return { simulator: new Simulator(compiled, listed.scenarios), problems };
  }

  get plan(): ReleasePlan {
    return this.compiled.plan;
  }

  scenario(name: string): ResolvedScenario | undefined {
    return this.scenarios.find((scenario) => scenario.name === name);
  }

  /** One run with its timeline and every gate evaluation. */
  run(scenarioName: string, seed: number = DEFAULT_SEED): SimulationResult {
    const runner = this.runner(scenarioName);
    runner.run(seed, true);
    return runner.result();
  }

  /** Runs seeds seed, seed + 1, … and summarises them. */
  runMany(scenarioName: string, seed: number, runs: number): RunsSummary {
    const batches = this.runInBatches(scenarioName, seed, runs, runs);
    for (let step = batches.next(); ; step = batches.next()) if (step.done) return step.value;
  }

  /**
   * The same runs, `batchSize` at a time: yields the count done after each batch and returns the summary, so a
   * caller can report progress, let its event loop run and stop between batches.
   */
  *runInBatches(scenarioName: string, seed: number, runs: number, batchSize: number): Generator<number, RunsSummary> {
    if (!(Number.isInteger(runs) && runs >= 1 && runs <= MAX_SIMULATION_RUNS))
      throw new RangeError(`runs must be a whole number from 1 to ${MAX_SIMULATION_RUNS}, not ${runs}`);
    const runner = this.runner(scenarioName);
    const accumulator = new RunsAccumulator(this.plan, runner.scenario, seed, runs);
    for (let i = 0; i < runs; i++) {
      accumulator.add(runner.run(seed + i));
      if ((i + 1) % batchSize === 0 && i + 1 < runs) yield i + 1;
    }
    return accumulator.summary();
  }

  /** Every scenario over the same seeds: which failures the plan catches, where, and at what cost. */
  matrix(seed: number, runs: number): ScenarioMatrix {
    return { plan: this.plan.name, runs, seed, scenarios: this.scenarios.map((scenario) => this.runMany(scenario.name, seed, runs)) };
  }

  outline(): PlanOutline {
    return outline(this.compiled);
  }

  private runner(scenarioName: string): ScenarioRunner {
    let runner = this.runners.get(scenarioName);
    if (!runner) {
      const scenario = this.scenario(scenarioName);
      if (!scenario)
        throw new Error(`Unknown scenario "${scenarioName}"; the plan has ${this.scenarios.map((known) => known.name).join(', ')}`);
      runner = new ScenarioRunner(this.compiled, scenario, this.tables);
      this.runners.set(scenarioName, runner);
    }
    return runner;
  }
}
