// Prerequisites between flags: each must exist somewhere in the workspace, and they must not form a cycle.

import type { DocumentRule } from '../context';
import { flagEntries } from './flag-view';

export const flagUnknownDependency: DocumentRule = {
  meta: { id: 'flag-unknown-dependency', family: 'cross-file', defaultSeverity: 'error', summary: '`dependsOn` names a flag defined in no flag file of the workspace.' },
  appliesTo: 'flag-set',
  check(context, value) {
    for (const { key, flag } of flagEntries(value)) {
      if (!Array.isArray(flag.dependsOn)) continue;
      flag.dependsOn.forEach((dependency, index) => {
        if (typeof dependency !== 'string' || context.facts.flags.has(dependency)) return;
        context.report('flag-unknown-dependency', context.locate(['flags', key, 'dependsOn', index]).value, `Flag "${key}" depends on "${dependency}", which no flag file in the workspace defines.`, {
          related: context.facts.flagFiles.map((file) => ({ file: file.path, range: zero(), message: `searched (${file.flagCount} flags)` })),
        });
      });
    }
  },
};

export const flagDependencyCycle: DocumentRule = {
  meta: { id: 'flag-dependency-cycle', family: 'flags', defaultSeverity: 'error', summary: 'Prerequisite flags form a cycle, so none of them can ever turn on.' },
  appliesTo: 'flag-set',
  check(context, value) {
    const graph = new Map<string, string[]>();
    // Edges from every flag in the workspace, so cycles across files are found too.
    for (const [key, definitions] of context.facts.flags) graph.set(key, definitions.flatMap((definition) => definition.dependsOn ?? []));
    for (const { key, flag } of flagEntries(value)) {
      graph.set(key, Array.isArray(flag.dependsOn) ? flag.dependsOn.filter((item): item is string => typeof item === 'string') : []);
    }
    for (const { key } of flagEntries(value)) {
      const cycle = findCycleThrough(key, graph);
      if (!cycle) continue;
      context.report('flag-dependency-cycle', context.locate(['flags', key]).key ?? context.doc.range, `Flag "${key}" is on a prerequisite cycle: ${[...cycle, cycle[0]].join(' → ')}. None of these flags can turn on.`);
    }
  },
};

/** The cycle through `start`, in order from it, or undefined. */
function findCycleThrough(start: string, graph: Map<string, string[]>): string[] | undefined {
  const path: string[] = [];
  const visited = new Set<string>();
  const visit = (node: string): string[] | undefined => {
    for (const next of graph.get(node) ?? []) {
      if (next === start) return [...path, node];
      if (visited.has(next)) continue;
      visited.add(next);
      path.push(node);
      const found = visit(next);
      path.pop();
      if (found) return found;
    }
    return undefined;
  };
  return visit(start);
}

function zero() {
  return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
}
