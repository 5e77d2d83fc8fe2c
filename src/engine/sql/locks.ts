// Which table locks a statement takes, per PostgreSQL's documentation of each command ("Explicit Locking", ALTER TABLE).

import type { AlterTableCmd } from 'libpg-query';
import { droppedNames, nodeAs, relationName, type TableName } from './ast';
import type { LockMode, MigrationStatement, TableLock } from './statement';

/** ALTER TABLE subcommands that take less than ACCESS EXCLUSIVE; every other subcommand takes ACCESS EXCLUSIVE. */
const ALTER_TABLE_LOCKS: Partial<Record<NonNullable<AlterTableCmd['subtype']>, LockMode>> = {
  AT_ValidateConstraint: 4,
  AT_SetStatistics: 4,
  AT_ClusterOn: 4,
  AT_DropCluster: 4,
  AT_SetRelOptions: 4,
  AT_ResetRelOptions: 4,
  AT_AttachPartition: 4,
  AT_DetachPartitionFinalize: 4,
  AT_EnableTrig: 6,
  AT_EnableAlwaysTrig: 6,
  AT_EnableReplicaTrig: 6,
  AT_DisableTrig: 6,
  AT_EnableTrigAll: 6,
  AT_DisableTrigAll: 6,
  AT_EnableTrigUser: 6,
  AT_DisableTrigUser: 6,
};

function alterTableCommandLock(cmd: AlterTableCmd): LockMode {
  if (cmd.subtype === 'AT_AddConstraint' && nodeAs(cmd.def, 'Constraint')?.contype === 'CONSTR_FOREIGN') return 6;
  if (cmd.subtype === 'AT_DetachPartition' && nodeAs(cmd.def, 'PartitionCmd')?.concurrent) return 4;
  return ALTER_TABLE_LOCKS[cmd.subtype ?? 'AT_AddColumn'] ?? 8;
}

/**
 * Locks on tables (not on indexes or sequences alone). A DROP INDEX locks the index's table: `indexTable` names it
 * when the migration created the index, else the lock is described by the index's name.
 */
export function statementLocks(statement: MigrationStatement, indexTable: (index: TableName) => TableName | undefined): TableLock[] {
  const alter = statement.as('AlterTableStmt');
  if (alter) {
    const table = relationName(alter.relation);
    if (!table || alter.objtype !== 'OBJECT_TABLE') return [];
    const commands = (alter.cmds ?? []).flatMap((node) => nodeAs(node, 'AlterTableCmd') ?? []);
    const mode = Math.max(...commands.map(alterTableCommandLock), 1) as LockMode;
    const locks: TableLock[] = [{ table, mode }];
    for (const cmd of commands) {
      const constraint = nodeAs(cmd.def, 'Constraint');
      const referenced = constraint?.contype === 'CONSTR_FOREIGN' ? relationName(constraint.pktable) : undefined;
      if (referenced) locks.push({ table: referenced, mode: 6 });
      const partition = partitionLock(cmd);
      if (partition) locks.push(partition);
    }
    return locks;
  }
  const rename = statement.as('RenameStmt');
  if (rename) {
    const table = relationName(rename.relation);
    const onTable =
      rename.renameType === 'OBJECT_TABLE' || (rename.renameType === 'OBJECT_COLUMN' && rename.relationType === 'OBJECT_TABLE');
    return table && onTable ? [{ table, mode: 8 }] : [];
  }
  const drop = statement.as('DropStmt');
  if (drop?.removeType === 'OBJECT_TABLE') return droppedNames(drop.objects).map((table) => ({ table, mode: 8 }));
  if (drop?.removeType === 'OBJECT_INDEX' && !drop.concurrent) {
    return droppedNames(drop.objects).map((index) => ({
      table: indexTable(index) ?? { key: `index:${index.key}`, display: `the table of index ${index.display}` },
      mode: 8,
    }));
  }
  const reindex = statement.as('ReindexStmt');
  if (reindex) {
    // The table's SHARE lock blocks writes for the rebuild; CONCURRENTLY takes SHARE UPDATE EXCLUSIVE instead.
    const mode = (reindex.params ?? []).some((node) => nodeAs(node, 'DefElem')?.defname === 'concurrently') ? 4 : 5;
    const named = relationName(reindex.relation);
    if (!named) return [];
    if (reindex.kind === 'REINDEX_OBJECT_TABLE') return [{ table: named, mode }];
    if (reindex.kind === 'REINDEX_OBJECT_INDEX')
      return [{ table: indexTable(named) ?? { key: `index:${named.key}`, display: `the table of index ${named.display}` }, mode }];
    return [];
  }
  const index = statement.as('IndexStmt');
  if (index) {
    const table = relationName(index.relation);
    return table ? [{ table, mode: index.concurrent ? 4 : 5 }] : [];
  }
  const truncate = statement.as('TruncateStmt');
  if (truncate) return (truncate.relations ?? []).flatMap((node) => lockOf(relationName(nodeAs(node, 'RangeVar')), 8));
  const lock = statement.as('LockStmt');
  if (lock) return (lock.relations ?? []).flatMap((node) => lockOf(relationName(nodeAs(node, 'RangeVar')), (lock.mode ?? 8) as LockMode));
  const trigger = statement.as('CreateTrigStmt');
  if (trigger) return lockOf(relationName(trigger.relation), 6);
  const vacuum = statement.as('VacuumStmt');
  if (vacuum && (vacuum.options ?? []).some((node) => nodeAs(node, 'DefElem')?.defname === 'full')) {
    return (vacuum.rels ?? []).flatMap((node) => lockOf(relationName(nodeAs(node, 'VacuumRelation')?.relation), 8));
  }
  const cluster = statement.as('ClusterStmt');
  if (cluster) return lockOf(relationName(cluster.relation), 8);
  const refresh = statement.as('RefreshMatViewStmt');
  if (refresh) return lockOf(relationName(refresh.relation), refresh.concurrent ? 7 : 8);
  return [];
}

/**
 * ATTACH PARTITION locks the table it attaches with ACCESS EXCLUSIVE (the parent only with SHARE UPDATE EXCLUSIVE);
 * DETACH PARTITION locks the partition as it locks the parent: ACCESS EXCLUSIVE, or SHARE UPDATE EXCLUSIVE when
 * CONCURRENTLY.
 */
function partitionLock(cmd: AlterTableCmd): TableLock | undefined {
  const partition = nodeAs(cmd.def, 'PartitionCmd');
  const table = relationName(partition?.name);
  if (!partition || !table) return undefined;
  if (cmd.subtype === 'AT_AttachPartition') return { table, mode: 8 };
  if (cmd.subtype === 'AT_DetachPartition') return { table, mode: partition.concurrent ? 4 : 8 };
  return undefined;
}

function lockOf(table: ReturnType<typeof relationName>, mode: LockMode): TableLock[] {
  return table ? [{ table, mode }] : [];
}
