// Hover text (Markdown) for a position in a plan or flag file: the schema's description for keys,
// a flag's owner, type and days to expiry, a gate's statistical power.

import type { WorkspaceFacts } from '../model/facts';
import { documentKind } from '../formats/recognise';
import { pathAt } from '../parse/path-at';
import { describePath } from '../schema/describe';
import type { SourceFile } from '../parse/source-file';
import { isRecord } from '../values';
import { daysBetween } from '../model/dates';
import { baselineView, formatCount, formatPercent, planSchedule, stageViews, trafficView } from '../model/plan-view';
import { gateStatistics } from '../stats/gate-power';
import { describeCells, describeGaugeSpread, describeProfile, describeExposure, describeValue } from '../stats/gate-text';
import { formatMinutes } from '../model/units';

export function hoverAt(file: SourceFile, offset: number, facts: WorkspaceFacts, today: string, targetPower = 0.8): string | undefined {
  const at = pathAt(file, offset);
  if (!at) return undefined;
  const kind = documentKind(at.doc.value, file.path, file.declared);
  if ((kind !== 'release-plan' && kind !== 'flag-set') || !isRecord(at.doc.value)) return undefined;
  const value = at.doc.value;
  const { path } = at;

  // A flag key in a flag set, or a flag named in a plan's `flags:` list.
  const flagKey =
    kind === 'flag-set' && path[0] === 'flags' && path.length === 2 && at.onKey
      ? String(path[1])
      : kind === 'release-plan' && path[0] === 'flags' && path.length === 2
        ? (value.flags as unknown[])[path[1] as number]
        : undefined;
  if (typeof flagKey === 'string') return flagHover(flagKey, facts, today);

  // A gate: its power at this stage's traffic.
  if (
    kind === 'release-plan' &&
    path[0] === 'stages' &&
    path[2] === 'gates' &&
    typeof path[3] === 'number' &&
    (!at.onKey || (path.length === 5 && path[4] === 'metric'))
  ) {
    const stage = stageViews(value).find((candidate) => candidate.index === path[1]);
    const gate = stage?.gates.find((candidate) => candidate.index === path[3]);
    if (stage && gate) {
      const stats = gateStatistics(gate, stage, trafficView(value), baselineView(value), targetPower, planSchedule(value));
      if (stats) {
        const lines = [
          `**Gate on \`${gate.metric}\`** in stage \`${stage.name}\``,
          '',
          `Catches ${stats.regressionLabel}${stats.metric === 'latencyP95Ms' ? '' : ` (${describeValue(stats, stats.healthy)} → ${describeValue(stats, stats.regressed)})`} with **${formatPercent(stats.detectionProbability)}** probability per ${formatMinutes(stats.windowMinutes)} window ${describeExposure(stage, value)}${describeCells(stats)}${describeProfile(stats)}${describeGaugeSpread(stats, gate.metric ?? '')}.`,
          '',
          `- about ${formatCount(stats.requestsPerWindow)} new-version requests per window, ${stats.evaluations} evaluation${stats.evaluations === 1 ? '' : 's'} in the stage`,
          `- bound: ${describeValue(stats, stats.threshold)}; healthy: ${describeValue(stats, stats.healthy)}`,
          `- a healthy release fails it with probability ${formatPercent(stats.falseRollbackPerStage)} over the stage`,
        ];
        return lines.join('\n');
      }
    }
  }

  if (!at.onKey) return undefined;
  const doc = describePath(kind, path);
  if (!doc) return undefined;
  const extra: string[] = [];
  if (doc.allowed) extra.push(`Allowed: ${doc.allowed.map((item) => `\`${String(item)}\``).join(', ')}`);
  if (doc.defaultValue !== undefined) extra.push(`Default: \`${JSON.stringify(doc.defaultValue)}\``);
  if (doc.example !== undefined && typeof doc.example !== 'object') extra.push(`Example: \`${JSON.stringify(doc.example)}\``);
  return [`**${String(path[path.length - 1])}**`, '', doc.description, ...(extra.length ? ['', extra.join(' · ')] : [])].join('\n');
}

function withDefault(owner: string | undefined): string {
  return owner ? `${owner} (\`flags.defaultOwner\` in .stagegate.yaml)` : '**none**';
}

function flagHover(key: string, facts: WorkspaceFacts, today: string): string {
  const definition = facts.flags.get(key)?.[0];
  if (!definition) return `**Flag \`${key}\`**\n\nDefined in no flag file of the workspace.`;
  const days = definition.expires ? daysBetween(today, definition.expires) : undefined;
  const expiry =
    definition.expires === undefined
      ? 'no expiry date'
      : days === undefined
        ? `expires ${definition.expires}`
        : days < 0
          ? `**expired** ${-days} days ago (${definition.expires})`
          : `expires in ${days} day${days === 1 ? '' : 's'} (${definition.expires})`;
  const variants = definition.variants ? Object.keys(definition.variants).join(', ') : 'true, false';
  return [
    `**Flag \`${key}\`** (${definition.type ?? 'release'})`,
    '',
    `- owner: ${definition.owner ?? withDefault(facts.defaultOwner(definition.file))}`,
    `- ${expiry}`,
    `- variants: ${variants}; default: \`${JSON.stringify(definition.default)}\``,
  ].join('\n');
}
