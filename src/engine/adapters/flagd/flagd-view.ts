// Walks a flagd document: flags as a map (`flags.json`) or as a list with `key` (`flagd.json`), their metadata
// with the flag set's as fallback, and the JsonLogic of their targeting.

import type { Range } from '../../finding';
import { isFlagdSchema } from '../../formats/recognise';
import { keyOrValue, type Path } from '../../parse/source-file';
import type { DocumentContext } from '../../rules/context';
import type { FlagdSchemaVariant } from './flagd-schema';
import { isRecord, list } from '../read';

export interface FlagdFlag {
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

/** Where a finding about the flag as a whole goes: its key in the map form, its `key` value in the list form. */
export function flagRange(context: DocumentContext, flag: FlagdFlag): Range {
  if (typeof flag.path[1] === 'number') return context.locate([...flag.path, 'key']).value;
  return keyOrValue(context.locate(flag.path), context.file.lines);
}

export interface MetadataValue {
  value: unknown;
  path: Path;
  /** True when the value comes from the flag set's `metadata`, not the flag's own. */
  fromSet: boolean;
}

/** `metadata.<name>` of the flag, else of the flag set. */
export function flagdMetadata(document: Record<string, unknown>, flag: FlagdFlag, name: string): MetadataValue | undefined {
  if (isRecord(flag.flag.metadata) && flag.flag.metadata[name] !== undefined)
    return { value: flag.flag.metadata[name], path: [...flag.path, 'metadata', name], fromSet: false };
  if (isRecord(document.metadata) && document.metadata[name] !== undefined)
    return { value: document.metadata[name], path: ['metadata', name], fromSet: true };
  return undefined;
}

/** Which of flagd's schemas applies: `flagd.json` (the daemon's, flags may be a list) unless `$schema` names `flags.json`. */
export function flagdSchemaVariant(value: unknown): FlagdSchemaVariant {
  const schema = isRecord(value) && typeof value.$schema === 'string' ? value.$schema : undefined;
  return schema && isFlagdSchema(schema) && /(^|\/)flags\.json$/.test(schema) ? 'flags' : 'flagd';
}

export interface JsonLogicNode {
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

/** Variant names of a flag, when it has a `variants` mapping. */
export function variantNames(flag: Record<string, unknown>): string[] | undefined {
  return isRecord(flag.variants) ? Object.keys(flag.variants) : undefined;
}
