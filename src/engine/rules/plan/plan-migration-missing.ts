// plan-migration-missing

import { resolveMigrationPath } from '../../formats/recognise';
import { migrationEntries } from '../../model/plan-view';
import { defineRule } from '../../rule-kit/rule';

export default defineRule({
  meta: {
    id: 'plan-migration-missing',
    family: 'cross-file',
    defaultSeverity: 'error',
    summary: 'The plan ships a migration file that does not exist.',
    reads: ['release-plan'],
  },
  check(context) {
    const { value } = context;
    for (const entry of migrationEntries(value)) {
      const facts = context.facts.migrations.get(resolveMigrationPath(context.file.path, entry.file));
      if (!facts || facts.exists) continue;
      context.report(
        context.locate(['migrations', entry.index, 'file']).value,
        `Migration file "${entry.file}" does not exist (paths are relative to this plan).`,
      );
    }
  },
});
