// plan-migration-not-rollback-safe

import { resolveMigrationPath } from '../../formats/recognise';
import { stageViews, migrationEntries } from '../../model/plan-view';
import { defineRule } from '../../rule-kit/rule';

export default defineRule({
  meta: {
    id: 'plan-migration-not-rollback-safe',
    family: 'cross-file',
    defaultSeverity: 'error',
    summary: 'A migration that runs while the old version still serves traffic breaks the old version.',
    reads: ['release-plan'],
  },
  check(context) {
    const { value } = context;
    // While any stage runs below 100%, the old version still serves traffic against the same database.
    const oldVersionRuns = stageViews(value).some((stage) => stage.weight === undefined || stage.weight < 100 || stage.internal);
    for (const entry of migrationEntries(value)) {
      const path = resolveMigrationPath(context.file.path, entry.file);
      const facts = context.facts.migrations.get(path);
      if (!facts?.exists) continue;
      const located = context.locate(['migrations', entry.index, 'file']);
      if (entry.phase === 'contract') {
        if (!oldVersionRuns || entry.runs === 'after-rollout') continue;
        context.report(
          context.locate(['migrations', entry.index, 'phase']).value,
          `Contract migration "${entry.file}" is not declared to run after the rollout, but the plan's stages keep the old version serving traffic until the last one: if it runs with the release, the old version breaks and a rollback has nothing to return to. Add \`runs: after-rollout\` and run it once the old version is gone.`,
        );
        continue;
      }
      if (facts.breaking.length === 0) continue;
      const what = [...new Set(facts.breaking.map((hazard) => hazard.ruleId.replace(/^migration-/, '').replace(/-/g, ' ')))].join(', ');
      context.report(
        located.value,
        `Migration "${entry.file}" runs in the ${entry.phase} phase, while the old version still serves traffic, but ${facts.breaking.length} statement${facts.breaking.length === 1 ? '' : 's'} break${facts.breaking.length === 1 ? 's' : ''} the old version (${what}). Split it: expand now (add the new column or table, keep the old one working), contract in a later migration with phase: contract and runs: after-rollout.`,
        { related: facts.breaking.map((hazard) => ({ file: path, range: hazard.range, message: hazard.message })) },
      );
    }
  },
});
