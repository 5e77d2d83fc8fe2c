// The views rules read, per document kind: which reader turns a document into flags or into a weight ladder. Native
// formats are read by src/engine/model, other tools' formats by their adapter; rules see one shape either way.

import { argoLadder } from '../adapters/argo/rollout-view';
import { flagdFlagSetView } from '../adapters/flagd/flagd-view';
import type { DocumentKind } from '../formats/recognise';
import { flagSetView, type FlagSetView } from '../model/flag-view';
import { planLadder, type Ladder } from '../model/ladder';

const NO_FLAGS: FlagSetView = {
  format: 'flag-set',
  flags: [],
  fieldName: (field) => field,
  insertion: (flag, field) => ({ mapPath: flag.path, key: field }),
};
const NO_LADDER: Ladder = { steps: [] };

/** The flags of a flag set or a flagd file; none for other kinds. */
export function flagsOf(kind: DocumentKind, value: Record<string, unknown>): FlagSetView {
  if (kind === 'flag-set') return flagSetView(value);
  if (kind === 'flagd') return flagdFlagSetView(value);
  return NO_FLAGS;
}

/** The weights a release plan or an Argo Rollout steps through; none for other kinds. */
export function ladderOf(kind: DocumentKind, value: Record<string, unknown>): Ladder {
  if (kind === 'release-plan') return planLadder(value);
  if (kind === 'argo-rollout') return argoLadder(value);
  return NO_LADDER;
}
