// Draws a simulation report (the SimulationReport JSON) into a container: the run's verdict and blast radius, the
// new version's traffic share over time, each gate's observations against its bounds, the blast radius per segment
// and the scenario matrix; or a backtest (renderBacktestReport). Shared by the self-contained HTML report and the extension's webview; it takes chart.js
// from the page (its UMD build sets `window.Chart`) or from the caller, and builds the DOM with textContent only.

import type { Chart as ChartJs, ChartConfiguration, ChartDataset, Plugin, ScaleOptions } from 'chart.js';
import type { GateEvaluation, PlanOutline, SimulationReport, SimulationResult } from '../src/engine/simulate/result';
import type { BacktestReport } from '../src/engine/backtest/replay';
import { durationMinutes, formatMinutes } from '../src/engine/model/units';
import { count, describeRun, formatNote, NOT_GATED, number, percent, planWarnings } from '../src/report/text';

type ChartConstructor = typeof ChartJs;

export interface RenderOptions {
  /** chart.js's Chart; defaults to the page's `window.Chart`. */
  Chart?: ChartConstructor;
}

export interface RenderedReport {
  charts: ChartJs[];
  destroy(): void;
}

interface Palette {
  background: string;
  fg: string;
  muted: string;
  grid: string;
  canary: string;
  baseline: string;
  bound: string;
  worst: string;
  failed: string;
  detect: string;
  restore: string;
  failure: string;
  stage: string;
  notCaught: string;
  series: string[];
}

/** Vertical markers shared by the time charts: stage starts, failure window, detection, restore. */
interface TimeMarkers {
  stages: { minute: number; name: string }[];
  failureSpans: [number, number][];
  detection: { minute: number; label: string } | null;
  restored: number | null;
  endMinute: number;
}

