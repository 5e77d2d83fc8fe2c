// Which resource a Kubernetes reference names (an Argo AnalysisTemplate, a Flagger MetricTemplate or AlertProvider).
// Kubernetes keeps names apart by namespace, and a repository holds many apps and test fixtures that reuse names,
// so a name alone does not decide. The nearest definition does, whatever order the files were read in:
//   1. one in the referring file;
//   2. one in the namespace the reference looks in (`metadata.namespace`, `default` when absent; cluster-scoped kinds
//      have none), nearest in the folder tree;
//   3. one in another namespace (a namespace a tool sets when it applies the files is invisible here), nearest.
// "Nearest in the folder tree": fewest folders up from the referring file to a folder the two share, then fewest
// folders down from there. Candidates equally near at the step that decides are an ambiguity, never a guess.

import * as nodePath from 'path';
import type { ResourceFact, WorkspaceFacts } from './facts';

/** Kubernetes' namespace for a namespaced resource whose manifest names none. */
export const DEFAULT_NAMESPACE = 'default';

export interface ResourceRef {
  /** `AnalysisTemplate`, `ClusterAnalysisTemplate`, `MetricTemplate`, `AlertProvider`. */
  kind: string;
  name: string;
  /** The namespace the reference looks in; undefined for cluster-scoped kinds. */
  namespace: string | undefined;
  /** The referring file. */
  file: string;
}

export type Resolution =
  | { status: 'found'; resource: ResourceFact }
  | { status: 'ambiguous'; candidates: ResourceFact[]; scope: 'file' | 'namespace' | 'other-namespaces' }
  | { status: 'missing' };

/** The namespace a resource is in: its own, else the default; undefined when its kind is cluster-scoped. */
export function namespaceOf(resource: ResourceFact): string | undefined {
  return resource.clusterScoped ? undefined : (resource.namespace ?? DEFAULT_NAMESPACE);
}

export function resolveResource(facts: WorkspaceFacts, ref: ResourceRef): Resolution {
  const all = facts.resources.get(`${ref.kind}/${ref.name}`) ?? [];
  if (all.length === 0) return { status: 'missing' };
  const inFile = all.filter((resource) => resource.file === ref.file);
  const inNamespace = (list: ResourceFact[]) => list.filter((resource) => namespaceOf(resource) === ref.namespace);
  let scope: 'file' | 'namespace' | 'other-namespaces';
  let pool: ResourceFact[];
  if (inFile.length > 0) {
    scope = 'file';
    // A file that defines the name in several namespaces: the reference's own namespace first.
    pool = inNamespace(inFile).length > 0 ? inNamespace(inFile) : inFile;
  } else if (inNamespace(all).length > 0) {
    scope = 'namespace';
    pool = nearest(inNamespace(all), ref.file);
  } else {
    scope = 'other-namespaces';
    pool = nearest(all, ref.file);
  }
  if (pool.length === 1) return { status: 'found', resource: pool[0] };
  return { status: 'ambiguous', candidates: [...pool].sort(compareResources), scope };
}

/** The resources whose folder is nearest to the referring file's: fewest folders up, then fewest down. */
function nearest(resources: ResourceFact[], from: string): ResourceFact[] {
  const here = folders(from);
  let best: ResourceFact[] = [];
  let bestDistance: [number, number] | undefined;
  for (const resource of resources) {
    const there = folders(resource.file);
    let shared = 0;
    while (shared < here.length && shared < there.length && here[shared] === there[shared]) shared++;
    const distance: [number, number] = [here.length - shared, there.length - shared];
    const order = bestDistance ? distance[0] - bestDistance[0] || distance[1] - bestDistance[1] : -1;
    if (order < 0) {
      best = [resource];
      bestDistance = distance;
    } else if (order === 0) best.push(resource);
  }
  return best;
}

function folders(file: string): string[] {
  return file.split(/[\\/]/).slice(0, -1);
}

/** File, then position: the order candidates are listed in, whatever order the files were read in. */
export function compareResources(a: ResourceFact, b: ResourceFact): number {
  return (
    (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
    a.range.start.line - b.range.start.line ||
    a.range.start.character - b.range.start.character
  );
}

/** Where a resource is, as the referring file's reader finds it: `line 12` in the same file, else a relative path. */
export function whereFrom(resource: ResourceFact, from: string): string {
  const line = resource.range.start.line + 1;
  if (resource.file === from) return `line ${line}`;
  const relative = nodePath.relative(nodePath.dirname(from), resource.file).split(nodePath.sep).join('/');
  return `${relative}:${line}`;
}
