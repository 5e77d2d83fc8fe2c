// Replays one scenario through a compiled plan, step by step and segment by segment, with aggregated draws:
// per segment and step, the requests routed to the new version and their errors; at each evaluation, whatever else
// the gates need. The gates decide; a failing gate stops the rollout as the plan's rollback policy says.

import type { CompiledPlan, CompiledStage, CompiledGate } from './compile';
import { scheduleFailure, type FailureSchedule } from './failure';
import { profileFactor } from '../model/stage-traffic';
import { clearWindow, createWindow, drawGateCounts, drawWindowDrift, judgeGate, type Judgement, type Window } from './gates';
import { BinomialTables } from './binomial-table';
import { createRandom, type RandomSource } from './random';
import {
  DIGITS,
  round,
  type CellObservation,
  type Detection,
  type GateEvaluation,
  type Outcome,
  type RunCore,
  type StageVerdict,
  type Stop,
  type TimelineStep,
} from './result';
import type { ResolvedScenario } from './scenarios';
import { newVersionAtFault } from '../model/scenario-kinds';

/**
 * Minutes from a gate failing (or a rollout pausing) to a human acting, when the plan leaves the decision to one:
 * `automatic: false`, `action: pause`, or `onInconclusive: pause`. Half an hour is a typical time for an on-call
 * engineer to acknowledge a page, look at the dashboards and roll back.
 */
export const HUMAN_REACTION_MINUTES = 30;

/** The few figures of a run that a summary over many runs needs. */
export interface RunOutcome {
  seed: number;
  outcome: Outcome;
  detection: Detection | null;
  stop: Stop | null;
  endMinute: number;
  exposedRequests: number;
  failedRequests: number;
  peakTrafficShare: number;
}

interface Decision {
  verdict: 'fail' | 'inconclusive';
  detection: Detection;
}

/** One plan and scenario, ready to run any number of seeds; its buffers are reused from run to run. */
export class ScenarioRunner {
  private readonly failure: FailureSchedule | null;
  private readonly window: Window;
  private readonly requestsPerStep: Float64Array;
  private readonly exposed: Float64Array;
  private readonly failed: Float64Array;
  private readonly stageRequests: Float64Array;
  private readonly stageErrors: Float64Array;
  private readonly stageFailed: Float64Array;
  private readonly stageEvaluations: Float64Array;
  private readonly stageStart: Float64Array;
  private readonly stageEnd: Float64Array;
  private readonly stageVerdicts: StageVerdict[];
  private peakRoute = 0;
  private timeline: TimelineStep[] = [];
  private evaluations: GateEvaluation[] = [];
  private last: RunOutcome | undefined;
  private detailed = false;

  constructor(
    readonly compiled: CompiledPlan,
    readonly scenario: ResolvedScenario,
    /** Shared by the runners of one plan: the per-step distributions are the same in every scenario. */
    private readonly tables: BinomialTables = new BinomialTables(compiled.maxStepRequests),
  ) {
    const segmentCount = compiled.segments.length;
    const stageCount = compiled.stages.length;
    this.failure = scheduleFailure(compiled, scenario);
    this.window = createWindow(
      segmentCount,
      compiled.kpiNames.length,
      Math.max(1, ...compiled.stages.map((stage) => stage.cells.length)),
      compiled.gaugeNames.length,
    );
    this.requestsPerStep = Float64Array.from(compiled.segments.map((segment) => segment.requestsPerStep));
    this.exposed = new Float64Array(segmentCount);
    this.failed = new Float64Array(segmentCount);
    this.stageRequests = new Float64Array(stageCount);
    this.stageErrors = new Float64Array(stageCount);
    this.stageFailed = new Float64Array(stageCount);
    this.stageEvaluations = new Float64Array(stageCount);
    this.stageStart = new Float64Array(stageCount);
    this.stageEnd = new Float64Array(stageCount);
    this.stageVerdicts = new Array<StageVerdict>(stageCount);
  }

