// The simulator's entry point for every face: a plan's scenarios, single runs, summaries over many seeds, the
// scenario matrix and the report the charts draw.

import { comparePlaced, placeFinding, type Finding, type Range } from '../finding';
import type { PlanProblem, ReleasePlan } from '../model/plan';
import { BinomialTables } from './binomial-table';
import { compilePlan, outline, type CompiledPlan, type SimulationOptions } from './compile';
import { ScenarioRunner } from './runner';
import { MAX_SIMULATION_RUNS } from './limits';
import type { PlanOutline, RunsSummary, ScenarioMatrix, ScenarioSummary, SimulationNote, SimulationResult } from './result';
import { listScenarios, type ResolvedScenario } from './scenarios';
import { RunsAccumulator } from './summary';

export const DEFAULT_SEED = 1;
export { DEFAULT_SCENARIO } from '../model/scenario-kinds';

/**
 * Where a plan was read from, so that every output names the file and places each note in it. Without one (a plan
 * built in memory), notes name no file and point at line 1.
 */
export interface PlanSource {
  /** The file as the face names it (`check` names files the same way). */
  file: string;
  /** The range in the file of a path into the plan (`['stages', 2, 'gates', 0, 'metric']`). */
  locate(path: PlanProblem['path']): Range;
  /** What reading the file assumed or left out, and the file's errors, already placed. */
  notes: Finding[];
}

const IN_MEMORY: PlanSource = {
  file: '',
  locate: () => ({ start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }),
  notes: [],
};

interface SimulationProblem extends PlanProblem {
  /** `plan-not-simulable` (readPlan), `scenario-invalid` (scenarios:) or `simulation-too-large` (limits). */
  ruleId: 'plan-not-simulable' | 'scenario-invalid' | 'simulation-too-large';
}

export class Simulator {
  private readonly runners = new Map<string, ScenarioRunner>();
  private readonly tables: BinomialTables;

  /** Whether any stage has a modelled gate. */
  readonly gated: boolean;
  /** Modelled gates per stage name, in stage order. */
  readonly gates: Readonly<Record<string, number>>;
  /** What the conversion and the simulation assumed or left out, and the file's errors, in file order. */
  readonly notes: readonly SimulationNote[];

  private constructor(
    readonly compiled: CompiledPlan,
    /** Built-in scenarios that apply to the plan, then the plan's own, in report order. */
    readonly scenarios: readonly ResolvedScenario[],
    source: PlanSource,
  ) {
    this.tables = new BinomialTables(compiled.maxStepRequests);
    // Stage names are the keys, as in detectionByStage; two stages of one name (stage-duplicate-name) add up. A Map,
    // since a stage may be called `constructor` or `__proto__`.
    const gates = new Map<string, number>();
    for (const stage of compiled.stages) gates.set(stage.stage.name, (gates.get(stage.stage.name) ?? 0) + stage.gates.length);
    this.gates = Object.fromEntries(gates);
    this.gated = compiled.stages.some((stage) => stage.gates.length > 0);
    const compileNotes = compiled.notes.map(({ path, message }): Finding => ({
      ruleId: 'simulation-assumption',
      severity: 'info',
      message,
      range: source.locate(path),
    }));
    this.notes = placedNotes(source.file, [...source.notes, ...compileNotes]);
  }

  /**
   * A simulator for a plan read by readPlan; problems instead when the plan's scenarios or size are not replayable.
   * `source` names the plan's file and places notes in it.
   */
  static create(
    plan: ReleasePlan,
    options: SimulationOptions = {},
    source: PlanSource = IN_MEMORY,
  ): { simulator?: Simulator; problems: SimulationProblem[] } {
    const listed = listScenarios(plan);
    const problems: SimulationProblem[] = listed.problems.map((problem) => ({ ...problem, ruleId: 'scenario-invalid' }));
    const { compiled, problems: sizeProblems } = compilePlan(plan, options);
    problems.push(...sizeProblems.map((problem): SimulationProblem => ({ ...problem, ruleId: 'simulation-too-large' })));
    if (!compiled || problems.length > 0) return { problems };
    return { simulator: new Simulator(compiled, listed.scenarios, source), problems };
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
    // Gates follow what the run is, before what happened in it; notes close it. Key order is part of the output.
    const { plan, seed: runSeed, scenario, kind, newVersionAtFault, description, ...happened } = runner.result();
    return {
      plan,
      seed: runSeed,
      scenario,
      kind,
      newVersionAtFault,
      description,
      ...this.gateFacts(),
      ...happened,
      notes: this.noteCopies(),
    };
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
    const { plan, runs: count, seed: first, scenario, kind, newVersionAtFault, description, ...found } = accumulator.summary();
    return {
      plan,
      runs: count,
      seed: first,
      scenario,
      kind,
      newVersionAtFault,
      description,
      ...this.gateFacts(),
      ...found,
      notes: this.noteCopies(),
    };
  }

  /** Every scenario over the same seeds: which failures the plan catches, where, and at what cost. */
  matrix(seed: number, runs: number): ScenarioMatrix {
    return this.matrixOf(
      this.scenarios.map((scenario) => this.runMany(scenario.name, seed, runs)),
      seed,
      runs,
    );
  }

  /** The matrix of summaries already made (one per scenario, over the same seeds): gates and notes stated once. */
  matrixOf(summaries: RunsSummary[], seed: number, runs: number): ScenarioMatrix {
    const rows = summaries.map(({ gated: _gated, gates: _gates, start: _start, notes: _notes, ...row }): ScenarioSummary => row);
    return { plan: this.plan.name, runs, seed, ...this.gateFacts(), scenarios: rows, notes: this.noteCopies() };
  }

  outline(): PlanOutline {
    return outline(this.compiled);
  }

  private gateFacts(): { gated: boolean; gates: Record<string, number>; start?: string } {
    const start = this.compiled.profile?.start;
    return { gated: this.gated, gates: { ...this.gates }, ...(start ? { start } : {}) };
  }

  /** Each output gets its own copies: a caller changing one must not change the next. */
  private noteCopies(): SimulationNote[] {
    return this.notes.map((note) => ({ ...note }));
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

/** Findings as notes in `check --format json`'s shape, sorted by position as check sorts them. */
function placedNotes(file: string, findings: Finding[]): SimulationNote[] {
  return findings.map((finding) => placeFinding(file, finding)).sort(comparePlaced);
}
