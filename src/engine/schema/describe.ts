// Reads a property's description from the schema by document path, for hovers.

import type { Path } from '../parse/source-file';
import { schemaFor, type SchemaName } from './validate';

type SchemaNode = {
  $ref?: string;
  description?: string;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  items?: SchemaNode;
  default?: unknown;
  examples?: unknown[];
  enum?: unknown[];
};

interface PropertyDoc {
  description: string;
  defaultValue?: unknown;
  allowed?: unknown[];
  example?: unknown;
}

export function describePath(schemaName: SchemaName, path: Path): PropertyDoc | undefined {
  const root = schemaFor(schemaName) as SchemaNode & { definitions?: Record<string, SchemaNode> };
  const resolve = (node: SchemaNode | undefined): SchemaNode | undefined => {
    let current = node;
    for (let i = 0; current?.$ref && i < 10; i++) {
      const target: SchemaNode | undefined = root.definitions?.[current.$ref.split('/').pop() ?? ''];
      current = target ? { ...target, ...withoutRef(current) } : undefined;
    }
    return current;
  };
  let node = resolve(root);
  for (const segment of path) {
    if (!node) return undefined;
    if (typeof segment === 'number') node = resolve(node.items);
    else
      node = resolve(node.properties?.[segment] ?? (typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined));
  }
  if (!node?.description) return undefined;
  return { description: node.description, defaultValue: node.default, allowed: node.enum, example: node.examples?.[0] };
}

function withoutRef(node: SchemaNode): SchemaNode {
  const { $ref: _ref, ...rest } = node;
  return rest;
}