  /** Runs one seed. With `detail`, keeps the timeline and every gate evaluation for `result()`. */
  run(seed: number, detail = false): RunOutcome {
    const { compiled, failure, window, requestsPerStep, exposed, failed } = this;
    const { stages, stepMinutes, plan } = compiled;
    const segmentCount = compiled.segments.length;
    const random = createRandom(seed);
    this.reset(detail);

    const baselineRate = plan.baseline.errorRate;
    // With baseline.dispersion.errorRate, each window has its own true rate: no rate recurs, so no tables.
    const drifting = plan.baseline.dispersion.errorRate > 0;
    const tables = this.tables;
    const steadyErrors = drifting ? null : tables.forRate(baselineRate);
    drawWindowDrift(random, compiled, window);
    const inScope = failure ? failure.inScope : new Uint8Array(segmentCount);
    const affectsCurrent = failure !== null && failure.affectsCurrentVersion;
    const canaryRequests = window.canaryRequests;
    const canaryErrors = window.canaryErrors;
    const canaryShifted = window.canaryShifted;
    const baselineRequests = window.baselineRequests;
    const baselineShifted = window.baselineShifted;

    let stageIndex = 0;
    let stage = stages[0];
    let stepInStage = 0;
    let evaluationIndex = 0;
    let stopping = false;
    let restoreMinute = Number.POSITIVE_INFINITY;
    let detection: Detection | null = null;
    let stop: Stop | null = null;
    let peakShare = 0;
    let step = 0;
    // Expected requests so far, in steps of the plan's rate: the step count itself without a traffic profile.
    let elapsed = 0;
    const profile = compiled.profile;
    this.stageStart[0] = 0;

    for (;;) {
      const minute = step * stepMinutes;
      let route = stage.routeProbability;
      if (stopping) {
        const coverage = Math.min(1, (restoreMinute - minute) / stepMinutes);
        if (coverage <= 1e-9) break;
        route *= coverage;
      }
      const active = failure !== null && step >= failure.startStep && step < failure.endStep;
      const changesErrors = active && failure.changesErrors;
      const healthyRate = window.errorRate;
      const healthyErrors = steadyErrors;
      // A failure's own rate moves with the window's drift, as the current version's does.
      const activeRate = changesErrors ? clampRate(failure.errorRateAt(step) + healthyRate - baselineRate) : healthyRate;
      // A failure of the new version's own: each request fails as on the current version, or else, with the excess
      // probability, because of the new version; that second count is the blast radius's failed requests.
      const ownFailure = changesErrors && !affectsCurrent && activeRate > healthyRate;
      const excessRate = ownFailure ? (activeRate - healthyRate) / (1 - healthyRate) : 0;
      // Rates that recur step after step draw from cached tables; a growing error rate or a partial step does not.
      const steady = !stopping || route === stage.routeProbability;
      const constantRate = !drifting && (!failure || !failure.growing);
      const routed = steady ? tables.forRate(route) : null;
      const activeErrors = constantRate && changesErrors ? tables.forRate(activeRate) : null;
      const excessErrors = constantRate && ownFailure ? tables.forRate(excessRate) : null;

      const upTo = profile ? elapsed + profileFactor(profile.factors, profile.startMinuteOfWeek, minute) : step + 1;
      let stepRequests = 0;
      let stepCurrent = 0;
      let stepErrors = 0;
      let stepFailed = 0;
      for (let s = 0; s < segmentCount; s++) {
        // Traffic arrives at the plan's rate; rounding the running total keeps every segment's sum exact.
        const rate = requestsPerStep[s];
        const total = Math.round(rate * upTo) - Math.round(rate * elapsed);
        const canary = routed ? random.binomialRepeated(total, routed) : random.binomial(total, route);
        const current = total - canary;
        const failing = active && inScope[s] === 1;
        let errors = 0;
        let excess = 0;
        if (canary > 0) {
          if (!failing || !changesErrors)
            errors = healthyErrors ? random.binomialRepeated(canary, healthyErrors) : random.binomial(canary, healthyRate);
          else if (ownFailure) {
            const ordinary = healthyErrors ? random.binomialRepeated(canary, healthyErrors) : random.binomial(canary, healthyRate);
            excess = excessErrors
              ? random.binomialRepeated(canary - ordinary, excessErrors)
              : random.binomial(canary - ordinary, excessRate);
            errors = ordinary + excess;
          } else errors = activeErrors ? random.binomialRepeated(canary, activeErrors) : random.binomial(canary, activeRate);
        }
        canaryRequests[s] += canary;
        canaryErrors[s] += errors;
        baselineRequests[s] += current;
        if (failing) {
          canaryShifted[s] += canary;
          if (affectsCurrent) baselineShifted[s] += current;
          exposed[s] += canary;
          failed[s] += excess;
        }
        stepRequests += canary;
        stepCurrent += current;
        stepErrors += errors;
        stepFailed += excess;
      }
      const exposedHere = active && failure.scopeShare > 0 && route > 0;
      if (exposedHere && route * failure.scopeShare > peakShare) {
        peakShare = route * failure.scopeShare;
        this.peakRoute = route;
      }
      this.stageRequests[stageIndex] += stepRequests;
      this.stageErrors[stageIndex] += stepErrors;
      this.stageFailed[stageIndex] += stepFailed;
      if (detail) {
        this.timeline.push({
          minute: round(minute, DIGITS.minute),
          stage: stageIndex,
          share: round(route, DIGITS.share),
          requests: stepRequests,
          baselineRequests: stepCurrent,
          errors: stepErrors,
          failedRequests: stepFailed,
          failureActive: active && failure.scopeShare > 0,
        });
      }
      step++;
      elapsed = upTo;
      if (stopping) continue;

      stepInStage++;
      if (stepInStage !== stage.evaluationEnds[evaluationIndex]) continue;
      const windowSteps = stepInStage - (evaluationIndex === 0 ? 0 : stage.evaluationEnds[evaluationIndex - 1]);
      const decision = this.evaluate(random, stage, step * stepMinutes, windowSteps * stepMinutes, detail);
      this.stageEvaluations[stageIndex]++;
      clearWindow(window);
      drawWindowDrift(random, compiled, window);
      if (decision) {
        detection = decision.detection;
        stop = this.stopAfter(decision.verdict, step * stepMinutes);
        restoreMinute = stop.restoredMinute;
        stopping = true;
        this.stageVerdicts[stageIndex] = decision.verdict === 'fail' ? 'failed' : 'inconclusive';
        continue;
      }
      evaluationIndex++;
      if (evaluationIndex < stage.evaluationEnds.length) continue;
      this.stageVerdicts[stageIndex] = 'passed';
      this.stageEnd[stageIndex] = step * stepMinutes;
      stageIndex++;
      if (stageIndex === stages.length) break;
      stage = stages[stageIndex];
      this.stageStart[stageIndex] = step * stepMinutes;
      stepInStage = 0;
      evaluationIndex = 0;
    }

    const endMinute = stopping ? restoreMinute : step * stepMinutes;
    if (stopping) this.stageEnd[stageIndex] = endMinute;
    let exposedRequests = 0;
    let failedRequests = 0;
    for (let s = 0; s < segmentCount; s++) {
      exposedRequests += exposed[s];
      failedRequests += failed[s];
    }
    this.last = {
      seed,
      outcome: stop ? stop.outcome : 'completed',
      detection,
      stop,
      endMinute: round(endMinute, DIGITS.minute),
      exposedRequests,
      failedRequests,
      peakTrafficShare: round(peakShare, DIGITS.share),
    };
    return this.last;
  }

