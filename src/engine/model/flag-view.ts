// The flags of a document as the flag rules read them, whatever the format: a Stagegate flag set (read here) or a
// flagd file (read by src/engine/adapters/flagd into the same view). Every value keeps its path in the source, so
// findings and fixes land in the right place of the file the user wrote.

import type { Path } from '../parse/source-file';
import { isRecord } from '../values';

export const SHORT_LIVED_TYPES = new Set(['release', 'experiment', 'ops']);

/** Default lifetime in days of a new flag by type (Unleash's expected lifetimes); used by the add-expiry fix. */
export const DEFAULT_LIFETIME_DAYS: Record<string, number> = { release: 40, experiment: 40, ops: 7 };

/** A value read for a flag, where it was written, and whether it was inherited from the flag set. */
export interface FlagField {
  value: unknown;
  path: Path;
  fromSet: boolean;
}

export interface FlagView {
  key: string;
  /** Path of the flag's mapping. */
  path: Path;
  /** Where findings about the flag as a whole go: the key of its mapping, or (flagd's list form) its `key` value. */
  anchor: { path: Path; on: 'key' | 'value' };
  /** `release` unless the flag (or flagd's set metadata) says otherwise. */
  type: string;
  owner?: FlagField;
  expires?: FlagField;
  description?: FlagField;
  variants?: Record<string, unknown>;
  /** The variant served by default: a flag set's `default`, flagd's `defaultVariant`. */
  default?: FlagField;
  dependsOn: { key: string; path: Path }[];
  /** flagd `state: DISABLED`: the flag can never serve anything but the code's default. */
  disabled: boolean;
}

/** Where a missing field of a flag is written: a new key in a mapping, or a new mapping (flagd's `metadata`) holding it. */
interface FieldInsertion {
  mapPath: Path;
  key: string;
  /** When set, the flag has no mapping of this name yet: insert `wrapIn: { key: value }` into `mapPath` instead. */
  wrapIn?: string;
}

export interface FlagSetView {
  format: 'flag-set' | 'flagd';
  flags: FlagView[];
  /** How the format names a field, for messages: `owner`, or `metadata.owner` in flagd. */
  fieldName(field: 'owner' | 'expires' | 'type' | 'default'): string;
  insertion(flag: FlagView, field: 'owner' | 'expires'): FieldInsertion;
}

/** Variant names of a flag; undefined for a flag without variants (a boolean flag in a flag set). */
export function variantNames(flag: FlagView): string[] | undefined {
  return flag.variants ? Object.keys(flag.variants) : undefined;
}

/** An expiry date and every flag it applies to: one flag's own, or the flag set's for each flag without one. */
export interface Expiry {
  value: unknown;
  path: Path;
  flags: FlagView[];
  fromSet: boolean;
}

export function expiries(view: FlagSetView): Expiry[] {
  const own: Expiry[] = [];
  let inherited: Expiry | undefined;
  for (const flag of view.flags) {
    const expires = flag.expires;
    if (!expires) continue;
    if (!expires.fromSet) own.push({ value: expires.value, path: expires.path, flags: [flag], fromSet: false });
    else if (inherited) inherited.flags.push(flag);
    else inherited = { value: expires.value, path: expires.path, flags: [flag], fromSet: true };
  }
  return inherited ? [...own, inherited] : own;
}

/** Views per parsed document: every flag rule reads it, and an unchanged file keeps its parsed value. Never mutated. */
const cache = new WeakMap<object, FlagSetView>();

/** The flags of a Stagegate flag set (`flags:` mapping; `metadata.owner` is every flag's owner unless it has its own). */
export function flagSetView(value: Record<string, unknown>): FlagSetView {
  let view = cache.get(value);
  if (!view) cache.set(value, (view = readFlagSet(value)));
  return view;
}

function readFlagSet(value: Record<string, unknown>): FlagSetView {
  const setOwner = isRecord(value.metadata) && value.metadata.owner !== undefined ? value.metadata.owner : undefined;
  const flags: FlagView[] = [];
  for (const [key, flag] of Object.entries(isRecord(value.flags) ? value.flags : {})) {
    if (!isRecord(flag)) continue;
    const path = ['flags', key];
    const field = (name: string): FlagField | undefined =>
      flag[name] === undefined ? undefined : { value: flag[name], path: [...path, name], fromSet: false };
    flags.push({
      key,
      path,
      anchor: { path, on: 'key' },
      type: typeof flag.type === 'string' ? flag.type : 'release',
      owner: field('owner') ?? (setOwner === undefined ? undefined : { value: setOwner, path: ['metadata', 'owner'], fromSet: true }),
      expires: field('expires'),
      description: field('description'),
      variants: isRecord(flag.variants) ? flag.variants : undefined,
      default: field('default'),
      dependsOn: (Array.isArray(flag.dependsOn) ? flag.dependsOn : []).flatMap((dependency, index) =>
        typeof dependency === 'string' ? [{ key: dependency, path: [...path, 'dependsOn', index] }] : [],
      ),
      disabled: false,
    });
  }
  return {
    format: 'flag-set',
    flags,
    fieldName: (field) => field,
    insertion: (flag, field) => ({ mapPath: flag.path, key: field }),
  };
}
