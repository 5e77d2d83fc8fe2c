// Finds what lies under a cursor: the document, the path of the node, and whether the cursor is on a key.

import { isMap, isPair, isScalar, isSeq, type Node } from 'yaml';
import type { ParsedDocument, PathSegment, SourceFile } from './source-file';
import { keyString } from './source-file';

interface PathAt {
  doc: ParsedDocument;
  path: PathSegment[];
  /** True when the cursor is on a mapping key; the path then ends with that key. */
  onKey: boolean;
}

function documentAt(file: SourceFile, offset: number): ParsedDocument | undefined {
  const docs = file.documents;
  for (let i = docs.length - 1; i >= 0; i--) {
    const start = file.lines.offsetAt(docs[i].range.start);
    if (offset >= start || i === 0) return docs[i];
  }
  return undefined;
}

export function pathAt(file: SourceFile, offset: number): PathAt | undefined {
  const doc = documentAt(file, offset);
  if (!doc || !doc.root) return undefined;
  const path: PathSegment[] = [];
  let node: Node | null = doc.root;
  let onKey = false;
  const inside = (n: Node | null | undefined) => !!n?.range && offset >= n.range[0] && offset <= n.range[1];
  for (;;) {
    let next: Node | null = null;
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = keyString(pair.key);
        if (key === undefined) continue;
        if (inside(pair.key as Node)) {
          path.push(key);
          onKey = true;
          return { doc, path, onKey };
        }
        if (inside(pair.value as Node)) {
          path.push(key);
          next = pair.value as Node;
          break;
        }
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        if (!next && inside(item as Node)) {
          path.push(index);
          next = item as Node;
        }
      });
    }
    if (!next || isScalar(next)) return { doc, path, onKey };
    node = next;
  }
}