  /** The full result of the last run made with `detail`. */
  result(): RunCore {
    const last = this.last;
    if (!last || !this.detailed) throw new Error('result() needs a run made with detail');
    const { compiled, scenario } = this;
    const { plan, stepMinutes } = compiled;
    const perUser = plan.traffic.requestsPerUser;
    const users = (requests: number) => (perUser === undefined ? null : round(requests / perUser, DIGITS.users));
    const bySegment = compiled.segments.map((segment) => ({
      segment: segment.label,
      values: segment.values,
      exposedRequests: this.exposed[segment.index],
      failedRequests: this.failed[segment.index],
      users: users(this.exposed[segment.index]),
      peakTrafficShare: this.failure && this.failure.inScope[segment.index] === 1 ? round(this.peakRoute, DIGITS.share) : 0,
    }));
    const newVersionRequests = sum(this.stageRequests);
    let currentVersionRequests = 0;
    for (const step of this.timeline) currentVersionRequests += step.baselineRequests;
    return {
      plan: plan.name,
      seed: last.seed,
      scenario: scenario.name,
      kind: scenario.kind,
      newVersionAtFault: newVersionAtFault(scenario.kind),
      description: scenario.description,
      stepMinutes: round(stepMinutes, DIGITS.minute),
      outcome: last.outcome,
      detection: last.detection,
      stop: last.stop,
      endMinute: last.endMinute,
      blastRadius: {
        exposedRequests: last.exposedRequests,
        failedRequests: last.failedRequests,
        users: users(last.exposedRequests),
        peakTrafficShare: last.peakTrafficShare,
        bySegment,
      },
      traffic: { totalRequests: newVersionRequests + currentVersionRequests, newVersionRequests, currentVersionRequests },
      stages: compiled.stages.map((stage, index) => {
        const reached = this.stageVerdicts[index] !== undefined;
        return {
          name: stage.stage.name,
          weight: stage.stage.weight,
          cohort: stage.stage.cohort,
          trafficShare: round(stage.routeProbability, DIGITS.share),
          plannedStart: round(stage.startStep * stepMinutes, DIGITS.minute),
          plannedEnd: round((stage.startStep + stage.steps) * stepMinutes, DIGITS.minute),
          start: reached ? round(this.stageStart[index], DIGITS.minute) : null,
          end: reached ? round(this.stageEnd[index], DIGITS.minute) : null,
          verdict: reached ? this.stageVerdicts[index] : 'not-reached',
          requests: this.stageRequests[index],
          errors: this.stageErrors[index],
          failedRequests: this.stageFailed[index],
          evaluations: this.stageEvaluations[index],
        };
      }),
      evaluations: this.evaluations,
      timeline: this.timeline,
    };
  }

