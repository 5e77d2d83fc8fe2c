// Reads a flagd document: flags as a map (`flags.json`) or as a list with `key` (`flagd.json`), translated into the
// flag view the flag rules read (src/engine/model/flag-view.ts), and the JsonLogic of their targeting.

import type { FlagField, FlagSetView, FlagView } from '../../model/flag-view';
import type { Path } from '../../parse/source-file';
import { isRecord, list, numberOf } from '../read';

interface FlagdFlag {
  key: string;
  flag: Record<string, unknown>;
  /** Path of the flag's mapping: `['flags', key]`, or `['flags', index]` in the list form. */
  path: Path;
}

export function flagdFlags(value: Record<string, unknown>): FlagdFlag[] {
  if (isRecord(value.flags)) {
    return Object.entries(value.flags)
      .filter((entry): entry is [string, Record<string, unknown>] => isRecord(entry[1]))
      .map(([key, flag]) => ({ key, flag, path: ['flags', key] }));
  }
  return list(value.flags).flatMap((flag, index) =>
    isRecord(flag) && typeof flag.key === 'string' ? [{ key: flag.key, flag, path: ['flags', index] }] : [],
  );
}

/** `metadata.<name>` of the flag, else of the flag set. */
function metadataField(document: Record<string, unknown>, flag: FlagdFlag, name: string): FlagField | undefined {
  if (isRecord(flag.flag.metadata) && flag.flag.metadata[name] !== undefined)
    return { value: flag.flag.metadata[name], path: [...flag.path, 'metadata', name], fromSet: false };
  if (isRecord(document.metadata) && document.metadata[name] !== undefined)
    return { value: document.metadata[name], path: ['metadata', name], fromSet: true };
  return undefined;
}

const views = new WeakMap<object, FlagSetView>();

/**
 * A flagd file as the flag rules read flags: Stagegate's owner, expiry and type from flagd's free-form `metadata`
 * (the flag's, else the flag set's), `defaultVariant` as the default. A `defaultVariant` of null leaves the choice to
 * the application's code by design, so it is no default to check.
 */
export function flagdFlagSetView(value: Record<string, unknown>): FlagSetView {
  let view = views.get(value);
  if (view) return view;
  const withMetadata = new Set<FlagView>();
  const flags: FlagView[] = flagdFlags(value).map((flag) => {
    const type = metadataField(value, flag, 'type')?.value;
    const view: FlagView = {
      key: flag.key,
      path: flag.path,
      anchor: typeof flag.path[1] === 'number' ? { path: [...flag.path, 'key'], on: 'value' } : { path: flag.path, on: 'key' },
      type: typeof type === 'string' ? type : 'release',
      owner: metadataField(value, flag, 'owner'),
      expires: metadataField(value, flag, 'expires'),
      description: metadataField(value, flag, 'description'),
      variants: isRecord(flag.flag.variants) ? flag.flag.variants : undefined,
      default:
        typeof flag.flag.defaultVariant === 'string'
          ? { value: flag.flag.defaultVariant, path: [...flag.path, 'defaultVariant'], fromSet: false }
          : undefined,
      dependsOn: [],
      disabled: flag.flag.state === 'DISABLED',
    };
    if (isRecord(flag.flag.metadata)) withMetadata.add(view);
    return view;
  });
  view = {
    format: 'flagd',
    flags,
    fieldName: (field) => (field === 'default' ? 'defaultVariant' : `metadata.${field}`),
    // Into the flag's `metadata`, created when the flag has none.
    insertion: (flag, field) =>
      withMetadata.has(flag) ? { mapPath: [...flag.path, 'metadata'], key: field } : { mapPath: flag.path, key: field, wrapIn: 'metadata' },
  };
  views.set(value, view);
  return view;
}

interface JsonLogicNode {
  operator: string;
  args: unknown;
  /** Path of the operator's key (`…targeting.if`). */
  path: Path;
}

/** Every JsonLogic operation (`{"op": args}`) under `root`, depth first, with its path. */
export function operations(root: unknown, rootPath: Path): JsonLogicNode[] {
  const found: JsonLogicNode[] = [];
  const visit = (node: unknown, path: Path, depth: number): void => {
    if (depth > 100) return;
    if (Array.isArray(node)) node.forEach((item, index) => visit(item, [...path, index], depth + 1));
    else if (isRecord(node)) {
      for (const [key, args] of Object.entries(node)) {
        found.push({ operator: key, args, path: [...path, key] });
        visit(args, [...path, key], depth + 1);
      }
    }
  };
  visit(root, rootPath, 0);
  return found;
}

interface TargetingResult {
  /** The variant name, written as text. */
  name: string;
  /** Path of the name in the document. */
  path: Path;
}

/**
 * The variant names targeting returns as literals: the results of an `if` (then and else branches, and the results of
 * `[c1, r1, c2, r2, …, else]` chains) and the variants of `fractional` buckets, followed through nested `if`s and
 * `fractional`s in result positions only. A condition is no result: a `fractional` compared in a condition buckets
 * subjects into names of its own. A result computed by any other operation (`cat`, `var`, a `$ref`) is not followed.
 */
export function targetingResults(root: unknown, rootPath: Path): TargetingResult[] {
  const found: TargetingResult[] = [];
  const visit = (node: unknown, path: Path, depth: number): void => {
    if (depth > 100 || !isRecord(node)) return;
    for (const [operator, args] of Object.entries(node)) {
      const at: Path = [...path, operator];
      if (operator === 'if') {
        const items = list(args);
        items.forEach((item, index) => {
          // [condition, result, condition, result, …, else]: results sit at odd positions and at the end.
          if (index % 2 === 0 && index !== items.length - 1) return;
          if (typeof item === 'string') found.push({ name: item, path: [...at, index] });
          else visit(item, [...at, index], depth + 1);
        });
      } else if (operator === 'fractional') {
        for (const bucket of fractionalBuckets({ operator, args, path: at }))
          if (bucket.variant !== undefined) found.push({ name: bucket.variant, path: [...at, bucket.index, 0] });
      }
    }
  };
  visit(root, rootPath, 0);
  return found;
}

/** Variant names of a flag, when it has a `variants` mapping. */
export function variantNames(flag: Record<string, unknown>): string[] | undefined {
  return isRecord(flag.variants) ? Object.keys(flag.variants) : undefined;
}

interface FractionalBucket {
  /** The variant name when written as text; undefined for a computed one. */
  variant?: string;
  /** The weight when written as a number (flagd's default 1 when omitted); undefined for a computed one. */
  weight?: number;
  index: number;
}

/** Buckets of a `fractional` operation; the first argument is the bucketing expression unless it is itself a bucket. */
export function fractionalBuckets(node: JsonLogicNode): FractionalBucket[] {
  const args = list(node.args);
  return args.flatMap((arg, index) => {
    if (!Array.isArray(arg)) return [];
    const weight = arg.length < 2 ? 1 : numberOf(arg[1]);
    return [{ index, variant: typeof arg[0] === 'string' ? arg[0] : undefined, weight: typeof arg[1] === 'string' ? undefined : weight }];
  });
}
