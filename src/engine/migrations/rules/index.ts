// Every migration rule, in the order they run (migration-irreversible reads the hazards of those before it).

import type { MigrationRule } from '../rule';
import { addsRequiredColumn } from './migration-adds-required-column';
import { addsUniqueConstraint } from './migration-adds-unique-constraint';
import { changesColumnType } from './migration-changes-column-type';
import { concurrentInTransaction } from './migration-concurrent-in-transaction';
import { constraintNotValidMissing } from './migration-constraint-not-valid-missing';
import { dropsColumn } from './migration-drops-column';
import { dropsTable } from './migration-drops-table';
import { indexNotConcurrent } from './migration-index-not-concurrent';
import { irreversible } from './migration-irreversible';
import { missingLockTimeout } from './migration-missing-lock-timeout';
import { renamesColumn } from './migration-renames-column';
import { renamesTable } from './migration-renames-table';
import { setsNotNull } from './migration-sets-not-null';
import { statementTooLarge } from './migration-statement-too-large';
import { syntaxError } from './migration-syntax-error';
import { workAfterLock } from './migration-work-after-lock';

export const MIGRATION_RULE_MODULES: readonly MigrationRule[] = [
  syntaxError,
  statementTooLarge,
  dropsColumn,
  dropsTable,
  renamesColumn,
  renamesTable,
  changesColumnType,
  addsRequiredColumn,
  setsNotNull,
  indexNotConcurrent,
  constraintNotValidMissing,
  addsUniqueConstraint,
  concurrentInTransaction,
  missingLockTimeout,
  workAfterLock,
  irreversible,
];
