// migration-enum-value-added: ALTER TYPE ... ADD VALUE on an enum that existed before the migration.

import { nodeAs } from '../sql/ast';
import { defineRule } from '../rule-kit/rule';
import type { Node } from 'libpg-query';

function typeName(names: Node[] | undefined): string | undefined {
  const parts = (names ?? []).map((name) => nodeAs(name, 'String')?.sval ?? '');
  if (parts.length === 0 || parts.some((part) => part === '')) return undefined;
  return (parts.length === 2 && parts[0] === 'public' ? parts.slice(1) : parts).join('.');
}

export default defineRule({
  meta: {
    id: 'migration-enum-value-added',
    family: 'migration',
    defaultSeverity: 'warning',
    summary: 'ALTER TYPE ... ADD VALUE: the old version reads enum values it does not know while both versions run.',
    reads: ['sql-migration'],
    impact: ['breaks-old-version'],
  },
  check({ migration: model, report }) {
    const created = new Set<string>();
    for (const statement of model.statements) {
      const createdName = typeName(statement.as('CreateEnumStmt')?.typeName);
      if (createdName) created.add(createdName);
      const alter = statement.as('AlterEnumStmt');
      const name = typeName(alter?.typeName);
      // RENAME VALUE carries oldVal; a type created in this migration has no reader in the old version.
      if (!alter?.newVal || alter.oldVal !== undefined || !name || created.has(name)) continue;
      const inTransaction =
        statement.transaction.kind === 'statement'
          ? ''
          : ' Before PostgreSQL 12 ADD VALUE cannot run inside a transaction block; from 12 the new value cannot be used until the transaction commits.';
      report(
        statement.range(),
        `Adding value '${alter.newVal}' to enum ${name} breaks the old version: once new code writes it, the old version reads a value it does not know (a failed parse or an unhandled case) while both run. Ship code that accepts the value first, add it, and write it only after the old version is gone.${inTransaction}`,
      );
    }
  },
});
