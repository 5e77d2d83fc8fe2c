// Stagegate beside squawk on squawk's own test cases (the external corpus's squawk/ folder: one file per squawk unit
// test, its header naming squawk's rule and squawk's expected verdict). The case names and verdicts are our data;
// the SQL stays in the corpus. squawk-agreement.test.ts checks every row against the real squawk and Stagegate's CLI.

export type Verdict = 'hazard' | 'safe';

export interface AgreementRow {
  /** The corpus file name without `sq-` and `.sql`: `<squawk rule file>--<squawk test>`. */
  case: string;
  /** squawk's rule for the hazard and squawk's verdict (its test's expectation, under the header's squawk-args). */
  squawk: { rule: string; verdict: Verdict };
  /** Stagegate's rules that address the same hazard; empty where Stagegate has none (`gap` says why). */
  stagegate: string[];
  /** Those of them Stagegate reports on the case: Stagegate's verdict is `hazard` when any fires. */
  fires: string[];
  /**
   * What Stagegate reports of `stagegate` when told the tool runs statements one by one (migration-work-after-lock's
   * `fileRunsInTransaction: false`): for rows where the verdict depends on the tool, the other reading, checked too.
   */
  autocommit?: string[];
  /** What Stagegate reports of `stagegate` when `migrations.tool` names a tool that wraps every file (Django). */
  wrapped?: string[];
  /** Where the verdicts differ: who is right, and why in one line. */
  disagreement?: { right: 'stagegate' | 'squawk' | 'depends on the tool'; reason: string };
  /** Where Stagegate has no rule for the hazard: why (a known gap, or a choice). */
  gap?: string;
}

const VOLATILE_DEFAULT = ['migration-adds-volatile-default'];
const FOREIGN_KEY = ['migration-constraint-not-valid-missing', 'migration-work-after-lock'];
const SET_NOT_NULL = ['migration-sets-not-null'];
const PRIMARY_KEY = ['migration-adds-unique-constraint', 'migration-primary-key-sets-not-null'];
const REQUIRED = ['migration-adds-required-column'];
const CONCURRENT_IN_TRANSACTION = ['migration-concurrent-in-transaction'];
const NOT_VALID = ['migration-constraint-not-valid-missing', 'migration-work-after-lock'];
const UNIQUE = ['migration-adds-unique-constraint'];
const INDEX = ['migration-index-not-concurrent'];
const LOCK_TIMEOUT = ['migration-missing-lock-timeout'];
const NESTING = ['migration-transaction-unbalanced'];
const RETRY = ['migration-statement-not-retryable'];

/** A file without BEGIN runs as one transaction for the tools Stagegate assumes; squawk assumes autocommit. */
const WRAPPED_FILE =
  'Stagegate runs a file without BEGIN as one transaction (Flyway, Rails, Django, sqitch, golang-migrate wrap it), where VALIDATE runs while ADD CONSTRAINT still holds its blocking lock; squawk assumes autocommit (so does Stagegate when told: then it agrees) and reports exactly this with --assume-in-transaction';