export function renderReport(container: HTMLElement, report: SimulationReport, options: RenderOptions = {}): RenderedReport {
  const { palette, draw, rendered } = startReport(container, options);

  const run = report.run;
  const markers = timeMarkers(run);
  renderHeading(container, report);

  section(container, 'Traffic on the new version');
  legend(
    container,
    'Share of all traffic served by the new version; vertical lines mark stage starts, the detection and the moment traffic was restored; the shaded span is the failure.',
  );
  draw(container, timelineChart(run, markers, palette));

  const metrics = [...new Set(run.evaluations.map((evaluation) => evaluation.metric))];
  if (metrics.length > 0) {
    section(container, 'Gates');
    legend(
      container,
      'At each evaluation: the new version on all traffic, the breakdown value closest to its bound, the current version it was compared with, and the bound. Red points failed; the red dashed line is the detection, the orange line the restore.',
    );
    for (const metric of metrics) {
      element(container, 'h3', undefined, metric);
      draw(
        container,
        gateChart(
          run.evaluations.filter((evaluation) => evaluation.metric === metric),
          report.plan,
          markers,
          palette,
        ),
        'sg-small',
      );
    }
  }

  section(container, 'Blast radius per segment');
  const segments = run.blastRadius.bySegment;
  if (run.blastRadius.exposedRequests > 0) draw(container, blastRadiusChart(run, palette), segments.length > 6 ? 'sg-tall' : '');
  else element(container, 'p', 'sg-note', 'No request reached the failing new version.');
  table(
    container,
    ['segment', 'exposed requests', 'failed requests', 'users', 'peak share'],
    segments.map((segment) => [
      segment.segment,
      count(segment.exposedRequests),
      count(segment.failedRequests),
      segment.users === null ? '–' : count(Math.round(segment.users)),
      percent(segment.peakTrafficShare),
    ]),
    [1, 2, 3, 4],
  );

  if (report.summary) {
    const summary = report.summary;
    section(container, `${summary.scenario} over ${count(summary.runs)} runs`);
    figures(container, [
      [summary.gated ? percent(summary.detectionRate) : NOT_GATED, summary.newVersionAtFault ? 'caught' : 'false rollbacks'],
      [summary.meanDetectionMinute === null ? '–' : `minute ${number(summary.meanDetectionMinute)}`, 'mean detection'],
      [count(summary.blastRadius.failedRequests.p50), 'failed requests, median'],
      [count(summary.blastRadius.failedRequests.p95), 'failed requests, p95'],
      [count(summary.blastRadius.exposedRequests.p95), 'exposed requests, p95'],
    ]);
  }

  if (report.matrix) {
    const matrix = report.matrix;
    section(container, 'Scenario matrix');
    legend(
      container,
      `Each scenario over ${count(matrix.runs)} runs (seeds ${matrix.seed}–${matrix.seed + matrix.runs - 1}): where the plan stopped it, and at what cost. Where the new version is not at fault (healthy, a dependency failing for both versions), every stop is a false rollback.`,
    );
    draw(container, matrixChart(report, palette), matrix.scenarios.length > 5 ? 'sg-tall' : '');
    // Without a modelled gate a rate of 0 would read as gates that missed.
    const rate = (value: number) => (matrix.gated ? percent(value) : NOT_GATED);
    table(
      container,
      ['scenario', 'what fails', 'caught', 'false rollbacks', 'where', 'by metric', 'mean minute', 'failed p50 / p95 / max', 'exposed p95'],
      matrix.scenarios.map((summary) => [
        summary.scenario,
        summary.description,
        summary.newVersionAtFault ? rate(summary.detectionRate) : '–',
        summary.newVersionAtFault ? '–' : rate(summary.detectionRate),
        Object.entries(summary.detectionByStage)
          .filter(([, rate]) => rate > 0)
          .map(([stage, rate]) => `${stage} ${percent(rate)}`)
          .join(', ') || '–',
        Object.entries(summary.detectionByMetric)
          .filter(([, rate]) => rate > 0)
          .map(([metric, rate]) => `${metric} ${percent(rate)}`)
          .join(', ') || '–',
        summary.meanDetectionMinute === null ? '–' : number(summary.meanDetectionMinute),
        `${count(summary.blastRadius.failedRequests.p50)} / ${count(summary.blastRadius.failedRequests.p95)} / ${count(summary.blastRadius.failedRequests.max)}`,
        count(summary.blastRadius.exposedRequests.p95),
      ]),
      [2, 3, 6, 7, 8],
    ).classList.add('sg-matrix');
  }

  if (run.notes.length > 0) {
    section(container, 'Notes');
    legend(container, 'What the simulation assumed, what it could not model as a gate, and the errors of the file, where each is.');
    const list = element(container, 'ul', 'sg-notes');
    for (const note of run.notes) element(list, 'li', note.severity === 'error' ? 'sg-note-error' : undefined, formatNote(note));
  }
  element(
    container,
    'p',
    'sg-note',
    `Seed ${run.seed} · ${run.stepMinutes >= 1 ? `${number(run.stepMinutes)}-minute` : `${Math.round(run.stepMinutes * 60)}-second`} steps · strategy ${report.plan.strategy}.`,
  );
  return rendered();
}

/**
 * What every report starts from: the emptied container, the theme's palette, a `draw` that adds a chart styled
 * like the others, and `rendered`, which marks the container drawn and hands back its charts.
 */
function startReport(
  container: HTMLElement,
  options: RenderOptions,
): { palette: Palette; draw: (parent: HTMLElement, config: ChartConfiguration, size?: string) => void; rendered: () => RenderedReport } {
  const Chart = options.Chart ?? (globalThis as unknown as { Chart?: ChartConstructor }).Chart;
  if (!Chart) throw new Error('chart.js is not loaded: include its UMD build before the report, or pass options.Chart.');
  container.replaceChildren();
  container.classList.add('sg-report');
  const palette = readPalette(container);
  const fontFamily = getComputedStyle(container).fontFamily;
  const charts: ChartJs[] = [];
  const draw = (parent: HTMLElement, config: ChartConfiguration, size = '') => {
    const holder = element(parent, 'div', `sg-chart ${size}`.trim());
    const canvas = element(holder, 'canvas');
    // Per chart, not Chart.defaults: the page (a webview) may hold other charts.
    config.options = {
      color: palette.muted,
      borderColor: palette.grid,
      font: { family: fontFamily },
      ...config.options,
    } as ChartConfiguration['options'];
    charts.push(new Chart(canvas, config));
  };
  const rendered = (): RenderedReport => {
    container.setAttribute('data-rendered', 'true');
    return {
      charts,
      destroy: () => {
        for (const chart of charts) chart.destroy();
        container.removeAttribute('data-rendered');
      },
    };
  };
  return { palette, draw, rendered };
}

