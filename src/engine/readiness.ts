// The seed article's checklist, answered per plan from what the files say; with a metrics server's answer, items 1
// and 4 are measured against the recorded series too.

import { isRecord } from './values';
import type { WorkspaceFacts } from './model/facts';
import { daysBetween } from './model/dates';
import { hasBound, needsGates, stageViews } from './model/plan-view';
import { formatMinutes } from './model/units';
import { flagLabel, hasMeasurableSeries, labelNames, type LabelMeasurementState, type MissingLabel } from './calibrate/labels';

interface ReadinessItem {
  id: 'version-identifiable' | 'cohort-controllable' | 'automatic-stop' | 'flag-states-visible' | 'flag-cleanup-planned';
  question: string;
  ready: boolean;
  reason: string;
  /**
   * Items 1 and 4 of a plan with `metrics` queries: whether the answer was measured against the recorded series
   * (false: from the files only, and the reason says how to measure it).
   */
  measured?: boolean;
}

export interface Readiness {
  plan: string;
  items: ReadinessItem[];
  readyCount: number;
}

export function planReadiness(value: unknown, facts: WorkspaceFacts, today: string, labels?: LabelMeasurementState): Readiness {
  const plan = isRecord(value) ? value : {};
  const metadata = isRecord(plan.metadata) ? plan.metadata : {};
  const stages = stageViews(plan);
  const flags = Array.isArray(plan.flags) ? plan.flags.filter((flag): flag is string => typeof flag === 'string') : [];
  const items: ReadinessItem[] = [];

  const version = typeof metadata.version === 'string' && metadata.version.trim() !== '' ? metadata.version : undefined;
  const versionLabel = labelNames(plan).version;
  items.push(
    measuredItem(
      {
        id: 'version-identifiable',
        question: 'Can the deployed version be identified per unit of traffic?',
        ready: version !== undefined,
        reason: version
          ? `metadata.version is ${version}; label metrics and logs with it.`
          : 'metadata.version is not set, so metrics cannot be split by version.',
      },
      plan,
      labels,
      (missing) => missing.need.kind === 'version' || missing.need.kind === 'breakdown',
      `the "${versionLabel}" label${breakdownDimensions(plan).length > 0 ? ` and the breakdown labels (${breakdownDimensions(plan).join(', ')})` : ''}`,
    ),
  );

  const partial = stages.filter(needsGates);
  items.push({
    id: 'cohort-controllable',
    question: 'Can the canary cohort or traffic slice be controlled deliberately?',
    ready: partial.length > 0,
    reason:
      partial.length > 0
        ? `${partial.length} stage${partial.length === 1 ? ' exposes' : 's expose'} part of the traffic (${partial.map((stage) => (stage.internal ? `${stage.name}: internal` : `${stage.name}: ${stage.weight}%`)).join(', ')}).`
        : 'No stage exposes only part of the traffic.',
  });

  const rollback = isRecord(plan.rollback) ? plan.rollback : {};
  const ungated = partial.filter((stage) => !stage.gates.some(hasBound));
  const automatic = rollback.automatic === true;
  items.push({
    id: 'automatic-stop',
    question: 'Can rollout stop or rollback happen automatically at threshold breach?',
    ready: automatic && ungated.length === 0 && partial.length > 0,
    reason: !automatic
      ? 'rollback.automatic is not true.'
      : ungated.length > 0
        ? `Stage${ungated.length === 1 ? '' : 's'} ${ungated.map((stage) => `"${stage.name}"`).join(', ')} ha${ungated.length === 1 ? 's' : 've'} no gate with a bound.`
        : `Every exposed stage has gates, and a breach triggers ${String(rollback.action ?? 'rollback')} automatically.`,
  });

  const undefinedFlags = flags.filter((flag) => !facts.flags.has(flag));
  const flagsItem: ReadinessItem = {
    id: 'flag-states-visible',
    question: 'Are flag states visible in logs and metrics?',
    ready: undefinedFlags.length === 0,
    reason:
      flags.length === 0
        ? 'The plan exposes no flags.'
        : undefinedFlags.length > 0
          ? `Flag${undefinedFlags.length === 1 ? '' : 's'} ${undefinedFlags.join(', ')} ${undefinedFlags.length === 1 ? 'is' : 'are'} defined in no flag file, so nothing names ${undefinedFlags.length === 1 ? 'its' : 'their'} states.`
          : `The plan declares its ${flags.length} flag${flags.length === 1 ? '' : 's'}, each defined in a flag file: label metrics with their states.`,
  };
  // Without flags there is no label to look for.
  items.push(
    flags.length === 0
      ? flagsItem
      : measuredItem(
          flagsItem,
          plan,
          labels,
          (missing) => missing.need.kind === 'flag',
          `a label for each flag (${[...new Set(flags.map((flag) => flagLabel(labelNames(plan).flag, flag)))].join(', ')})`,
        ),
  );

  const uncleaned = flags.filter((flag) => {
    const definition = facts.flags.get(flag)?.[0];
    if (!definition) return true;
    if (definition.type === 'permission' || definition.type === 'kill-switch') return false;
    const days = definition.expires ? daysBetween(today, definition.expires) : undefined;
    return days === undefined || days < 0 || !(definition.owner ?? facts.defaultOwner(definition.file));
  });
  items.push({
    id: 'flag-cleanup-planned',
    question: 'Is flag cleanup included in release planning?',
    ready: uncleaned.length === 0,
    reason:
      uncleaned.length === 0
        ? flags.length === 0
          ? 'No flags to clean up.'
          : 'Every flag the plan exposes has an owner and a future expiry date.'
        : `Flag${uncleaned.length === 1 ? '' : 's'} ${uncleaned.join(', ')} lack${uncleaned.length === 1 ? 's' : ''} an owner or a future expiry date.`,
  });

  return {
    plan: typeof metadata.name === 'string' ? metadata.name : 'release plan',
    items,
    readyCount: items.filter((item) => item.ready).length,
  };
}

