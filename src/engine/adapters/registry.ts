// What the engine runs on documents of other tools' formats: their schema (flagd's own), their lint rules, and
// the facts they contribute to the workspace (flagd flags, Argo AnalysisTemplates).

import type { Finding } from '../finding';
import type { ForeignKind } from '../formats/recognise';
import { locate, type ParsedDocument, type SourceFile } from '../parse/source-file';
import type { RuleMeta } from '../rules/rule-meta';
import type { WorkspaceFacts } from '../rules/workspace-facts';
import { validateFlagdDocument } from './flagd/flagd-schema';
import type { ForeignRule } from './foreign-rule';
import { isRecord, resourceName } from './read';
import {
  flagdDefaultNotAVariant,
  flagdExpired,
  flagdExpiringSoon,
  flagdLifetimeTooLong,
  flagdMissingExpiry,
  flagdMissingOwner,
} from './flagd/flagd-flag-rules';
import { flagdEvaluatorUndefined } from './flagd/flagd-evaluator-undefined';
import { flagdFractionalWeights } from './flagd/flagd-fractional-weights';
import { flagdTargetingUnknownVariant } from './flagd/flagd-targeting-unknown-variant';
import { flagdSchemaVariant } from './flagd/flagd-view';
import { collectFlagdFlags } from './flagd/flagd-facts';
import { argoWeightDecreasing, argoWeightOutOfRange } from './argo/argo-weight-rules';
import { argoNoAnalysis } from './argo/argo-no-analysis';
import { argoTemplateArgMissing, argoTemplateNotFound } from './argo/argo-template-rules';
import { argoMetricCannotFail } from './argo/argo-metric-cannot-fail';
import { argoPauseWithoutDuration } from './argo/argo-pause-without-duration';
import { argoInvalidQuantity } from './argo/argo-invalid-quantity';
import { flaggerMaxNotMultiple, flaggerStepAboveMax, flaggerStepWeightsNotIncreasing } from './flagger/flagger-weight-rules';
import { flaggerMetricUnknown } from './flagger/flagger-metric-unknown';
import { flaggerRollbackSlow } from './flagger/flagger-rollback-slow';
import { planFlagDisabled } from './flagd/plan-flag-disabled';

export { planFlagDisabled };

export const FOREIGN_RULES: ForeignRule[] = [
  flagdMissingOwner,
  flagdMissingExpiry,
  flagdExpired,
  flagdExpiringSoon,
  flagdLifetimeTooLong,
  flagdDefaultNotAVariant,
  flagdEvaluatorUndefined,
  flagdFractionalWeights,
  flagdTargetingUnknownVariant,
  argoWeightOutOfRange,
  argoWeightDecreasing,
  argoNoAnalysis,
  argoTemplateNotFound,
  argoTemplateArgMissing,
  argoMetricCannotFail,
  argoPauseWithoutDuration,
  argoInvalidQuantity,
  flaggerStepAboveMax,
  flaggerMaxNotMultiple,
  flaggerStepWeightsNotIncreasing,
  flaggerMetricUnknown,
  flaggerRollbackSlow,
];

/** Metas of the rules only these formats have; the flagd ports of flag rules reuse the flag rules' ids and metas. */
export function foreignRuleMetas(known: Set<string>): RuleMeta[] {
  const seen = new Set(known);
  return FOREIGN_RULES.map((rule) => rule.meta).filter((meta) => !seen.has(meta.id) && (seen.add(meta.id), true));
}

/** Schema findings for a foreign document: flagd's own schema; Kubernetes resources are checked by their rules. */
export function validateForeign(file: SourceFile, doc: ParsedDocument, kind: ForeignKind): Finding[] {
  if (kind === 'flagd') return validateFlagdDocument(file, doc, flagdSchemaVariant(doc.value));
  return [];
}

/** What a foreign document adds to the workspace's facts. */
export function collectForeignFacts(file: SourceFile, doc: ParsedDocument, kind: ForeignKind, facts: WorkspaceFacts): void {
  if (kind === 'flagd') collectFlagdFlags(file, doc, facts);
  if (kind === 'argo-analysis-template' && isRecord(doc.value)) {
    const value = doc.value;
    const name = resourceName(value);
    if (name === undefined) return;
    const resourceKind = String(value.kind);
    const key = `${resourceKind}/${name}`;
    const fact = { kind: resourceKind, name, file: file.path, range: locate(file, doc, ['metadata', 'name']).value, value };
    const list = facts.resources.get(key);
    if (list) list.push(fact);
    else facts.resources.set(key, [fact]);
  }
}
