// Which way a SQL migration runs, read from the conventions of the tools that run it: an up (forward) migration, a
// down migration (rollback, undo, revert) that restores the previous version, or a sqitch verify script, which
// changes nothing. A down migration pairs with the up migration it undoes; docs/formats.md lists the conventions.

/** `up`: forward (the default); `down`: rollback, undo or revert; `verify`: a check that changes nothing. */
export type MigrationRole = 'up' | 'down' | 'verify';

export const MIGRATION_ROLES: readonly MigrationRole[] = ['up', 'down', 'verify'];

/** What a migration's path says of it. */
export interface MigrationPlace {
  role: MigrationRole;
  /**
   * Where its pair is by the convention: an up migration's down migration, a down migration's up migration.
   * Undefined when the convention pairs nothing (a plain `.sql` file, a Flyway versioned migration, a verify script).
   */
  counterpart?: string;
  /** A Flyway undo script pairs with the versioned migration of its version, whatever that one's description. */
  flywayVersion?: string;
  /**
   * For sqitch's folders: the folder that must hold `sqitch.plan` for the convention to apply. A `deploy`, `revert`
   * or `verify` folder is common elsewhere (a CI workspace, a deploy repository), so the plan decides.
   */
  sqitchPlan?: string;
}

const PAIRED_SUFFIX = /^(.*)\.(up|down)\.sql$/i;
const FOLDER_PAIR = /^(.*[\\/])?(up|down)\.sql$/i;
const FLYWAY = /^(.*[\\/])?([VU])(\d+(?:[._]\d+)*)(__.+\.sql)$/;
const SQITCH_FOLDER = /^(.*[\\/])?(deploy|revert|verify)([\\/].+\.sql)$/;

/** The role and the pair of the migration at `path`, by its name and folders. */
export function migrationPlace(path: string): MigrationPlace {
  // golang-migrate, sqlx, refinery: 0003_add_email.up.sql beside 0003_add_email.down.sql.
  const suffix = PAIRED_SUFFIX.exec(path);
  if (suffix) {
    const down = suffix[2].toLowerCase() === 'down';
    return { role: down ? 'down' : 'up', counterpart: `${suffix[1]}.${down ? 'up' : 'down'}.sql` };
  }
  // diesel, Hasura and timestamped folders: 2024-01-15-120000_add_email/up.sql beside down.sql.
  const folder = FOLDER_PAIR.exec(path);
  if (folder) {
    const down = folder[2].toLowerCase() === 'down';
    return { role: down ? 'down' : 'up', counterpart: `${folder[1] ?? ''}${down ? 'up' : 'down'}.sql` };
  }
  // Flyway: V3__add_email.sql forward, U3__add_email.sql its undo. Undo scripts are optional, so a versioned
  // migration without one is not "missing" its pair.
  const flyway = FLYWAY.exec(path);
  if (flyway) {
    if (flyway[2] === 'V') return { role: 'up' };
    return { role: 'down', counterpart: `${flyway[1] ?? ''}V${flyway[3]}${flyway[4]}`, flywayVersion: flywayVersion(flyway[3]) };
  }
  // sqitch: deploy/add_email.sql, revert/add_email.sql, verify/add_email.sql (the innermost such folder decides).
  const sqitch = SQITCH_FOLDER.exec(path);
  if (sqitch) {
    const [, before = '', folderName, after] = sqitch;
    const sqitchPlan = `${before}sqitch.plan`;
    if (folderName === 'verify') return { role: 'verify', sqitchPlan };
    return folderName === 'revert'
      ? { role: 'down', counterpart: `${before}deploy${after}`, sqitchPlan }
      : { role: 'up', counterpart: `${before}revert${after}`, sqitchPlan };
  }
  return { role: 'up' };
}

/** Flyway reads `1.1`, `1_1`, `01.1` and `1.1.0` as the same version. */
function flywayVersion(version: string): string {
  const parts = version.split(/[._]/).map((part) => String(Number(part)));
  while (parts.length > 1 && parts[parts.length - 1] === '0') parts.pop();
  return parts.join('.');
}

/** The Flyway version of a versioned migration's file name (`V1_1__x.sql` gives `1.1`), or undefined. */
export function flywayVersionOf(path: string): string | undefined {
  const flyway = FLYWAY.exec(path);
  return flyway?.[2] === 'V' ? flywayVersion(flyway[3]) : undefined;
}

/** One migration of a file that holds both directions (dbmate, goose). */
export interface MigrationSection {
  role: 'up' | 'down';
  /** UTF-16 offsets: from its marker comment (or the file's start, for the first) to the next marker. */
  start: number;
  end: number;
  tool: 'dbmate' | 'goose';
  /** dbmate's `transaction:false` and goose's `NO TRANSACTION`: the tool runs the statements one by one. */
  runsInTransaction: boolean;
}

const DBMATE_MARKER = /^[ \t]*--[ \t]*migrate:(up|down)\b([^\n]*)$/gim;
const GOOSE_MARKER = /^[ \t]*--[ \t]*\+goose[ \t]+(up|down)\b([^\n]*)$/gim;
const GOOSE_NO_TRANSACTION = /^[ \t]*--[ \t]*\+goose[ \t]+NO[ \t]+TRANSACTION\b/im;

/**
 * The up and down sections of a dbmate (`-- migrate:up`, `-- migrate:down`) or goose (`-- +goose Up`,
 * `-- +goose Down`) file, in file order; undefined when the file has no such marker. Text before the first marker
 * belongs to the first section.
 */
export function migrationSections(text: string): MigrationSection[] | undefined {
  for (const [pattern, tool] of [
    [DBMATE_MARKER, 'dbmate'],
    [GOOSE_MARKER, 'goose'],
  ] as const) {
    const markers = [...text.matchAll(pattern)];
    if (markers.length === 0) continue;
    const noTransaction = tool === 'goose' && GOOSE_NO_TRANSACTION.test(text);
    return markers.map((marker, i) => {
      const role = marker[1].toLowerCase() as 'up' | 'down';
      const options = marker[2];
      return {
        role,
        start: i === 0 ? 0 : (marker.index ?? 0),
        end: markers[i + 1]?.index ?? text.length,
        tool,
        runsInTransaction: !noTransaction && !/\btransaction:false\b/i.test(options),
      };
    });
  }
  return undefined;
}

/** How messages name a section: its marker comment. */
export function sectionMarker(tool: MigrationSection['tool'], role: 'up' | 'down'): string {
  return tool === 'dbmate' ? `-- migrate:${role}` : `-- +goose ${role === 'up' ? 'Up' : 'Down'}`;
}
