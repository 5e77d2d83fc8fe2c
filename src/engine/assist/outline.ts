// The structure editors show in Outline and breadcrumbs: plans with their stages and gates, flag sets with their flags.

import type { Range } from '../finding';
import { documentKind } from '../formats/recognise';
import { locate, keyOrValue, type SourceFile } from '../parse/source-file';
import { isRecord } from '../values';

export interface OutlineNode {
  name: string;
  detail: string;
  kind: 'plan' | 'stage' | 'gate' | 'flag-set' | 'flag' | 'scenario';
  /** The whole element. */
  range: Range;
  /** Where the element is named. */
  selectionRange: Range;
  children: OutlineNode[];
}

export function outline(file: SourceFile): OutlineNode[] {
  const nodes: OutlineNode[] = [];
  for (const doc of file.documents) {
    const value = doc.value;
    const kind = documentKind(value, file.path, file.declared);
    if (!isRecord(value) || (kind !== 'release-plan' && kind !== 'flag-set')) continue;
    const metadata = isRecord(value.metadata) ? value.metadata : {};
    if (kind === 'release-plan') {
      const stages = Array.isArray(value.stages) ? value.stages : [];
      const children: OutlineNode[] = [];
      stages.forEach((stage, index) => {
        if (!isRecord(stage)) return;
        const located = locate(file, doc, ['stages', index]);
        const gates = (Array.isArray(stage.gates) ? stage.gates : []).flatMap((gate, gateIndex) => {
          if (!isRecord(gate)) return [];
          const gateRange = locate(file, doc, ['stages', index, 'gates', gateIndex]).value;
          const bound = ['max', 'min', 'maxIncrease', 'minRatio']
            .filter((key) => key in gate)
            .map((key) => `${key} ${String(gate[key])}`)
            .join(', ');
          return [
            {
              name: String(gate.metric ?? 'gate'),
              detail: bound,
              kind: 'gate' as const,
              range: gateRange,
              selectionRange: locate(file, doc, ['stages', index, 'gates', gateIndex, 'metric']).value,
              children: [],
            },
          ];
        });
        const weight = typeof stage.weight === 'number' ? `${stage.weight}%${stage.cohort === 'internal' ? ' internal' : ''}` : '';
        children.push({
          name: String(stage.name ?? `stage ${index + 1}`),
          detail: [weight, typeof stage.duration === 'string' ? stage.duration : ''].filter(Boolean).join(', '),
          kind: 'stage',
          range: located.value,
          selectionRange: locate(file, doc, ['stages', index, 'name']).value,
          children: gates,
        });
      });
      if (isRecord(value.scenarios)) {
        for (const [name, scenario] of Object.entries(value.scenarios)) {
          const located = locate(file, doc, ['scenarios', name]);
          children.push({
            name,
            detail: isRecord(scenario) ? String(scenario.kind ?? '') : '',
            kind: 'scenario',
            range: spanning(located.key ?? located.value, located.value),
            selectionRange: keyOrValue(located),
            children: [],
          });
        }
      }
      nodes.push({
        name: String(metadata.name ?? 'release plan'),
        detail: `release plan${metadata.service ? ` for ${String(metadata.service)}` : ''}`,
        kind: 'plan',
        range: doc.range,
        selectionRange: locate(file, doc, ['metadata', 'name']).value,
        children,
      });
    } else {
      const flags = isRecord(value.flags) ? value.flags : {};
      const children = Object.entries(flags).map(([key, flag]) => {
        const located = locate(file, doc, ['flags', key]);
        const detail = isRecord(flag)
          ? [flag.type ?? 'release', flag.expires ? `expires ${String(flag.expires)}` : ''].filter(Boolean).join(', ')
          : '';
        return {
          name: key,
          detail,
          kind: 'flag' as const,
          range: spanning(located.key ?? located.value, located.value),
          selectionRange: keyOrValue(located),
          children: [],
        };
      });
      nodes.push({
        name: String(metadata.name ?? 'flags'),
        detail: `${children.length} flag${children.length === 1 ? '' : 's'}`,
        kind: 'flag-set',
        range: doc.range,
        selectionRange: locate(file, doc, ['flags']).key ?? doc.range,
        children,
      });
    }
  }
  return nodes;
}

function spanning(start: Range, end: Range): Range {
  return { start: start.start, end: end.end };
}