function renderHeading(container: HTMLElement, report: SimulationReport): void {
  const run = report.run;
  // First, above the title: a plan nothing can stop, or a file replayed despite its errors.
  for (const warning of planWarnings(run)) element(container, 'p', 'sg-warning', warning);
  element(container, 'h1', undefined, `${report.plan.name} · ${run.scenario}`);
  element(container, 'p', 'sg-subtitle', `${report.plan.service} · ${run.description}`);
  // Not stopping is a miss only when the new version is at fault; stopping is right only then.
  const verdictClass = !run.detection
    ? run.newVersionAtFault
      ? 'sg-verdict sg-missed'
      : 'sg-verdict'
    : run.newVersionAtFault
      ? 'sg-verdict'
      : 'sg-verdict sg-stopped';
  element(container, 'div', verdictClass, describeRun(run));
  const radius = run.blastRadius;
  figures(container, [
    [count(radius.exposedRequests), 'requests exposed'],
    [count(radius.failedRequests), 'requests failed'],
    [radius.users === null ? '–' : count(Math.round(radius.users)), 'users exposed'],
    [percent(radius.peakTrafficShare), 'peak share of traffic'],
    [run.detection ? `minute ${number(run.detection.minute)}` : 'never', 'detected'],
    [run.stop ? `minute ${number(run.stop.restoredMinute)}` : '–', 'traffic restored'],
  ]);
}

function timelineChart(run: SimulationResult, markers: TimeMarkers, palette: Palette): ChartConfiguration {
  const share = run.timeline.map((step) => ({ x: step.minute, y: step.share * 100 }));
  const last = run.timeline[run.timeline.length - 1];
  if (last) share.push({ x: markers.endMinute, y: run.stop ? 0 : last.share * 100 });
  const datasets: ChartDataset<'line', { x: number; y: number }[]>[] = [
    {
      label: 'new-version share of traffic (%)',
      data: share,
      borderColor: palette.canary,
      backgroundColor: palette.canary,
      stepped: 'after',
      pointRadius: 0,
      borderWidth: 2,
      yAxisID: 'y',
    },
  ];
  if (run.timeline.some((step) => step.failedRequests > 0)) {
    datasets.push({
      label: 'failed requests per step',
      data: run.timeline.map((step) => ({ x: step.minute, y: step.failedRequests })),
      borderColor: withAlpha(palette.failed, 0.55),
      backgroundColor: withAlpha(palette.failed, 0.55),
      pointRadius: 0,
      borderWidth: 1,
      yAxisID: 'y1',
    });
  }
  const peak = Math.max(...share.map((point) => point.y), 0);
  const scales: Record<string, ScaleOptions> = {
    x: timeAxis(markers),
    y: {
      type: 'linear',
      min: 0,
      max: niceCeiling(Math.max(peak * 1.15, 1)),
      title: { display: true, text: '% of traffic' },
      grid: { color: palette.grid },
    } as ScaleOptions,
  };
  if (datasets.length > 1)
    scales.y1 = {
      type: 'linear',
      position: 'right',
      min: 0,
      title: { display: true, text: 'failed per step' },
      grid: { display: false },
    } as ScaleOptions;
  return {
    type: 'line',
    data: { datasets } as ChartConfiguration['data'],
    options: baseOptions(scales),
    plugins: [markerPlugin(markers, palette)],
  } as ChartConfiguration;
}

