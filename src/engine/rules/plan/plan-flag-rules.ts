// Rules that read a plan's flags against the workspace's flag files.

import type { DocumentRule } from '../context';
import { addDays, daysBetween } from '../dates';
import { formatMinutes } from '../../model/units';
import { stageViews } from './plan-view';
import { DEFAULT_FINAL_STAGE_MINUTES } from '../../model/plan';

function planFlags(value: Record<string, unknown>): { key: string; index: number }[] {
  if (!Array.isArray(value.flags)) return [];
  return value.flags.flatMap((key, index) => (typeof key === 'string' ? [{ key, index }] : []));
}

export const planUnknownFlag: DocumentRule = {
  meta: {
    id: 'plan-unknown-flag',
    family: 'cross-file',
    defaultSeverity: 'error',
    summary: 'The plan exposes a flag that no flag file of the workspace defines.',
  },
  appliesTo: 'release-plan',
  check(context, value) {
    const files = context.facts.flagFiles;
    for (const { key, index } of planFlags(value)) {
      if (context.facts.flags.has(key)) continue;
      const searched =
        files.length === 0
          ? 'the workspace has no flag files (*.flags.yaml)'
          : `searched ${files.length} flag file${files.length === 1 ? '' : 's'}`;
      context.report(
        'plan-unknown-flag',
        context.locate(['flags', index]).value,
        `Flag "${key}" is defined in no flag file: ${searched}. Define it with an owner and an expiry date, or fix the key.`,
        {
          related: files.map((file) => ({
            file: file.path,
            range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
            message: `searched: ${file.flagCount} flag${file.flagCount === 1 ? '' : 's'}`,
          })),
        },
      );
    }
  },
};

export const planFlagExpiresDuringRollout: DocumentRule = {
  meta: {
    id: 'plan-flag-expires-during-rollout',
    family: 'cross-file',
    defaultSeverity: 'warning',
    summary: "A flag the plan exposes expires before the plan's stages could finish if started today.",
  },
  appliesTo: 'release-plan',
  check(context, value) {
    const stages = stageViews(value);
    const minutes = stages.reduce(
      (total, stage, index) => total + (stage.durationMinutes ?? (index === stages.length - 1 ? DEFAULT_FINAL_STAGE_MINUTES : 0)),
      0,
    );
    const finish = addDays(context.config.today, Math.ceil(minutes / 1440));
    for (const { key, index } of planFlags(value)) {
      for (const definition of context.facts.flags.get(key) ?? []) {
        if (!definition.expires) continue;
        const days = daysBetween(definition.expires, finish);
        if (days === undefined || days <= 0) continue;
        context.report(
          'plan-flag-expires-during-rollout',
          context.locate(['flags', index]).value,
          `Flag "${key}" expires on ${definition.expires}, but the rollout takes ${formatMinutes(minutes)} and, started today, ends on ${finish}: the flag would be due for removal while the plan still depends on it.`,
          {
            related: [{ file: definition.file, range: definition.keyRange, message: `"${key}" expires ${definition.expires}` }],
          },
        );
        break;
      }
    }
  },
};

export const planTooManyFlags: DocumentRule = {
  meta: {
    id: 'plan-too-many-flags',
    family: 'cross-file',
    defaultSeverity: 'warning',
    summary: 'The plan exposes more flags at once than anyone can reason about.',
    options: { maxFlags: { default: 3, description: 'Most flags one plan may expose.' } },
  },
  appliesTo: 'release-plan',
  check(context, value) {
    const limit = context.option<number>('plan-too-many-flags', 'maxFlags');
    const flags = planFlags(value);
    if (flags.length <= limit) return;
    let combinations = 1;
    for (const { key } of flags) {
      const variants = context.facts.flags.get(key)?.[0]?.variants;
      combinations *= variants ? Math.max(1, Object.keys(variants).length) : 2;
    }
    context.report(
      'plan-too-many-flags',
      context.locate(['flags']).key ?? context.doc.range,
      `The plan exposes ${flags.length} flags (more than ${limit}): together they make ${combinations.toLocaleString('en-US')} combinations, and a failure in one of them cannot be told from the others. Ship fewer flags per release.`,
    );
  },
};
