// The lint's statistics and the simulator model the same gates: their false-rollback estimates must agree.
import * as assert from 'assert';
import { parse } from 'yaml';
import { gateStatistics } from '../../../src/engine/stats/gate-power';
import { baselineView, stageViews, trafficView } from '../../../src/engine/model/plan-view';
import { loadPlanText } from '../simulate/helpers';
import { lines } from '../helpers';

function plan(bound: string): string {
  return lines(
    'apiVersion: stagegate.dev/v1',
    'kind: ReleasePlan',
    'metadata: { name: a, service: b, owner: c }',
    'traffic:',
    '  requestsPerSecond: 1000',
    '  dimensions: { region: { eu: 0.5, us: 0.3, ap: 0.2 } }',
    'baseline: { errorRate: 0.002, latencyP95Ms: 200 }',
    'rollback: { automatic: true }',
    'stages:',
    '  - name: canary',
    '    weight: 2',
    '    duration: 2h',
    '    interval: 30m',
    '    breakdown: [region]',
    `    gates: [{ metric: errorRate, ${bound} }]`,
    '  - name: full',
    '    weight: 100',
    '    duration: 1h',
  );
}

describe('gate statistics agree with the simulator', () => {
  for (const bound of ['maxIncrease: 50%', 'max: 0.3%']) {
    it(`false-rollback probability of a canary judged per region (${bound})`, async () => {
      const text = plan(bound);
      const value = parse(text) as Record<string, unknown>;
      const stage = stageViews(value)[0];
      const stats = gateStatistics(stage.gates[0], stage, trafficView(value), baselineView(value), 0.8)!;
      const { simulator } = await loadPlanText('p.release.yaml', text);
      const runs = 2000;
      const simulated = simulator!.runMany('healthy', 1, runs).falseRollbackRate as number;
      const standardError = Math.sqrt((simulated * (1 - simulated)) / runs);
      if (process.env.STAGEGATE_VERBOSE) console.log(`lint ${stats.falseRollbackPerStage.toFixed(4)} simulated ${simulated}`);
      assert.ok(simulated > 0.02, 'the plan is noisy enough for the comparison to mean something');
      // The lint combines overlapping cells as independent, which can only overstate the risk a little.
      assert.ok(
        stats.falseRollbackPerStage >= simulated - 3 * standardError,
        `lint ${stats.falseRollbackPerStage} vs simulated ${simulated}`,
      );
      assert.ok(
        stats.falseRollbackPerStage <= simulated * 1.3 + 3 * standardError,
        `lint ${stats.falseRollbackPerStage} vs simulated ${simulated}`,
      );
    });
  }
});