function gateChart(evaluations: GateEvaluation[], plan: PlanOutline, markers: TimeMarkers, palette: Palette): ChartConfiguration {
  const latency = evaluations[0]?.metric === 'latencyP95Ms';
  // A gauge is in its own unit; rates are shown as percentages.
  const gauge = evaluations[0]?.metric.startsWith('gauge:') ?? false;
  const scale = latency || gauge ? 1 : 100;
  type Point = { x: number; y: number | null };
  // One line per stage: a gap between stages, whose bounds differ.
  const series = (pick: (evaluation: GateEvaluation) => number | null): Point[] => {
    const points: Point[] = [];
    let stage = -1;
    for (const evaluation of evaluations) {
      if (stage !== -1 && evaluation.stageIndex !== stage)
        points.push({ x: plan.stages[evaluation.stageIndex]?.start ?? evaluation.minute, y: null });
      stage = evaluation.stageIndex;
      const value = pick(evaluation);
      points.push({ x: evaluation.minute, y: value === null ? null : value * scale });
    }
    return points;
  };
  const verdictColor = (verdict: string, normal: string) =>
    verdict === 'fail' ? palette.detect : verdict === 'inconclusive' ? palette.muted : normal;
  const datasets: ChartDataset<'line', Point[]>[] = [
    {
      label: 'new version, all traffic',
      data: series((evaluation) => evaluation.all.canary),
      borderColor: palette.canary,
      backgroundColor: palette.canary,
      pointBackgroundColor: evaluations.map((evaluation) => verdictColor(evaluation.all.verdict, palette.canary)),
      pointRadius: 3,
      borderWidth: 2,
    },
  ];
  if (evaluations.some((evaluation) => evaluation.worst)) {
    datasets.push({
      label: 'new version, breakdown value nearest its bound',
      data: series((evaluation) => evaluation.worst?.canary ?? null),
      borderColor: palette.worst,
      backgroundColor: palette.worst,
      borderDash: [4, 3],
      pointRadius: 2,
      borderWidth: 1.5,
    });
  }
  if (evaluations.some((evaluation) => evaluation.all.baseline !== null)) {
    datasets.push({
      label: 'current version (reference)',
      data: series((evaluation) => evaluation.all.baseline),
      borderColor: palette.baseline,
      backgroundColor: palette.baseline,
      pointRadius: 1.5,
      borderWidth: 1.5,
    });
  }
  for (const [key, label] of [
    ['upper', 'upper bound'],
    ['lower', 'lower bound'],
  ] as const) {
    if (evaluations.some((evaluation) => evaluation.all[key] !== null)) {
      // Stepped back to the window's start: a bound holds over the window it judged. A short dash marks each
      // evaluation, so a stage judged once still shows its bound.
      datasets.push({
        label,
        data: series((evaluation) => evaluation.all[key]),
        borderColor: palette.bound,
        backgroundColor: palette.bound,
        borderDash: [6, 4],
        pointStyle: 'line',
        pointRadius: 6,
        pointBorderWidth: 2,
        borderWidth: 1.5,
        stepped: 'before',
      });
    }
  }
  const axisTitle = latency
    ? 'p95 latency (ms)'
    : gauge
      ? evaluations[0].metric
      : evaluations[0]?.metric.startsWith('kpi:')
        ? 'success rate (%)'
        : 'error rate (%)';
  return {
    type: 'line',
    data: { datasets } as ChartConfiguration['data'],
    options: baseOptions({
      x: timeAxis(markers),
      y: { type: 'linear', title: { display: true, text: axisTitle }, grid: { color: palette.grid } } as ScaleOptions,
    }),
    plugins: [markerPlugin(markers, palette, false)],
  } as ChartConfiguration;
}

function blastRadiusChart(run: SimulationResult, palette: Palette): ChartConfiguration {
  const segments = run.blastRadius.bySegment;
  return {
    type: 'bar',
    data: {
      labels: segments.map((segment) => segment.segment),
      datasets: [
        {
          label: 'exposed requests',
          data: segments.map((segment) => segment.exposedRequests),
          backgroundColor: palette.canary,
          xAxisID: 'x',
        },
        {
          label: 'failed requests',
          data: segments.map((segment) => segment.failedRequests),
          backgroundColor: palette.failed,
          xAxisID: 'x1',
        },
      ],
    },
    options: {
      ...baseOptions({
        x: {
          type: 'linear',
          position: 'bottom',
          min: 0,
          title: { display: true, text: 'exposed requests' },
          grid: { color: palette.grid },
        } as ScaleOptions,
        x1: {
          type: 'linear',
          position: 'top',
          min: 0,
          title: { display: true, text: 'failed requests' },
          grid: { display: false },
        } as ScaleOptions,
        y: { type: 'category' } as ScaleOptions,
      }),
      indexAxis: 'y',
    },
  } as ChartConfiguration;
}

