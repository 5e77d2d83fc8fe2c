// Many runs of one scenario folded into rates and distributions: how often the plan catches it, where, how soon,
// and at what cost.

import type { ReleasePlan } from '../model/plan';
import type { RunOutcome } from './runner';
import { DIGITS, round, type Distribution, type Outcome, type ScenarioSummary } from './result';
import type { ResolvedScenario } from './scenarios';
import { newVersionAtFault } from '../model/scenario-kinds';

export class RunsAccumulator {
  private readonly failed: Float64Array;
  private readonly exposed: Float64Array;
  private readonly peak: Float64Array;
  private count = 0;
  private detections = 0;
  private detectionMinutes = 0;
  private readonly byStage = new Map<string, number>();
  private readonly byMetric = new Map<string, number>();
  private readonly outcomes: Record<Outcome, number> = { completed: 0, 'rolled-back': 0, paused: 0 };

  constructor(
    private readonly plan: ReleasePlan,
    private readonly scenario: ResolvedScenario,
    private readonly seed: number,
    runs: number,
  ) {
    this.failed = new Float64Array(runs);
    this.exposed = new Float64Array(runs);
    this.peak = new Float64Array(runs);
    for (const stage of plan.stages) {
      this.byStage.set(stage.name, 0);
      for (const gate of stage.gates) this.byMetric.set(gate.metric, 0);
    }
  }

  add(run: RunOutcome): void {
    const i = this.count++;
    this.failed[i] = run.failedRequests;
    this.exposed[i] = run.exposedRequests;
    this.peak[i] = run.peakTrafficShare;
    this.outcomes[run.outcome]++;
    if (run.detection) {
      this.detections++;
      this.detectionMinutes += run.detection.minute;
      this.byStage.set(run.detection.stage, (this.byStage.get(run.detection.stage) ?? 0) + 1);
      this.byMetric.set(run.detection.metric, (this.byMetric.get(run.detection.metric) ?? 0) + 1);
    }
  }

  summary(): ScenarioSummary {
    const runs = this.count;
    const rate = (count: number) => round(count / runs, DIGITS.share);
    const perUser = this.plan.traffic.requestsPerUser;
    const summary: ScenarioSummary = {
      plan: this.plan.name,
      runs,
      seed: this.seed,
      scenario: this.scenario.name,
      kind: this.scenario.kind,
      newVersionAtFault: newVersionAtFault(this.scenario.kind),
      description: this.scenario.description,
      detectionRate: rate(this.detections),
      detectionByStage: Object.fromEntries([...this.byStage].map(([stage, count]) => [stage, rate(count)])),
      detectionByMetric: Object.fromEntries([...this.byMetric].map(([metric, count]) => [metric, rate(count)])),
      outcomes: {
        completed: rate(this.outcomes.completed),
        'rolled-back': rate(this.outcomes['rolled-back']),
        paused: rate(this.outcomes.paused),
      },
      meanDetectionMinute: this.detections === 0 ? null : round(this.detectionMinutes / this.detections, DIGITS.mean),
      blastRadius: {
        failedRequests: distribution(this.failed.subarray(0, runs), 1, DIGITS.mean),
        exposedRequests: distribution(this.exposed.subarray(0, runs), 1, DIGITS.mean),
        users: perUser === undefined ? null : distribution(this.exposed.subarray(0, runs), perUser, DIGITS.users),
        peakTrafficShare: distribution(this.peak.subarray(0, runs), 1, DIGITS.share),
      },
    };
    if (!summary.newVersionAtFault) {
      // Insert after detectionByStage so the key order stays fixed.
      const { outcomes, meanDetectionMinute, blastRadius, ...head } = summary;
      return { ...head, falseRollbackRate: rate(runs - this.outcomes.completed), outcomes, meanDetectionMinute, blastRadius };
    }
    return summary;
  }
}

/** Nearest-rank percentiles, mean and max of values / divisor. */
function distribution(values: Float64Array, divisor: number, digits: number): Distribution {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  if (n === 0) return { p50: 0, p95: 0, max: 0, mean: 0 };
  const at = (q: number) => sorted[Math.max(0, Math.ceil(q * n) - 1)] / divisor;
  let total = 0;
  for (const value of sorted) total += value;
  return {
    p50: round(at(0.5), digits),
    p95: round(at(0.95), digits),
    max: round(sorted[n - 1] / divisor, digits),
    mean: round(total / n / divisor, Math.max(digits, DIGITS.mean)),
  };
}
