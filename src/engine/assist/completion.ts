// Completion items for values the schema cannot know: flag keys from the workspace, metric names from
// the plan's baseline, scenario kinds.

import { documentKind } from '../formats/recognise';
import { pathAt } from '../parse/path-at';
import type { SourceFile } from '../parse/source-file';
import type { WorkspaceFacts } from '../model/facts';
import { isRecord } from '../values';
import { baselineView } from '../model/plan-view';
import { LineIndex } from '../text/line-index';
import { SCENARIO_KIND_INFO, SCENARIO_KINDS } from '../model/scenario-kinds';

export interface CompletionItem {
  label: string;
  kind: 'flag' | 'metric' | 'scenario-kind';
  detail: string;
}

export function completionsAt(file: SourceFile, offset: number, facts: WorkspaceFacts): CompletionItem[] {
  const context = lineContext(file.lines, offset);
  const at = pathAt(file, offset);
  const value = at?.doc.value ?? file.documents[0]?.value;
  if (documentKind(value, file.path, file.declared) !== 'release-plan' || !isRecord(value)) return [];
  const path = at?.path ?? [];

  if (context.key === 'metric' || (path[0] === 'stages' && path[path.length - 1] === 'metric')) {
    const baseline = baselineView(value);
    const kpis = Object.keys(baseline.kpis);
    return [
      { label: 'errorRate', kind: 'metric', detail: 'share of failed requests' },
      { label: 'latencyP95Ms', kind: 'metric', detail: '95th percentile latency in ms' },
      ...kpis.map((name) => ({
        label: `kpi:${name}`,
        kind: 'metric' as const,
        detail: `baseline ${String(baseline.kpis[name])}`,
      })),
      ...Object.entries(baseline.gauges).map(([name, mean]) => ({
        label: `gauge:${name}`,
        kind: 'metric' as const,
        detail: `gauge, baseline ${String(mean)}`,
      })),
    ];
  }
  if (context.key === 'kind' && path[0] === 'scenarios') {
    return SCENARIO_KINDS.map((kind) => ({ label: kind, kind: 'scenario-kind', detail: SCENARIO_KIND_INFO[kind].description }));
  }
  const inFlagList = (path[0] === 'flags' && !(path.length === 1 && at?.onKey)) || context.listOf === 'flags';
  if (inFlagList) {
    const listed = new Set(Array.isArray(value.flags) ? value.flags : []);
    return [...facts.flags.values()]
      .map((definitions) => definitions[0])
      .filter((definition) => !listed.has(definition.key))
      .map((definition) => ({
        label: definition.key,
        kind: 'flag',
        detail: `${definition.type ?? 'release'} flag${definition.owner ? `, owner ${definition.owner}` : ''}${definition.expires ? `, expires ${definition.expires}` : ''}`,
      }));
  }
  return [];
}

/** What the cursor's line says, for half-typed lines the parser cannot place yet (`metric: `, `  - `). */
function lineContext(lines: LineIndex, offset: number): { key?: string; listOf?: string } {
  const position = lines.positionAt(offset);
  const before = lines.lineText(position.line).slice(0, position.character);
  const keyMatch = /^\s*(?:-\s+)?([A-Za-z]+):\s*[^:]*$/.exec(before);
  if (keyMatch) return { key: keyMatch[1] };
  if (/^\s*-\s*[\w.-]*$/.test(before)) {
    // Find the parent key of this list item by looking upwards for a less indented `key:` line.
    const indent = before.search(/\S/);
    for (let line = position.line - 1; line >= 0; line--) {
      const text = lines.lineText(line);
      const textIndent = text.search(/\S/);
      if (textIndent < 0) continue;
      const parent = /^\s*([A-Za-z]+):\s*$/.exec(text);
      if (textIndent <= indent && parent) return { listOf: parent[1] };
      if (textIndent < indent) break;
    }
  }
  return {};
}