function matrixChart(report: SimulationReport, palette: Palette): ChartConfiguration {
  const matrix = report.matrix!;
  const stageNames = report.plan.stages.map((stage) => stage.name);
  const datasets = stageNames.map((stage, index) => ({
    label: `stopped in ${stage}`,
    data: matrix.scenarios.map((summary) => (summary.detectionByStage[stage] ?? 0) * 100),
    backgroundColor: palette.series[index % palette.series.length],
  }));
  datasets.push({
    label: matrix.gated ? 'not stopped' : `${NOT_GATED}: no modelled gate`,
    data: matrix.scenarios.map((summary) => (1 - summary.detectionRate) * 100),
    backgroundColor: palette.notCaught,
  });
  return {
    type: 'bar',
    data: { labels: matrix.scenarios.map((summary) => summary.scenario), datasets },
    options: {
      ...baseOptions({
        x: {
          type: 'linear',
          stacked: true,
          min: 0,
          max: 100,
          title: { display: true, text: '% of runs' },
          grid: { color: palette.grid },
        } as ScaleOptions,
        y: { type: 'category', stacked: true } as ScaleOptions,
      }),
      indexAxis: 'y',
    },
  } as ChartConfiguration;
}

function baseOptions(scales: Record<string, ScaleOptions>): ChartConfiguration['options'] {
  return {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    interaction: { mode: 'nearest', intersect: false },
    plugins: { legend: { position: 'bottom', labels: { boxWidth: 12, boxHeight: 12 } } },
    scales,
  } as ChartConfiguration['options'];
}

function timeAxis(markers: TimeMarkers): ScaleOptions {
  return {
    type: 'linear',
    min: 0,
    // A little room on the right, so the last evaluation is not drawn on the frame.
    max: markers.endMinute * 1.02,
    title: { display: true, text: 'rollout time' },
    ticks: {
      callback: (value: number | string) => (Number(value) === 0 ? '0' : formatMinutes(Number(value))),
      maxTicksLimit: 12,
      includeBounds: false,
    },
  } as ScaleOptions;
}

function timeMarkers(run: SimulationResult): TimeMarkers {
  const failureSpans: [number, number][] = [];
  let start: number | null = null;
  for (const step of run.timeline) {
    if (step.failureActive && start === null) start = step.minute;
    if (!step.failureActive && start !== null) {
      failureSpans.push([start, step.minute]);
      start = null;
    }
  }
  if (start !== null) failureSpans.push([start, run.endMinute]);
  return {
    stages: run.stages.flatMap((stage) => (stage.start === null ? [] : [{ minute: stage.start, name: stage.name }])),
    failureSpans,
    detection: run.detection
      ? {
          minute: run.detection.minute,
          label: `detected: ${run.detection.gate}${run.detection.segment ? ` (${run.detection.segment})` : ''}`,
        }
      : null,
    restored: run.stop ? run.stop.restoredMinute : null,
    endMinute: Math.max(run.endMinute, run.stepMinutes),
  };
}

/**
 * Draws the stage starts, the failure's span, the detection and the restore on a chart with a minute x axis.
 * Only the timeline labels the detection and the restore; on gate charts a label would hide the point that tripped.
 */
function markerPlugin(markers: TimeMarkers, palette: Palette, labelEvents = true): Plugin {
  return {
    id: 'stagegateMarkers',
    beforeDatasetsDraw(chart) {
      const { ctx, chartArea } = chart;
      const x = chart.scales.x;
      ctx.save();
      ctx.fillStyle = palette.failure;
      for (const [from, to] of markers.failureSpans) {
        const left = Math.max(chartArea.left, x.getPixelForValue(from));
        const right = Math.min(chartArea.right, x.getPixelForValue(to));
        if (right > left) ctx.fillRect(left, chartArea.top, right - left, chartArea.bottom - chartArea.top);
      }
      ctx.restore();
    },
    afterDatasetsDraw(chart) {
      const { ctx, chartArea } = chart;
      const x = chart.scales.x;
      const line = (minute: number, color: string, dash: number[], label: string, row: number, side: 'left' | 'right' = 'right') => {
        const px = x.getPixelForValue(minute);
        if (px < chartArea.left - 0.5 || px > chartArea.right + 0.5) return;
        ctx.save();
        ctx.strokeStyle = color;
        ctx.setLineDash(dash);
        ctx.lineWidth = 1.5;
        ctx.beginPath();
        ctx.moveTo(px, chartArea.top);
        ctx.lineTo(px, chartArea.bottom);
        ctx.stroke();
        if (label) {
          ctx.setLineDash([]);
          ctx.fillStyle = color;
          ctx.font = `11px ${getComputedStyle(chart.canvas).fontFamily || 'sans-serif'}`;
          const width = ctx.measureText(label).width;
          const fitsRight = px + 4 + width <= chartArea.right;
          const fitsLeft = px - 4 - width >= chartArea.left;
          const textX = (side === 'right' && fitsRight) || !fitsLeft ? px + 4 : px - 4 - width;
          const textY = chartArea.top + 12 + row * 14;
          // A backing the colour of the page keeps the label legible over the lines it crosses.
          ctx.fillStyle = palette.background;
          ctx.globalAlpha = 0.85;
          ctx.fillRect(textX - 2, textY - 10, width + 4, 13);
          ctx.globalAlpha = 1;
          ctx.fillStyle = color;
          ctx.fillText(label, textX, textY);
        }
        ctx.restore();
      };
      markers.stages.forEach((stage, index) => line(stage.minute, palette.stage, [2, 3], stage.name, index % 2));
      if (markers.detection) line(markers.detection.minute, palette.detect, [6, 3], labelEvents ? markers.detection.label : '', 1, 'left');
      if (markers.restored !== null) line(markers.restored, palette.restore, [], labelEvents ? 'traffic restored' : '', 2, 'right');
    },
  };
}

