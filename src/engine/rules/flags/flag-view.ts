// Walks the flags of a flag-set document, tolerating half-written entries.

import { isRecord } from '../../values';

export const SHORT_LIVED_TYPES = new Set(['release', 'experiment', 'ops']);

/** Default lifetime in days of a new flag by type (Unleash's expected lifetimes); used by the add-expiry fix. */
export const DEFAULT_LIFETIME_DAYS: Record<string, number> = { release: 40, experiment: 40, ops: 7 };

export interface FlagEntry {
  key: string;
  flag: Record<string, unknown>;
  type: string;
}

/** Entries per parsed flag set: every flag rule walks them, and an unchanged file keeps its parsed value. Never mutated. */
const entryCache = new WeakMap<object, FlagEntry[]>();

export function flagEntries(value: Record<string, unknown>): FlagEntry[] {
  let entries = entryCache.get(value);
  if (!entries) entryCache.set(value, (entries = readFlagEntries(value)));
  return entries;
}

function readFlagEntries(value: Record<string, unknown>): FlagEntry[] {
  if (!isRecord(value.flags)) return [];
  return Object.entries(value.flags)
    .filter((entry): entry is [string, Record<string, unknown>] => isRecord(entry[1]))
    .map(([key, flag]) => ({ key, flag, type: typeof flag.type === 'string' ? flag.type : 'release' }));
}

/** Variant names of a flag; a flag without variants is a boolean. */
export function variantNames(flag: Record<string, unknown>): string[] | undefined {
  return isRecord(flag.variants) ? Object.keys(flag.variants) : undefined;
}
