// Puts flagd flags into the workspace's facts, so plans reference them by key like flags of a flag set.

import type { ParsedDocument, SourceFile } from '../../parse/source-file';
import { keyOrValue, locate } from '../../parse/source-file';
import type { FlagDefinition, WorkspaceFacts } from '../../rules/workspace-facts';
import { isRecord } from '../read';
import { flagdFlags, flagdMetadata } from './flagd-view';

export function collectFlagdFlags(source: SourceFile, doc: ParsedDocument, facts: WorkspaceFacts): void {
  if (!isRecord(doc.value)) return;
  const value = doc.value;
  const flags = flagdFlags(value);
  facts.flagFiles.push({ path: source.path, flagCount: flags.length });
  for (const flag of flags) {
    const keyRange =
      typeof flag.path[1] === 'number'
        ? locate(source, doc, [...flag.path, 'key']).value
        : keyOrValue(locate(source, doc, flag.path), source.lines);
    const definition: FlagDefinition = { key: flag.key, file: source.path, keyRange, disabled: flag.flag.state === 'DISABLED' };
    const owner = flagdMetadata(value, flag, 'owner')?.value;
    const expires = flagdMetadata(value, flag, 'expires')?.value;
    const type = flagdMetadata(value, flag, 'type')?.value;
    if (typeof owner === 'string') definition.owner = owner;
    if (typeof expires === 'string') definition.expires = expires;
    if (typeof type === 'string') definition.type = type;
    if (isRecord(flag.flag.variants)) definition.variants = flag.flag.variants;
    if (typeof flag.flag.defaultVariant === 'string') definition.default = flag.flag.defaultVariant;
    const list = facts.flags.get(flag.key);
    if (list) list.push(definition);
    else facts.flags.set(flag.key, [definition]);
  }
}