  private reset(detail: boolean): void {
    this.detailed = detail;
    clearWindow(this.window);
    this.exposed.fill(0);
    this.failed.fill(0);
    this.stageRequests.fill(0);
    this.stageErrors.fill(0);
    this.stageFailed.fill(0);
    this.stageEvaluations.fill(0);
    this.stageStart.fill(0);
    this.stageEnd.fill(0);
    this.stageVerdicts.fill(undefined as unknown as StageVerdict);
    this.peakRoute = 0;
    // Fresh arrays: the previous result may still hold the old ones.
    this.timeline = [];
    this.evaluations = [];
  }

  /**
   * Judges every gate of the stage on the window just closed. A failing gate decides (the first in plan order;
   * all traffic before its breakdown values); an inconclusive one decides only when the policy is not `continue`.
   */
  private evaluate(random: RandomSource, stage: CompiledStage, minute: number, windowMinutes: number, detail: boolean): Decision | null {
    const { compiled, window } = this;
    drawGateCounts(random, compiled, stage, window, this.failure, minute);
    let failing: Detection | null = null;
    let inconclusive: Detection | null = null;
    for (const gate of stage.gates) {
      const judgements = judgeGate(compiled, stage, gate, window);
      const all = judgements[0];
      const breakdown = judgements.slice(1);
      const worst = worstOf(breakdown);
      const failed = all.verdict === 'fail' ? all : worst && worst.verdict === 'fail' ? worst : null;
      const undecided = judgements.find((judgement) => judgement.verdict === 'inconclusive') ?? null;
      if (failed && !failing) failing = detectionOf(stage, gate, failed, minute, 'fail');
      if (!failed && undecided && !inconclusive) inconclusive = detectionOf(stage, gate, undecided, minute, 'inconclusive');
      if (detail) {
        this.evaluations.push({
          stage: stage.stage.name,
          stageIndex: stage.stage.index,
          minute: round(minute, DIGITS.minute),
          windowMinutes: round(windowMinutes, DIGITS.minute),
          gate: gate.label,
          gateIndex: gate.gate.index,
          metric: gate.metric,
          verdict: failed ? 'fail' : undecided ? 'inconclusive' : 'pass',
          all: observation(gate, all),
          worst: worst ? observation(gate, worst) : null,
        });
      }
    }
    if (failing) return { verdict: 'fail', detection: failing };
    if (inconclusive && compiled.plan.rollback.onInconclusive !== 'continue') return { verdict: 'inconclusive', detection: inconclusive };
    return null;
  }

