// migration-irreversible: an up migration that destroys data, where its tool's convention expects a down migration
// (golang-migrate `*.down.sql`, diesel `down.sql`, sqitch `revert/`, a dbmate or goose down section) and there is none.

import { defineRule } from '../rule-kit/rule';
import { destructiveChanges } from './changes';

export default defineRule({
  meta: {
    id: 'migration-irreversible',
    family: 'migration',
    defaultSeverity: 'info',
    summary: 'A destructive up migration has no down migration beside it.',
    reads: ['sql-migration'],
    impact: ['cannot-be-undone'],
    roles: ['up'],
  },
  check({ migration, counterpart, report }) {
    // Only conventions that pair migrations say one is missing: a plain file or a Flyway migration is not judged.
    if (!counterpart || counterpart.found) return;
    const first = destructiveChanges(migration)[0];
    if (!first) return;
    report(
      first.range,
      `This up migration destroys data and has no down migration (${counterpart.name}): undoing it needs a hand-written script in an incident, and the data it removes cannot be brought back by any. Add the down migration, and back up what it drops.`,
    );
  },
});
