// The weights a rollout steps through, in order, whatever the format: a release plan's stages (read here) or an Argo
// Rollout's setWeight steps (read by src/engine/adapters/argo into the same view).
// Rules about the shape of the ladder read this, so one rule serves both formats.

import type { Path } from '../parse/source-file';
import { stageViews } from './plan-view';

interface LadderStep {
  /** How messages name the step: `stage "canary-1"`, `steps[3]`. */
  name: string;
  /** Percent of the cohort on the new version; undefined when it cannot be read. */
  weight: number | undefined;
  /** The step exposes internal traffic only (its weight is not on the same ladder as external stages). */
  internal: boolean;
  /** Where the weight is written. */
  weightPath: Path;
}

export interface Ladder {
  steps: LadderStep[];
}

const cache = new WeakMap<object, Ladder>();

/** The ladder of a release plan: its stages' weights. */
export function planLadder(value: Record<string, unknown>): Ladder {
  let ladder = cache.get(value);
  if (!ladder) {
    const steps = stageViews(value).map((stage) => ({
      name: `stage "${stage.name}"`,
      weight: stage.weight,
      internal: stage.internal,
      weightPath: ['stages', stage.index, 'weight'],
    }));
    cache.set(value, (ladder = { steps }));
  }
  return ladder;
}
