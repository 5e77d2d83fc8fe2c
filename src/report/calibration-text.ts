// `stagegate calibrate`'s text output: what was derived from which history, one value a line with its dispersion.
// The editor shows the same text before it offers to write the values in.

import type { Calibration } from '../engine/calibrate/fit';

export function formatCalibrationText(calibration: Calibration, server: string): string {
  const { traffic, baseline, dispersion, samples } = calibration;
  const out = [
    `Calibrated from ${server}, ${calibration.window.from} to ${calibration.window.to}: ${samples.windows} windows of ${samples.window}, ${samples.requests.toLocaleString('en-US')} requests.`,
    '',
    'traffic',
    `  requestsPerSecond  ${traffic.requestsPerSecond}`,
  ];
  if (traffic.profile) {
    const factors = traffic.profile.hourOfWeek;
    out.push(`  profile            168 hour-of-week factors, from ${Math.min(...factors)} to ${Math.max(...factors)}`);
  }
  for (const [dimension, shares] of Object.entries(traffic.dimensions))
    out.push(
      `  ${dimension.padEnd(18)} ${Object.entries(shares)
        .map(([value, share]) => `${value} ${share}`)
        .join(', ')}`,
    );
  out.push('', 'baseline (dispersion: ρ for rates, relative SD for latency and gauges)');
  const names = [
    ...Object.keys(baseline.kpis).map((name) => `kpi:${name}`),
    ...Object.keys(baseline.gauges).map((name) => `gauge:${name}`),
  ];
  const width = Math.max(18, ...names.map((name) => name.length));
  const row = (name: string, value: number | undefined, spread: number | undefined) =>
    value === undefined
      ? undefined
      : `  ${name.padEnd(width)} ${String(value).padEnd(10)}${spread === undefined ? '' : ` dispersion ${spread}`}`;
  const rows = [
    row('errorRate', baseline.errorRate, dispersion.errorRate),
    row('latencyP95Ms', baseline.latencyP95Ms, dispersion.latencyP95Ms),
    ...Object.entries(baseline.kpis).map(([name, value]) => row(`kpi:${name}`, value, dispersion[`kpi:${name}`])),
    ...Object.entries(baseline.gauges).map(([name, value]) => row(`gauge:${name}`, value, dispersion[`gauge:${name}`])),
  ];
  out.push(...rows.filter((line): line is string => line !== undefined));
  if (calibration.notes.length > 0) out.push('', ...calibration.notes.map((note) => `note: ${note}`));
  return out.join('\n') + '\n';
}
