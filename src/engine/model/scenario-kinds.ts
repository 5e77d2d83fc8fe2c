// The kinds of failure a plan can be replayed against, in report order, with what every face needs to know of them:
// the one-line description completion shows, whether a stop means the plan caught the new version (or rolled back
// a release that was not at fault), and what a plan must declare for the built-in scenario to apply. The release
// plan schema's `scenarios.*.kind` enum lists the same kinds (a test keeps them equal).

export interface ScenarioKindInfo {
  description: string;
  /**
   * Whether the failure is the new version's own. When it is not (nothing fails; a dependency fails for both
   * versions), every stop is a false rollback, never a catch.
   */
  newVersionAtFault: boolean;
  /** What the plan must declare for the built-in scenario of this kind to apply. */
  needs?: 'kpi' | 'dimension' | 'gauge';
}

export const SCENARIO_KIND_INFO = {
  healthy: { description: 'nothing fails: every stop is a false rollback', newVersionAtFault: false },
  'error-spike': { description: 'the new version fails more requests', newVersionAtFault: true },
  'latency-regression': { description: 'the new version is slower', newVersionAtFault: true },
  'kpi-drop': { description: 'a business KPI drops on the new version', newVersionAtFault: true, needs: 'kpi' },
  'segment-outage': { description: 'the new version breaks in one region, device or tenant', newVersionAtFault: true, needs: 'dimension' },
  'slow-burn': { description: "the new version's error rate grows slowly", newVersionAtFault: true },
  'dependency-outage': { description: 'a dependency fails for both versions: stops are false rollbacks', newVersionAtFault: false },
  'dependency-degradation': {
    description: 'a dependency slows both versions down: an absolute bound trips, a relative one should not',
    newVersionAtFault: false,
  },
  'resource-regression': {
    description: 'a gauge such as CPU rises by a factor on the new version: only a gauge gate sees it',
    newVersionAtFault: true,
    needs: 'gauge',
  },
  'memory-leak': {
    description: 'a gauge of the new version grows until a limit, then restarts fail requests',
    newVersionAtFault: true,
    needs: 'gauge',
  },
} as const satisfies Record<string, ScenarioKindInfo>;

export type ScenarioKind = keyof typeof SCENARIO_KIND_INFO;

export const SCENARIO_KINDS = Object.keys(SCENARIO_KIND_INFO) as ScenarioKind[];

/** The scenario a run shows when none is named: the plainest failure. */
export const DEFAULT_SCENARIO: ScenarioKind = 'error-spike';

export function isScenarioKind(value: unknown): value is ScenarioKind {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(SCENARIO_KIND_INFO, value);
}

/** Whether a stop in this kind of scenario caught the new version (true) or rolled back a release not at fault. */
export function newVersionAtFault(kind: ScenarioKind): boolean {
  return SCENARIO_KIND_INFO[kind].newVersionAtFault;
}