export const AGREEMENT: AgreementRow[] = [
  {
    case: 'adding-field-with-default--arbitrary-func-err',
    squawk: { rule: 'adding-field-with-default', verdict: 'hazard' },
    stagegate: VOLATILE_DEFAULT,
    fires: [],
    disagreement: {
      right: 'squawk',
      reason:
        'known gap: Stagegate names only built-in functions it knows are volatile; a user function is VOLATILE unless declared otherwise, so myjsonb() may rewrite the table',
    },
  },
  {
    case: 'adding-field-with-default--default-func-now-ok',
    squawk: { rule: 'adding-field-with-default', verdict: 'safe' },
    stagegate: VOLATILE_DEFAULT,
    fires: [],
  },
  {
    case: 'adding-field-with-default--default-str-ok',
    squawk: { rule: 'adding-field-with-default', verdict: 'safe' },
    stagegate: VOLATILE_DEFAULT,
    fires: [],
  },
  {
    case: 'adding-field-with-default--default-uuid-error',
    squawk: { rule: 'adding-field-with-default', verdict: 'hazard' },
    stagegate: VOLATILE_DEFAULT,
    fires: [],
    disagreement: {
      right: 'squawk',
      reason:
        'known gap: uuid() is no PostgreSQL built-in, so it is a user function, VOLATILE by default; Stagegate only knows gen_random_uuid(), uuid_generate_v4() and the like',
    },
  },
  {
    case: 'adding-field-with-default--default-volatile-func-err',
    squawk: { rule: 'adding-field-with-default', verdict: 'hazard' },
    stagegate: VOLATILE_DEFAULT,
    fires: VOLATILE_DEFAULT,
  },
  {
    case: 'adding-field-with-default--docs-example-ok-post-pg-11',
    squawk: { rule: 'adding-field-with-default', verdict: 'safe' },
    stagegate: VOLATILE_DEFAULT,
    fires: [],
  },
  {
    case: 'adding-field-with-default--generated-stored-err',
    squawk: { rule: 'adding-field-with-default', verdict: 'hazard' },
    stagegate: VOLATILE_DEFAULT,
    fires: VOLATILE_DEFAULT,
  },
  {
    case: 'adding-foreign-key-constraint--add-column-references-lock',
    squawk: { rule: 'adding-foreign-key-constraint', verdict: 'hazard' },
    stagegate: FOREIGN_KEY,
    fires: [],
    disagreement: {
      right: 'stagegate',
      reason:
        "a new column is all NULL, so no row can fail and the check is quick (PGlite, 1M rows: 39 ms, against 545 ms for ADD CONSTRAINT FOREIGN KEY on the same NULL column); waiting for the locks is migration-missing-lock-timeout's, which reports it",
    },
  },
  {
    case: 'adding-foreign-key-constraint--add-foreign-key-constraint-lock',
    squawk: { rule: 'adding-foreign-key-constraint', verdict: 'hazard' },
    stagegate: FOREIGN_KEY,
    fires: FOREIGN_KEY,
  },
  {
    case: 'adding-foreign-key-constraint--add-foreign-key-constraint-not-valid-validate',
    squawk: { rule: 'adding-foreign-key-constraint', verdict: 'safe' },
    stagegate: FOREIGN_KEY,
    fires: ['migration-work-after-lock'],
    disagreement: {
      right: 'stagegate',
      reason:
        'BEGIN ... COMMIT puts VALIDATE in the transaction whose ADD CONSTRAINT holds SHARE ROW EXCLUSIVE on email and user: the full check runs while writes to both wait',
    },
  },
  {
    case: 'adding-foreign-key-constraint--alter-table-foreign-key-in-transaction',
    squawk: { rule: 'adding-foreign-key-constraint', verdict: 'safe' },
    stagegate: FOREIGN_KEY,
    fires: [],
  },
  {
    case: 'adding-foreign-key-constraint--create-table-with-column-references',
    squawk: { rule: 'adding-foreign-key-constraint', verdict: 'safe' },
    stagegate: FOREIGN_KEY,
    fires: [],
  },
  {
    case: 'adding-not-null-field--pg12-with-check-but-not-validated-err',
    squawk: { rule: 'adding-not-nullable-field', verdict: 'hazard' },
    stagegate: SET_NOT_NULL,
    fires: SET_NOT_NULL,
  },
  {
    case: 'adding-not-null-field--pg12-with-different-column-validated-err',
    squawk: { rule: 'adding-not-nullable-field', verdict: 'hazard' },
    stagegate: SET_NOT_NULL,
    fires: SET_NOT_NULL,
  },
  {
    case: 'adding-not-null-field--pg16-cross-migration-validate-then-set-not-null-ok',
    squawk: { rule: 'adding-not-nullable-field', verdict: 'safe' },
    stagegate: SET_NOT_NULL,
    fires: SET_NOT_NULL,
    disagreement: {
      right: 'stagegate',
      reason:
        'the file validates foo_bar_not_null but never shows it is CHECK (bar IS NOT NULL); squawk takes the name on trust; Stagegate must see that CHECK, in this file or an earlier migration of the folder',
    },
  },
  {
    case: 'adding-not-null-field--regression-gh-issue-519',
    squawk: { rule: 'adding-not-nullable-field', verdict: 'hazard' },
    stagegate: SET_NOT_NULL,
    fires: SET_NOT_NULL,
  },
  {
    case: 'adding-not-null-field--regression-gh-issue-628-pg16-with-validated-check-ok',
    squawk: { rule: 'adding-not-nullable-field', verdict: 'safe' },
    stagegate: SET_NOT_NULL,
    fires: [],
  },
  {
    case: 'adding-not-null-field--set-not-null',
    squawk: { rule: 'adding-not-nullable-field', verdict: 'hazard' },
    stagegate: SET_NOT_NULL,
    fires: SET_NOT_NULL,
  },
  {
    case: 'adding-primary-key-constraint--okay-add-constraint',
    squawk: { rule: 'adding-serial-primary-key-field', verdict: 'safe' },
    stagegate: PRIMARY_KEY,
    fires: ['migration-primary-key-sets-not-null'],
    disagreement: {
      right: 'stagegate',
      reason:
        'PRIMARY KEY USING INDEX sets NOT NULL on its columns; unless they are already NOT NULL, PostgreSQL scans the whole table under ACCESS EXCLUSIVE (eugene W14)',
    },
  },
  {
    case: 'adding-primary-key-constraint--plain-primary-key',
    squawk: { rule: 'adding-serial-primary-key-field', verdict: 'hazard' },
    stagegate: PRIMARY_KEY,
    fires: ['migration-adds-unique-constraint'],
  },
  {
    case: 'adding-primary-key-constraint--serial-primary-key',
    squawk: { rule: 'adding-serial-primary-key-field', verdict: 'hazard' },
    stagegate: PRIMARY_KEY,
    fires: ['migration-adds-unique-constraint'],
  },
  {
    case: 'adding-required-field--generated-stored-ok',
    squawk: { rule: 'adding-required-field', verdict: 'safe' },
    stagegate: REQUIRED,
    fires: [],
  },
  {
    case: 'adding-required-field--not-null-with-default',
    squawk: { rule: 'adding-required-field', verdict: 'safe' },
    stagegate: REQUIRED,
    fires: [],
  },
  {
    case: 'adding-required-field--not-null-without-default',
    squawk: { rule: 'adding-required-field', verdict: 'hazard' },
    stagegate: REQUIRED,
    fires: REQUIRED,
  },
  {
    case: 'ban-alter-domain-with-add-constraint--err',
    squawk: { rule: 'ban-alter-domain-with-add-constraint', verdict: 'hazard' },
    stagegate: ['migration-domain-constraint-not-valid-missing'],
    fires: ['migration-domain-constraint-not-valid-missing'],
  },
  {
    case: 'ban-concurrent-index-creation-in-transaction--assuming-in-transaction-err',
    squawk: { rule: 'ban-concurrent-index-creation-in-transaction', verdict: 'hazard' },
    stagegate: CONCURRENT_IN_TRANSACTION,
    fires: [],
    wrapped: CONCURRENT_IN_TRANSACTION,
    disagreement: {
      right: 'depends on the tool',
      reason:
        'squawk is told (--assume-in-transaction) that the tool wraps the file; with no migration tool known Stagegate reads CONCURRENTLY as the sign that the tool runs this file outside a transaction, and agrees once migrations.tool names a tool that wraps it',
    },
  },
  {
    case: 'ban-concurrent-index-creation-in-transaction--assuming-in-transaction-ok-also',
    squawk: { rule: 'ban-concurrent-index-creation-in-transaction', verdict: 'safe' },
    stagegate: CONCURRENT_IN_TRANSACTION,
    fires: [],
  },
  {
    case: 'ban-concurrent-index-creation-in-transaction--ban-concurrent-index-creation-in-transaction-err',
    squawk: { rule: 'ban-concurrent-index-creation-in-transaction', verdict: 'hazard' },
    stagegate: CONCURRENT_IN_TRANSACTION,
    fires: CONCURRENT_IN_TRANSACTION,
  },
  {
    case: 'ban-concurrent-index-creation-in-transaction--ban-concurrent-index-creation-in-transaction-ok',
    squawk: { rule: 'ban-concurrent-index-creation-in-transaction', verdict: 'safe' },
    stagegate: CONCURRENT_IN_TRANSACTION,
    fires: [],
  },
  {
    case: 'ban-drop-column--err',
    squawk: { rule: 'ban-drop-column', verdict: 'hazard' },
    stagegate: ['migration-drops-column'],
    fires: ['migration-drops-column'],
  },
  {
    case: 'ban-drop-database--ban-drop-database',
    squawk: { rule: 'ban-drop-database', verdict: 'hazard' },
    stagegate: ['migration-drops-database'],
    fires: ['migration-drops-database'],
  },
  {
    case: 'ban-drop-not-null--err',
    squawk: { rule: 'ban-drop-not-null', verdict: 'hazard' },
    stagegate: ['migration-drops-not-null'],
    fires: ['migration-drops-not-null'],
  },
  {
    case: 'ban-drop-table--err',
    squawk: { rule: 'ban-drop-table', verdict: 'hazard' },
    stagegate: ['migration-drops-table'],
    fires: ['migration-drops-table'],
  },
  {
    case: 'ban-truncate-cascade--err',
    squawk: { rule: 'ban-truncate-cascade', verdict: 'hazard' },
    stagegate: ['migration-truncates-table'],
    fires: ['migration-truncates-table'],
  },
  {
    case: 'ban-uncommitted-transaction--uncommitted-transaction-err',
    squawk: { rule: 'ban-uncommitted-transaction', verdict: 'hazard' },
    stagegate: NESTING,
    fires: NESTING,
  },
  {
    case: 'changing-column-type--another-err',
    squawk: { rule: 'changing-column-type', verdict: 'hazard' },
    stagegate: ['migration-changes-column-type'],
    fires: ['migration-changes-column-type'],
  },
  {
    case: 'changing-column-type--err',
    squawk: { rule: 'changing-column-type', verdict: 'hazard' },
    stagegate: ['migration-changes-column-type'],
    fires: ['migration-changes-column-type'],
  },
  {
    case: 'constraint-missing-not-valid--adding-check-constraint-err',
    squawk: { rule: 'constraint-missing-not-valid', verdict: 'hazard' },
    stagegate: NOT_VALID,
    fires: ['migration-constraint-not-valid-missing'],
  },
  {
    case: 'constraint-missing-not-valid--adding-check-constraint-ok',
    squawk: { rule: 'constraint-missing-not-valid', verdict: 'safe' },
    stagegate: NOT_VALID,
    fires: ['migration-work-after-lock'],
    autocommit: [],
    disagreement: { right: 'depends on the tool', reason: WRAPPED_FILE },
  },
  {
    case: 'constraint-missing-not-valid--adding-fk-err',
    squawk: { rule: 'constraint-missing-not-valid', verdict: 'hazard' },
    stagegate: NOT_VALID,
    fires: ['migration-constraint-not-valid-missing'],
  },
  {
    case: 'constraint-missing-not-valid--new-table-with-transaction-ok',
    squawk: { rule: 'constraint-missing-not-valid', verdict: 'safe' },
    stagegate: NOT_VALID,
    fires: [],
  },
  {
    case: 'constraint-missing-not-valid--not-valid-validate-transaction-err',
    squawk: { rule: 'constraint-missing-not-valid', verdict: 'hazard' },
    stagegate: NOT_VALID,
    fires: ['migration-work-after-lock'],
  },
  {
    case: 'constraint-missing-not-valid--using-unique-index-ok',
    squawk: { rule: 'constraint-missing-not-valid', verdict: 'safe' },
    stagegate: NOT_VALID,
    fires: [],
  },
  {
    case: 'disallow-unique-constraint--adding-unique-constraint-err',
    squawk: { rule: 'disallowed-unique-constraint', verdict: 'hazard' },
    stagegate: UNIQUE,
    fires: UNIQUE,
  },
  {
    case: 'disallow-unique-constraint--unique-constraint-after-create-table',
    squawk: { rule: 'disallowed-unique-constraint', verdict: 'safe' },
    stagegate: UNIQUE,
    fires: [],
  },
  {
    case: 'disallow-unique-constraint--unique-constraint-inline-add-column-unique-err',
    squawk: { rule: 'disallowed-unique-constraint', verdict: 'hazard' },
    stagegate: UNIQUE,
    fires: UNIQUE,
  },
  {
    case: 'disallow-unique-constraint--unique-constraint-ok',
    squawk: { rule: 'disallowed-unique-constraint', verdict: 'safe' },
    stagegate: UNIQUE,
    fires: [],
  },
  {
    case: 'prefer-bigint-over-int--err',
    squawk: { rule: 'prefer-bigint-over-int', verdict: 'hazard' },
    stagegate: ['migration-int-primary-key'],
    fires: ['migration-int-primary-key'],
  },
  {
    case: 'prefer-repack--cluster-err',
    squawk: { rule: 'prefer-repack', verdict: 'hazard' },
    stagegate: ['migration-rewrites-table'],
    fires: ['migration-rewrites-table'],
  },
  {
    case: 'prefer-robust-stmts--alter-table-err',
    squawk: { rule: 'prefer-robust-stmts', verdict: 'hazard' },
    stagegate: RETRY,
    fires: [],
    autocommit: [],
    disagreement: {
      right: 'stagegate',
      reason:
        'the ALTER TABLE is the last statement: when it fails nothing of it stays applied and the SELECT before it runs again harmlessly, whether the tool wraps the file or not; squawk wants IF NOT EXISTS on every statement',
    },
  },
  {
    case: 'prefer-robust-stmts--prefer-robust-stmt-part-2-ok',
    squawk: { rule: 'prefer-robust-stmts', verdict: 'safe' },
    stagegate: RETRY,
    fires: [],
  },
  {
    case: 'renaming-column--err',
    squawk: { rule: 'renaming-column', verdict: 'hazard' },
    stagegate: ['migration-renames-column'],
    fires: ['migration-renames-column'],
  },
  {
    case: 'renaming-table--err',
    squawk: { rule: 'renaming-table', verdict: 'hazard' },
    stagegate: ['migration-renames-table'],
    fires: ['migration-renames-table'],
  },
  {
    case: 'require-concurrent-index-creation--adding-index-concurrently-ok',
    squawk: { rule: 'require-concurrent-index-creation', verdict: 'safe' },
    stagegate: INDEX,
    fires: [],
  },
  {
    case: 'require-concurrent-index-creation--adding-index-non-concurrently-err',
    squawk: { rule: 'require-concurrent-index-creation', verdict: 'hazard' },
    stagegate: INDEX,
    fires: INDEX,
  },
  {
    case: 'require-concurrent-index-creation--new-table-ok',
    squawk: { rule: 'require-concurrent-index-creation', verdict: 'safe' },
    stagegate: INDEX,
    fires: [],
  },
  {
    case: 'require-concurrent-index-deletion--drop-index-concurrently-ok',
    squawk: { rule: 'require-concurrent-index-deletion', verdict: 'safe' },
    stagegate: INDEX,
    fires: [],
  },
  {
    case: 'require-concurrent-index-deletion--drop-index-missing-concurrently-err',
    squawk: { rule: 'require-concurrent-index-deletion', verdict: 'hazard' },
    stagegate: INDEX,
    fires: INDEX,
  },
  {
    case: 'require-concurrent-partition-detach--detach-partition-missing-concurrently-err',
    squawk: { rule: 'require-concurrent-partition-detach', verdict: 'hazard' },
    stagegate: ['migration-detach-partition-not-concurrent'],
    fires: ['migration-detach-partition-not-concurrent'],
  },
  {
    case: 'require-concurrent-reindex--reindex-table-concurrently-ok',
    squawk: { rule: 'require-concurrent-reindex', verdict: 'safe' },
    stagegate: ['migration-reindex-not-concurrent'],
    fires: [],
  },
  {
    case: 'require-concurrent-reindex--reindex-table-no-concurrently-err',
    squawk: { rule: 'require-concurrent-reindex', verdict: 'hazard' },
    stagegate: ['migration-reindex-not-concurrent'],
    fires: ['migration-reindex-not-concurrent'],
  },
  {
    case: 'require-enum-value-ordering--err-add-value-without-ordering',
    squawk: { rule: 'require-enum-value-ordering', verdict: 'hazard' },
    stagegate: ['migration-enum-value-added'],
    fires: ['migration-enum-value-added'],
  },
  {
    case: 'require-timeout-settings--err-comment-on-explains-lock-impact',
    squawk: { rule: 'require-lock-timeout', verdict: 'hazard' },
    stagegate: LOCK_TIMEOUT,
    fires: [],
    disagreement: {
      right: 'stagegate',
      reason:
        'COMMENT ON takes SHARE UPDATE EXCLUSIVE, which reads and writes do not conflict with: no traffic queues behind it while it waits',
    },
  },
  {
    case: 'require-timeout-settings--err-missing-both-timeouts',
    squawk: { rule: 'require-lock-timeout', verdict: 'hazard' },
    stagegate: LOCK_TIMEOUT,
    fires: LOCK_TIMEOUT,
  },
  {
    case: 'require-timeout-settings--err-missing-lock-timeout',
    squawk: { rule: 'require-lock-timeout', verdict: 'hazard' },
    stagegate: LOCK_TIMEOUT,
    fires: LOCK_TIMEOUT,
  },
  {
    case: 'require-timeout-settings--err-missing-statement-timeout',
    squawk: { rule: 'require-statement-timeout', verdict: 'hazard' },
    stagegate: [],
    fires: [],
    gap: 'a choice: lock_timeout bounds the wait that queues traffic; a statement_timeout would also abort a long backfill or index build half-way, so Stagegate does not ask for one',
  },
  {
    case: 'require-timeout-settings--err-other-ddl-operations',
    squawk: { rule: 'require-lock-timeout', verdict: 'hazard' },
    stagegate: LOCK_TIMEOUT,
    fires: [],
    disagreement: {
      right: 'stagegate',
      reason: 'CREATE TYPE locks no existing table, so nothing can queue behind it',
    },
  },
  {
    case: 'require-timeout-settings--err-timeouts-after-ddl',
    squawk: { rule: 'require-lock-timeout', verdict: 'hazard' },
    stagegate: LOCK_TIMEOUT,
    fires: LOCK_TIMEOUT,
  },
  {
    case: 'require-timeout-settings--err-timeouts-using-schema',
    squawk: { rule: 'require-lock-timeout', verdict: 'hazard' },
    stagegate: LOCK_TIMEOUT,
    fires: LOCK_TIMEOUT,
  },
  {
    case: 'require-timeout-settings--ok-both-timeouts-present',
    squawk: { rule: 'require-lock-timeout', verdict: 'safe' },
    stagegate: LOCK_TIMEOUT,
    fires: [],
  },
  {
    case: 'require-timeout-settings--ok-no-ddl-operations',
    squawk: { rule: 'require-lock-timeout', verdict: 'safe' },
    stagegate: LOCK_TIMEOUT,
    fires: [],
  },
  {
    case: 'transaction-nesting--begin-repeated-err',
    squawk: { rule: 'transaction-nesting', verdict: 'hazard' },
    stagegate: NESTING,
    fires: NESTING,
  },
  {
    case: 'transaction-nesting--commit-repeated-err',
    squawk: { rule: 'transaction-nesting', verdict: 'hazard' },
    stagegate: NESTING,
    fires: [],
    disagreement: {
      right: 'stagegate',
      reason:
        'a COMMIT with no transaction open only draws the warning "there is no transaction in progress": every statement still ran in the transaction it was written in',
    },
  },
  {
    case: 'transaction-nesting--no-nesting-ok',
    squawk: { rule: 'transaction-nesting', verdict: 'safe' },
    stagegate: NESTING,
    fires: [],
  },
];