/**
 * An item answered from the files, completed by the measurement of the series when the plan has metrics queries: ready
 * only when no series lacks a label it counts (`counts`), and saying so; not measured, it says how to measure it.
 */
function measuredItem(
  item: ReadinessItem,
  plan: Record<string, unknown>,
  labels: LabelMeasurementState | undefined,
  counts: (missing: MissingLabel) => boolean,
  wanted: string,
): ReadinessItem {
  if (!hasMeasurableSeries(plan)) return item;
  if (!labels)
    return {
      ...item,
      measured: false,
      reason: `${item.reason} Not measured against the recorded series: \`stagegate check --readiness --metrics\` checks that they carry ${wanted}.`,
    };
  if (labels.state === 'failed') return { ...item, measured: false, reason: `${item.reason} Not measured: ${labels.reason}` };
  const { measurement } = labels;
  const missing = measurement.missing.filter(counts);
  const since = `in the ${formatMinutes(measurement.lookbackMinutes)} before ${new Date(measurement.time * 1000).toISOString().replace(/:\d\d\.\d{3}Z$/, 'Z')}`;
  if (missing.length === 0)
    return {
      ...item,
      measured: true,
      reason: `${item.reason} Measured: the series of ${measurement.series.map((one) => `${one.selector} (${one.count})`).join(' and ')} ${since} carry ${wanted}.`,
    };
  const lacking = missing.map((one) => `${one.without} of ${one.total} series of ${one.check.selector} carry no "${one.need.label}" label`);
  return { ...item, measured: true, ready: false, reason: `${item.reason} Measured ${since}: ${lacking.join('; ')}.` };
}

function breakdownDimensions(plan: Record<string, unknown>): string[] {
  return [...new Set(stageViews(plan).flatMap((stage) => stage.breakdown))];
}
