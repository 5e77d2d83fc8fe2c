// A migration named on the command line without its folder is read from the schema the earlier migrations of its
// folder leave, as when the folder is checked: those are read from disk for the workspace to order, not reported.

import { promises as fs } from 'fs';
import * as path from 'path';
import { compareSlots, migrationSlot, type MigrationSlot } from '../engine/formats/migration-order';
import { readIfExists } from '../node/files';

/** The up migrations on disk that run before the latest of `named` in each of their folders, other than `named`. */
export async function earlierMigrations(named: string[]): Promise<{ path: string; text: string }[]> {
  const given = new Set(named);
  // The latest migration named in each set, and the folder on disk that holds the set.
  const latest = new Map<string, { slot: MigrationSlot; folder: string }>();
  for (const file of named) {
    const slot = migrationSlot(file);
    if (!slot) continue;
    const known = latest.get(slot.set);
    // One folder per migration (diesel, prisma): the set is the folder above the migration's own.
    const folder = slot.name.includes('/') ? path.dirname(path.dirname(file)) : path.dirname(file);
    if (!known || compareSlots(known.slot, slot) < 0) latest.set(slot.set, { slot, folder });
  }
  const earlier: { path: string; text: string }[] = [];
  for (const [set, { slot, folder }] of latest) {
    for (const candidate of await candidates(folder)) {
      const other = migrationSlot(candidate);
      if (given.has(candidate) || !other || other.set !== set || compareSlots(other, slot) >= 0) continue;
      const text = await readIfExists(candidate);
      if (text !== undefined) earlier.push({ path: candidate, text });
    }
  }
  return earlier;
}

/** The files of a folder that may be migrations of its set: its `.sql` files, and the up migration of each subfolder. */
async function candidates(folder: string): Promise<string[]> {
  let entries: import('fs').Dirent[];
  try {
    entries = await fs.readdir(folder, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    if (entry.isFile() && entry.name.toLowerCase().endsWith('.sql')) return [path.join(folder, entry.name)];
    if (entry.isDirectory()) return [path.join(folder, entry.name, 'up.sql'), path.join(folder, entry.name, 'migration.sql')];
    return [];
  });
}
