// migration-down-destroys-data: a down migration that drops or empties a table or column its up migration did not
// create. Dropping what the up migration added is what a down migration is for; anything else held data before the
// release, and rolling back destroys it.

import type { CreatedObjects } from '../sql/model';
import type { TableName } from '../sql/ast';
import { defineRule } from '../rule-kit/rule';
import { destructiveChanges } from './changes';

/** Same table, reading an unqualified name as any schema's: up and down migrations often differ only in that. */
function sameTable(key: string, table: TableName): boolean {
  if (key === table.key) return true;
  const bare = (name: string): string => name.slice(name.lastIndexOf('.') + 1);
  return (!key.includes('.') || !table.key.includes('.')) && bare(key) === bare(table.key);
}

function createdTable(created: CreatedObjects, table: TableName): boolean {
  return created.tables.some((key) => sameTable(key, table));
}

function createdColumn(created: CreatedObjects, table: TableName, column: string): boolean {
  return createdTable(created, table) || created.columns.some((added) => added.column === column && sameTable(added.table, table));
}

export default defineRule({
  meta: {
    id: 'migration-down-destroys-data',
    family: 'migration',
    defaultSeverity: 'error',
    summary: 'A down migration drops or empties a table or column that its up migration did not create: rolling back loses that data.',
    reads: ['sql-migration'],
    impact: ['cannot-be-undone'],
    roles: ['down'],
  },
  check({ migration, counterpart, report }) {
    const created = counterpart?.found ? counterpart.created : undefined;
    const up = counterpart ? `its up migration (${counterpart.name})` : 'its up migration';
    // Without the up migration nothing is known to be its own: every drop is judged as data loss, and says why.
    const verdict = (plural: boolean): string =>
      created
        ? `which ${up} did not create: ${plural ? 'they' : 'it'} held data before the release, and rolling back destroys that data`
        : `and ${up} was not found, so Stagegate cannot tell whether it created ${plural ? 'them' : 'it'}: judged as data loss`;
    const advice = 'A down migration should undo what its up migration did, no more: keep the rest, or back it up first.';
    for (const { kind, range, tables, column } of destructiveChanges(migration)) {
      if (kind === 'drop-column' && column !== undefined) {
        if (created && createdColumn(created, tables[0], column)) continue;
        report(range, `This down migration drops column ${column} of ${tables[0].display}, ${verdict(false)}. ${advice}`);
      } else if (kind === 'drop-table' || kind === 'truncate') {
        const lost = tables.filter((table) => !created || !createdTable(created, table));
        if (lost.length === 0) continue;
        const names = lost.map((table) => table.display).join(', ');
        const what = `${kind === 'truncate' ? 'empties' : 'drops'} table${lost.length > 1 ? 's' : ''} ${names}`;
        report(range, `This down migration ${what}, ${verdict(lost.length > 1)}. ${advice}`);
      }
      // Type changes are migration-changes-column-type's, in either direction.
    }
  },
});