function readPalette(container: HTMLElement): Palette {
  const style = getComputedStyle(container);
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  const series = read('--sg-series', '#0969da, #8250df, #bf3989, #bc4c00, #4d2d00, #1a7f37')
    .split(',')
    .map((color) => color.trim())
    .filter(Boolean);
  return {
    background: read('--sg-bg', '#ffffff'),
    fg: read('--sg-fg', '#1f2328'),
    muted: read('--sg-muted', '#59636e'),
    grid: read('--sg-grid', '#d8dee4'),
    canary: read('--sg-canary', '#0969da'),
    baseline: read('--sg-baseline', '#1a7f37'),
    bound: read('--sg-bound', '#cf222e'),
    worst: read('--sg-worst', '#8250df'),
    failed: read('--sg-failed', '#cf222e'),
    detect: read('--sg-detect', '#cf222e'),
    restore: read('--sg-restore', '#bc4c00'),
    failure: read('--sg-failure', 'rgba(207, 34, 46, 0.08)'),
    stage: read('--sg-stage', '#8c959f'),
    notCaught: read('--sg-not-caught', '#d0d7de'),
    series,
  };
}

/** The next of 1, 2, 2.5, 5 × 10^k at or above the value: a clean axis maximum. */
function niceCeiling(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= value) return Math.min(100, step * power);
  return Math.min(100, 10 * power);
}

/** A hex colour with transparency; other colour syntaxes are returned unchanged. */
function withAlpha(color: string, alpha: number): string {
  const match = /^#([0-9a-f]{6})$/i.exec(color);
  if (!match) return color;
  const value = parseInt(match[1], 16);
  return `rgba(${(value >> 16) & 255}, ${(value >> 8) & 255}, ${value & 255}, ${alpha})`;
}

function element<K extends keyof HTMLElementTagNameMap>(
  parent: HTMLElement,
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = parent.ownerDocument.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  parent.appendChild(node);
  return node;
}

function section(parent: HTMLElement, title: string): void {
  element(parent, 'h2', undefined, title);
}

function legend(parent: HTMLElement, text: string): void {
  element(parent, 'p', 'sg-legend', text);
}

function figures(parent: HTMLElement, items: [string, string][]): void {
  const grid = element(parent, 'div', 'sg-figures');
  for (const [value, label] of items) {
    const figure = element(grid, 'div', 'sg-figure');
    element(figure, 'div', 'sg-value', value);
    element(figure, 'div', 'sg-label', label);
  }
}

function table(parent: HTMLElement, header: string[], rows: string[][], numericColumns: number[]): HTMLTableElement {
  const node = element(parent, 'table') as HTMLTableElement;
  const head = element(element(node, 'thead'), 'tr');
  header.forEach((title, i) => element(head, 'th', numericColumns.includes(i) ? 'sg-number' : undefined, title));
  const body = element(node, 'tbody');
  for (const row of rows) {
    const tr = element(body, 'tr');
    row.forEach((cell, i) => element(tr, 'td', numericColumns.includes(i) ? 'sg-number' : undefined, cell));
  }
  return node;
}

/** Where a replayed start ended: promoted, stopped outside incidents (a false rollback) or stopped in one. */
type StartOutcome = { kind: 'promoted' } | { kind: 'false'; stage: string } | { kind: 'incident'; stage: string };