  private stopAfter(verdict: 'fail' | 'inconclusive', minute: number): Stop {
    const { automatic, action, delayMinutes, onInconclusive } = this.compiled.plan.rollback;
    const human = (outcome: Stop['outcome'], stopAction: Stop['action']): Stop => ({
      outcome,
      by: 'human',
      action: stopAction,
      restoredMinute: round(minute + HUMAN_REACTION_MINUTES + delayMinutes, DIGITS.minute),
    });
    if (verdict === 'inconclusive') {
      if (onInconclusive === 'pause') return human('paused', 'pause');
      return {
        outcome: 'rolled-back',
        by: 'automatic',
        action: action === 'pause' ? 'rollback' : action,
        restoredMinute: round(minute + delayMinutes, DIGITS.minute),
      };
    }
    if (action === 'pause') return human('paused', 'pause');
    if (!automatic) return human('rolled-back', action);
    return { outcome: 'rolled-back', by: 'automatic', action, restoredMinute: round(minute + delayMinutes, DIGITS.minute) };
  }
}

function clampRate(rate: number): number {
  return Math.min(1, Math.max(0, rate));
}

/** The breakdown value furthest past (or least inside) its bound; conclusive values first. */
function worstOf(judgements: Judgement[]): Judgement | null {
  let worst: Judgement | null = null;
  for (const judgement of judgements) {
    if (!worst) worst = judgement;
    else if (worst.verdict === 'inconclusive' && judgement.verdict !== 'inconclusive') worst = judgement;
    else if (judgement.verdict !== 'inconclusive' && judgement.margin > worst.margin) worst = judgement;
  }
  return worst;
}

function detectionOf(
  stage: CompiledStage,
  gate: CompiledGate,
  judgement: Judgement,
  minute: number,
  verdict: 'fail' | 'inconclusive',
): Detection {
  const digits = gate.kind === 'latency' ? DIGITS.latency : gate.kind === 'gauge' ? DIGITS.gauge : DIGITS.rate;
  let threshold: number | null = null;
  if (verdict === 'fail' && judgement.canary !== null) {
    threshold = judgement.upper !== null && judgement.canary > judgement.upper ? judgement.upper : judgement.lower;
  }
  return {
    stage: stage.stage.name,
    minute: round(minute, DIGITS.minute),
    gate: gate.label,
    metric: gate.metric,
    verdict,
    observed: judgement.canary === null ? null : round(judgement.canary, digits),
    threshold: threshold === null ? null : round(threshold, digits),
    baseline: judgement.baseline === null ? null : round(judgement.baseline, digits),
    segment: judgement.cell.label,
    samples: judgement.samples,
  };
}

function observation(gate: CompiledGate, judgement: Judgement): CellObservation {
  const digits = gate.kind === 'latency' ? DIGITS.latency : gate.kind === 'gauge' ? DIGITS.gauge : DIGITS.rate;
  const rounded = (value: number | null) => (value === null || !Number.isFinite(value) ? null : round(value, digits));
  return {
    segment: judgement.cell.label,
    verdict: judgement.verdict,
    samples: judgement.samples,
    canary: rounded(judgement.canary),
    baseline: rounded(judgement.baseline),
    upper: rounded(judgement.upper),
    lower: rounded(judgement.lower),
  };
}

function sum(values: Float64Array): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}
