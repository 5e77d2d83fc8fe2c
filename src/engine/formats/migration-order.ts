// The order a migration tool runs the up migrations of one folder in, read from their names: each migration of a set
// starts from the schema the ones before it left. docs/formats.md ("A folder of migrations") lists the layouts.

import { migrationPlace } from './migration-roles';

/** Where an up migration stands among the migrations of its set. */
export interface MigrationSlot {
  /** The folder that holds the set: the migration's own folder, or for one folder per migration, the folder above. */
  set: string;
  /** Its version as numbers, written without leading zeros (`V1_10` gives `['1', '10']`). */
  version: string[];
  /** What ties between equal versions are broken by: the file name, or the migration's folder and file name. */
  name: string;
}

/** Flyway and refinery: `V1_2__name.sql`. */
const FLYWAY_VERSIONED = /^V(\d+(?:[._]\d+)*)__/;
/** golang-migrate, sqlx, dbmate, goose and timestamps: `0003_name.up.sql`, `20240115093000_name.sql`, `1.sql`. */
const NUMBERED = /^(\d+(?:[.-]\d+)*)(?=[_.-]|$)/;
/** diesel (`2024-01-15-093000_name/up.sql`) and prisma (`20240115093000_name/migration.sql`): the folder is the migration. */
const FOLDER_MIGRATION = /^(up|migration)\.sql$/i;

/**
 * The slot of the up migration at `path`, or undefined when it is not an up migration or its name carries no version
 * (such a file is checked on its own, from what it says alone).
 */
export function migrationSlot(path: string): MigrationSlot | undefined {
  if (migrationPlace(path).role !== 'up') return undefined;
  const segments = path.split(/[\\/]/);
  const file = segments[segments.length - 1];
  const folder = segments.slice(0, -1).join('/');
  const flyway = FLYWAY_VERSIONED.exec(file);
  if (flyway) return { set: folder, version: flywayNumbers(flyway[1]), name: file };
  const numbered = NUMBERED.exec(file);
  if (numbered) return { set: folder, version: numbers(numbered[1]), name: file };
  if (FOLDER_MIGRATION.test(file) && segments.length >= 2) {
    const own = segments[segments.length - 2];
    const version = NUMBERED.exec(own);
    if (version) return { set: segments.slice(0, -2).join('/'), version: numbers(version[1]), name: `${own}/${file}` };
  }
  return undefined;
}

/** Orders slots of one set as their tools run them: versions compared number by number, then names. */
export function compareSlots(a: MigrationSlot, b: MigrationSlot): number {
  const length = Math.max(a.version.length, b.version.length);
  for (let i = 0; i < length; i++) {
    // A shorter version comes first (`1` before `1.1`).
    if (a.version[i] === undefined) return -1;
    if (b.version[i] === undefined) return 1;
    const byNumber = compareNumbers(a.version[i], b.version[i]);
    if (byNumber !== 0) return byNumber;
  }
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function numbers(version: string): string[] {
  return version.split(/[._-]/).map((part) => part.replace(/^0+(?=\d)/, ''));
}

/** Flyway reads `1.1`, `1_1`, `01.1` and `1.1.0` as the same version. */
function flywayNumbers(version: string): string[] {
  const parts = numbers(version);
  while (parts.length > 1 && parts[parts.length - 1] === '0') parts.pop();
  return parts;
}

/** Whole numbers of any length (timestamps exceed what a double holds exactly), written without leading zeros. */
function compareNumbers(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * `items` as their tools would run them: within each set, versioned up migrations take the places the set's
 * migrations hold in `items`, in version order; everything else keeps its place.
 */
export function inRunOrder<T>(items: readonly T[], pathOf: (item: T) => string): T[] {
  const ordered = [...items];
  const places = new Map<string, { index: number; item: T; slot: MigrationSlot }[]>();
  items.forEach((item, index) => {
    const slot = migrationSlot(pathOf(item));
    if (!slot) return;
    if (!places.has(slot.set)) places.set(slot.set, []);
    places.get(slot.set)!.push({ index, item, slot });
  });
  for (const members of places.values()) {
    const byVersion = [...members].sort((a, b) => compareSlots(a.slot, b.slot));
    members.forEach(({ index }, i) => (ordered[index] = byVersion[i].item));
  }
  return ordered;
}