/**
 * Draws a backtest (the BacktestReport JSON of `stagegate backtest`) in the simulation report's style: the false-rollback
 * rate, a timeline of every replayed start, the rate per gate as a matrix, the incidents and the stopped rollouts.
 */
export function renderBacktestReport(container: HTMLElement, report: BacktestReport, options: RenderOptions = {}): RenderedReport {
  const { palette, draw, rendered } = startReport(container, options);

  const falseStops = report.trips.filter((trip) => trip.incident === undefined);
  const incidentStops = report.trips.length - falseStops.length;
  const caught = report.incidents.filter((incident) => incident.caught).length;
  element(container, 'h1', undefined, `${report.plan.name} · backtest`);
  const source = Object.values(report.source).join(', ');
  element(
    container,
    'p',
    'sg-subtitle',
    `${report.plan.service} · recorded history from ${report.window.from} to ${report.window.to}${source ? ` (${source})` : ''}: a rollout starting every ${report.every}, judged on ${report.evaluationWindow} windows.`,
  );
  element(
    container,
    'div',
    falseStops.length > 0 ? 'sg-verdict sg-stopped' : 'sg-verdict',
    report.replays === 0
      ? 'No rollout fits in the recorded history: nothing was replayed.'
      : `${count(falseStops.length)} of ${count(report.replays)} rollouts of a good release would have been stopped outside incidents (${percent(report.falseRollbackRate)}): the history holds no bad release, so each is a false rollback.`,
  );
  figures(container, [
    [percent(report.falseRollbackRate), 'false rollbacks'],
    [count(report.replays), 'rollouts replayed'],
    [count(falseStops.length), 'stopped outside incidents'],
    [count(incidentStops), 'stopped during incidents'],
    [report.incidents.length === 0 ? '–' : `${caught} of ${report.incidents.length}`, 'incidents caught'],
  ]);

  section(container, 'Rollout starts');
  legend(
    container,
    'Each replayed start, in time order: promoted, stopped by a gate outside any incident (a false rollback, coloured by the stage that stopped it), or stopped during an incident of the service.',
  );
  if (report.replays > 0) draw(container, startsChart(report, palette));
  else element(container, 'p', 'sg-note', 'No start was replayed.');

  section(container, 'False rollbacks per gate');
  legend(container, 'Share of all starts each gate stopped outside incidents; "any gate" is the false-rollback rate of the plan.');
  if (report.byGate.length > 0) draw(container, byGateChart(report, palette), report.byGate.length > 5 ? 'sg-tall' : 'sg-small');
  table(
    container,
    ['stage', 'gate', 'false rollbacks', 'rate'],
    [
      ...report.byGate.map((entry) => [entry.stage, entry.gate, count(entry.trips), percent(entry.rate)]),
      ['any gate', '', count(falseStops.length), percent(report.falseRollbackRate)],
    ],
    [2, 3],
  ).classList.add('sg-matrix', 'sg-by-gate');

  section(container, 'Incidents');
  legend(
    container,
    'Windows where the recorded service broke, found by the incident rule (on which signal and traffic) or given. For each, a rollout starting with it, its canary carrying what the service did then: whether a gate caught it, where, how soon, and how many of its requests failed.',
  );
  if (report.incidents.length === 0) element(container, 'p', 'sg-note', 'No incident in this history.');
  else
    table(
      container,
      ['from', 'to', 'origin', 'caught', 'stage', 'gate', 'segment', 'minute', 'failed requests'],
      report.incidents.map((incident) => [
        incident.from,
        incident.to,
        incident.origin === 'found' ? `found: ${incident.signals.join(' and ')} on ${incident.segments.join(', ')}` : 'given',
        incident.caught ? 'caught' : 'missed',
        incident.stage ?? '–',
        incident.gate ?? '–',
        incident.segment ?? '–',
        incident.minute === null ? '–' : number(incident.minute),
        count(incident.failedRequests),
      ]),
      [7, 8],
    ).classList.add('sg-incidents');

  if (report.trips.length > 0) {
    section(container, 'Stopped rollouts');
    legend(
      container,
      'Each stop: the window that tripped, the new version against its bound on the segment that failed, and its requests.',
    );
    table(
      container,
      ['start', 'stage', 'gate', 'segment', 'window', 'new version', 'bound', 'requests', 'incident'],
      report.trips.map((trip) => [
        trip.start,
        trip.stage,
        trip.gate,
        trip.segment,
        `${trip.from} – ${trip.to}`,
        trip.verdict === 'inconclusive' ? 'inconclusive' : trip.canary === null ? '–' : number(trip.canary),
        trip.upper !== null ? `≤ ${number(trip.upper)}` : trip.lower !== null ? `≥ ${number(trip.lower)}` : '–',
        count(trip.samples),
        trip.incident ?? '–',
      ]),
      [5, 6, 7],
    ).classList.add('sg-trips');
  }

  if (report.notes.length > 0) {
    section(container, 'Notes');
    const list = element(container, 'ul', 'sg-notes');
    for (const note of report.notes) element(list, 'li', undefined, note);
  }
  element(container, 'p', 'sg-note', `Seed ${report.seed} · ${report.evaluationWindow} windows · a start every ${report.every}.`);
  return rendered();
}

