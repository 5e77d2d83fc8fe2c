// migration-domain-constraint-not-valid-missing: ALTER DOMAIN ... ADD CONSTRAINT without NOT VALID on a domain that existed before.

import { nodeAs } from '../sql/ast';
import { insertion } from './changes';
import { defineRule } from '../rule-kit/rule';
import type { Node } from 'libpg-query';

/** `s.d` or `d`, as written: domains are not tables, so the model does not track them. */
function domainName(names: Node[] | undefined): string | undefined {
  const parts = (names ?? []).map((name) => nodeAs(name, 'String')?.sval ?? '');
  if (parts.length === 0 || parts.some((part) => part === '')) return undefined;
  return (parts.length === 2 && parts[0] === 'public' ? parts.slice(1) : parts).join('.');
}

export default defineRule({
  meta: {
    id: 'migration-domain-constraint-not-valid-missing',
    family: 'migration',
    defaultSeverity: 'warning',
    summary:
      'ALTER DOMAIN ... ADD CONSTRAINT without NOT VALID checks every column of that domain, in every table, under locks that block writes.',
    reads: ['sql-migration'],
    fix: 'not safe',
    impact: ['blocking-lock', 'may-fail-on-existing-data'],
  },
  check({ migration: model, report }) {
    const created = new Set<string>();
    for (const statement of model.statements) {
      const create = statement.as('CreateDomainStmt');
      const createdName = domainName(create?.domainname);
      if (createdName) created.add(createdName);
      const alter = statement.as('AlterDomainStmt');
      const constraint = nodeAs(alter?.def, 'Constraint');
      const name = domainName(alter?.typeName);
      // A domain created in this migration is only used by tables created after it, which hold no rows yet.
      if (alter?.subtype !== 'C' || !constraint || constraint.skip_validation || !name || created.has(name)) continue;
      const label = constraint.conname ? `${constraint.conname} ` : '';
      const scan = `Adding constraint ${label}to domain ${name} without NOT VALID checks every stored value of every column of that domain, holding a SHARE lock on each table that has one (inserts, updates and deletes wait), and fails if any value violates it.`;
      if (constraint.contype !== 'CONSTR_CHECK') {
        // NOT VALID is accepted for CHECK constraints only.
        report(statement.range(), `${scan} Only a CHECK constraint can be added NOT VALID: write the rule as a CHECK.`);
        continue;
      }
      const range = statement.range();
      const validate = constraint.conname
        ? `ALTER DOMAIN ${name} VALIDATE CONSTRAINT ${constraint.conname}`
        : 'ALTER DOMAIN ... VALIDATE CONSTRAINT';
      report(
        range,
        `${scan} Add it NOT VALID (new values are checked at once, existing ones are not scanned), then run ${validate} in a later migration.`,
        {
          fixes: [
            {
              title: 'Add NOT VALID (then VALIDATE CONSTRAINT in a later migration)',
              edits: [insertion(range.end, ' NOT VALID')],
              safe: false,
              preferred: true,
            },
          ],
        },
      );
    }
  },
});
