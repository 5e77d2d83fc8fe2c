// Prerequisites between flags must not form a cycle: every flag on one waits for another, so none can turn on.

import { defineRule } from '../../rule-kit/rule';

export default defineRule({
  meta: {
    id: 'flag-dependency-cycle',
    family: 'flags',
    defaultSeverity: 'error',
    summary: 'Prerequisite flags form a cycle, so none of them can ever turn on.',
    reads: ['flag-set'],
  },
  check(context) {
    // Edges from every flag in the workspace, so cycles across files are found too; this document's own wins.
    const own = new Map<string, string[]>();
    for (const flag of context.flags.flags)
      own.set(
        flag.key,
        flag.dependsOn.map((dependency) => dependency.key),
      );
    const successors = (key: string): string[] =>
      own.get(key) ?? context.facts.flags.get(key)?.flatMap((definition) => definition.dependsOn ?? []) ?? [];
    const component = stronglyConnected([...own.keys()], successors);
    const found = new Map<string, { cycle: string[]; at: number }>();
    for (const key of own.keys()) {
      const onCycle = (component.size.get(component.of.get(key)!) ?? 0) > 1 || successors(key).includes(key);
      if (!onCycle) continue;
      let known = found.get(key);
      if (!known) {
        const cycle = shortestCycleThrough(key, successors, (next) => component.of.get(next) === component.of.get(key));
        cycle.forEach((flag, at) => found.has(flag) || found.set(flag, { cycle, at }));
        known = found.get(key)!;
      }
      context.report(
        context.locate(['flags', key]).key ?? context.doc.range,
        `Flag "${key}" is on a prerequisite cycle: ${describeCycle(known.cycle, known.at)}. None of these flags can turn on.`,
      );
    }
  },
});

/** Cycles longer than this are shown by their first flags and their length: the message stays readable and small. */
const CYCLE_FLAGS_SHOWN = 20;

/** The cycle read from position `from`, back to where it started. */
function describeCycle(cycle: string[], from: number): string {
  const shown = Array.from({ length: Math.min(cycle.length, CYCLE_FLAGS_SHOWN) }, (_, i) => cycle[(from + i) % cycle.length]);
  if (cycle.length <= CYCLE_FLAGS_SHOWN) return [...shown, shown[0]].join(' → ');
  return `${shown.join(' → ')} → … → ${shown[0]} (${cycle.length.toLocaleString('en-US')} flags)`;
}

/**
 * Strongly connected components of what `starts` reach (Tarjan's algorithm, with an explicit stack: a chain of
 * thousands of prerequisites must not overflow the call stack). Only flags in a component of two or more, or
 * depending on themselves, are on a cycle, so the search for each cycle is done once, not once per flag.
 */
function stronglyConnected(
  starts: string[],
  successors: (key: string) => string[],
): { of: Map<string, number>; size: Map<number, number> } {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const of = new Map<string, number>();
  const size = new Map<number, number>();
  let counter = 0;
  for (const start of starts) {
    if (index.has(start)) continue;
    const frames: { node: string; next: string[]; i: number }[] = [];
    const enter = (node: string) => {
      index.set(node, counter);
      low.set(node, counter++);
      stack.push(node);
      onStack.add(node);
      frames.push({ node, next: successors(node), i: 0 });
    };
    enter(start);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1];
      if (frame.i < frame.next.length) {
        const next = frame.next[frame.i++];
        if (!index.has(next)) enter(next);
        else if (onStack.has(next)) low.set(frame.node, Math.min(low.get(frame.node)!, index.get(next)!));
        continue;
      }
      frames.pop();
      if (frames.length > 0) {
        const parent = frames[frames.length - 1].node;
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.node)!));
      }
      if (low.get(frame.node) === index.get(frame.node)) {
        const id = size.size;
        let member: string;
        let count = 0;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          of.set(member, id);
          count++;
        } while (member !== frame.node);
        size.set(id, count);
      }
    }
  }
  return { of, size };
}

/** The shortest cycle through `start` (breadth-first, within its component), in order from it. */
function shortestCycleThrough(start: string, successors: (key: string) => string[], inComponent: (key: string) => boolean): string[] {
  const parent = new Map<string, string>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head];
    for (const next of successors(node)) {
      if (next === start) {
        const cycle = [node];
        for (let step = node; step !== start; step = parent.get(step)!) cycle.push(parent.get(step)!);
        return cycle.reverse();
      }
      if (parent.has(next) || !inComponent(next)) continue;
      parent.set(next, node);
      queue.push(next);
    }
  }
  return [start];
}