/** Every replayed start and where it ended: the starts follow `firstStart` every `every`. */
function startOutcomes(report: BacktestReport): { start: string; outcome: StartOutcome }[] {
  if (report.firstStart === null || report.replays === 0) return [];
  const everyMs = (durationMinutes(report.every) ?? 60) * 60_000;
  const first = Date.parse(report.firstStart);
  const stops = new Map(report.trips.map((trip) => [Date.parse(trip.start), trip]));
  return Array.from({ length: report.replays }, (_, index) => {
    const at = first + index * everyMs;
    const trip = stops.get(at);
    const outcome: StartOutcome = !trip
      ? { kind: 'promoted' }
      : trip.incident === undefined
        ? { kind: 'false', stage: trip.stage }
        : { kind: 'incident', stage: trip.stage };
    return { start: new Date(at).toISOString().slice(5, 16).replace('T', ' '), outcome };
  });
}

function startsChart(report: BacktestReport, palette: Palette): ChartConfiguration {
  const outcomes = startOutcomes(report);
  const stages = [...new Set([...report.byGate.map((entry) => entry.stage), ...report.trips.map((trip) => trip.stage)])];
  const dataset = (label: string, color: string, pick: (outcome: StartOutcome) => boolean) => ({
    label,
    data: outcomes.map(({ outcome }) => (pick(outcome) ? 1 : 0)),
    backgroundColor: color,
    barPercentage: 1,
    categoryPercentage: 0.9,
  });
  const datasets = [
    dataset('promoted', palette.baseline, (outcome) => outcome.kind === 'promoted'),
    ...stages.map((stage, index) =>
      dataset(
        `false rollback in ${stage}`,
        palette.series[index % palette.series.length],
        (outcome) => outcome.kind === 'false' && outcome.stage === stage,
      ),
    ),
    dataset('stopped during an incident', palette.detect, (outcome) => outcome.kind === 'incident'),
  ].filter((one) => one.data.some((value) => value > 0));
  return {
    type: 'bar',
    data: { labels: outcomes.map((one) => one.start), datasets },
    options: baseOptions({
      x: {
        type: 'category',
        stacked: true,
        title: { display: true, text: 'start (UTC)' },
        ticks: { maxTicksLimit: 14 },
        grid: { display: false },
      } as ScaleOptions,
      y: { type: 'linear', stacked: true, min: 0, max: 1, display: false } as ScaleOptions,
    }),
  } as ChartConfiguration;
}

function byGateChart(report: BacktestReport, palette: Palette): ChartConfiguration {
  const rows = [
    ...report.byGate.map((entry) => ({ label: `${entry.stage} · ${entry.gate}`, rate: entry.rate })),
    { label: 'any gate', rate: report.falseRollbackRate },
  ];
  return {
    type: 'bar',
    data: {
      labels: rows.map((row) => row.label),
      datasets: [
        {
          label: 'false rollbacks (% of starts)',
          data: rows.map((row) => row.rate * 100),
          backgroundColor: rows.map((_, index) => (index === rows.length - 1 ? palette.restore : palette.canary)),
        },
      ],
    },
    options: {
      ...baseOptions({
        x: {
          type: 'linear',
          min: 0,
          max: niceCeiling(Math.max(1, ...rows.map((row) => row.rate * 100 * 1.15))),
          title: { display: true, text: '% of starts' },
          grid: { color: palette.grid },
        } as ScaleOptions,
        y: { type: 'category' } as ScaleOptions,
      }),
      indexAxis: 'y',
    },
  } as ChartConfiguration;
}
