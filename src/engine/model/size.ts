// How big a document is against the limits rules run within (src/engine/limits.ts). A document beyond them gets
// its limit finding and its syntax and schema findings, and no lint findings.

import type { DocumentKind } from '../formats/recognise';
import { MAX_FLAGS, MAX_STAGES } from '../limits';
import { isRecord } from '../values';

export function stageCount(value: unknown): number {
  return isRecord(value) && Array.isArray(value.stages) ? value.stages.length : 0;
}

export function flagCount(value: unknown): number {
  return isRecord(value) && isRecord(value.flags) ? Object.keys(value.flags).length : 0;
}

export function exceedsLimits(kind: DocumentKind, value: unknown): boolean {
  if (kind === 'release-plan') return stageCount(value) > MAX_STAGES;
  if (kind === 'flag-set') return flagCount(value) > MAX_FLAGS;
  return false;
}
