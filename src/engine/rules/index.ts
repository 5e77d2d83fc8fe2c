// The catalogue of rules: every rule the engine runs, and the metadata faces show (docs, SARIF, settings).

import type { DocumentRule } from './context';
import type { RuleMeta } from './rule-meta';
import { flagMissingOwner } from './flags/flag-missing-owner';
import { flagMissingExpiry } from './flags/flag-missing-expiry';
import { flagExpired, flagExpiringSoon, flagLifetimeTooLong } from './flags/flag-expiry-dates';
import { flagMissingDescription } from './flags/flag-missing-description';
import { flagDefaultNotAVariant } from './flags/flag-default-not-a-variant';
import { flagDependencyCycle, flagUnknownDependency } from './flags/flag-dependencies';
import {
  gateUnknownKpi,
  gateWithoutBound,
  stageDuplicateName,
  stageFirstWeightTooLarge,
  stageIntervalExceedsDuration,
  stageWeightsNotIncreasing,
  stageWithoutGates,
} from './plan/stage-rules';
import { gateFalseRollbackLikely, gateThresholdBelowBaseline, gateUnderpowered } from './plan/gate-rules';
import { baselineMissing, breakdownMissing, breakdownUnknownDimension, planMissingSignal, rollbackNotAutomatic } from './plan/plan-rules';
import { planFlagExpiresDuringRollout, planTooManyFlags, planUnknownFlag } from './plan/plan-flag-rules';
import { planMigrationMissing, planMigrationNotRollbackSafe } from './plan/plan-migration-rules';
import { MIGRATION_RULES } from '../migrations/index';
import { foreignRuleMetas, planFlagDisabled } from '../adapters/registry';

export const DOCUMENT_RULES: DocumentRule[] = [
  flagMissingOwner,
  flagMissingExpiry,
  flagExpired,
  flagExpiringSoon,
  flagLifetimeTooLong,
  flagMissingDescription,
  flagDefaultNotAVariant,
  flagUnknownDependency,
  flagDependencyCycle,
  stageWeightsNotIncreasing,
  stageDuplicateName,
  stageWithoutGates,
  gateWithoutBound,
  gateUnknownKpi,
  planMissingSignal,
  baselineMissing,
  gateUnderpowered,
  gateThresholdBelowBaseline,
  gateFalseRollbackLikely,
  stageFirstWeightTooLarge,
  rollbackNotAutomatic,
  breakdownMissing,
  breakdownUnknownDimension,
  stageIntervalExceedsDuration,
  planUnknownFlag,
  planFlagExpiresDuringRollout,
  planTooManyFlags,
  planMigrationMissing,
  planMigrationNotRollbackSafe,
  planFlagDisabled,
];

/** Findings that come from the engine itself rather than a rule module. */
export const BUILTIN_RULES: RuleMeta[] = [
  { id: 'syntax-error', family: 'syntax', defaultSeverity: 'error', summary: 'The file is not valid YAML or JSON.' },
  {
    id: 'syntax-warning',
    family: 'syntax',
    defaultSeverity: 'warning',
    summary: 'The YAML parser accepted the file but found something suspicious.',
  },
  {
    id: 'schema',
    family: 'schema',
    defaultSeverity: 'error',
    summary: 'A value does not match the file format (unknown key, wrong type, missing key, out of range).',
  },
  {
    id: 'duplicate-key',
    family: 'syntax',
    defaultSeverity: 'error',
    summary: 'A key appears twice in one mapping; YAML silently keeps only the last one.',
  },
  {
    id: 'flag-duplicate-key',
    family: 'flags',
    defaultSeverity: 'error',
    summary: 'The same flag key is defined twice in one file; YAML silently keeps only the last definition.',
  },
  { id: 'file-too-large', family: 'limits', defaultSeverity: 'error', summary: 'The file is larger than Stagegate reads.' },
  {
    id: 'invalid-encoding',
    family: 'syntax',
    defaultSeverity: 'warning',
    summary: 'The file is not UTF-8 text: bytes that are not UTF-8 (read as U+FFFD), or NUL characters of binary content.',
  },
  { id: 'nesting-too-deep', family: 'limits', defaultSeverity: 'error', summary: 'Collections nest deeper than Stagegate reads.' },
  {
    id: 'yaml-alias-limit',
    family: 'limits',
    defaultSeverity: 'error',
    summary: 'The document expands more YAML aliases than Stagegate allows.',
  },
  { id: 'too-many-findings', family: 'limits', defaultSeverity: 'info', summary: 'More findings than Stagegate reports for one file.' },
  {
    id: 'plan-too-large',
    family: 'limits',
    defaultSeverity: 'error',
    summary: 'The plan has more stages than Stagegate lints and simulates.',
  },
  { id: 'flag-set-too-large', family: 'limits', defaultSeverity: 'error', summary: 'The flag set has more flags than Stagegate lints.' },
  {
    id: 'internal-error',
    family: 'limits',
    defaultSeverity: 'error',
    summary: 'A rule failed on this file; the finding carries its message so it can be reported.',
  },
];

export function allRuleMetas(): RuleMeta[] {
  const own = [...BUILTIN_RULES, ...DOCUMENT_RULES.map((rule) => rule.meta), ...MIGRATION_RULES];
  // Rules of other tools' formats (flagd, Argo Rollouts, Flagger); their ports of flag rules share the flag rules' ids.
  return [...own, ...foreignRuleMetas(new Set(own.map((meta) => meta.id)))];
}
