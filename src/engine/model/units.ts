// Reads the format's units: durations (`1h30m`) and ratios (`10%` or `0.1`).

const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;
const MINUTES_PER_UNIT: Record<string, number> = { ms: 1 / 60000, s: 1 / 60, m: 1, h: 60, d: 1440 };

/** Minutes in a duration such as `30m` or `1h30m`; undefined when it is not one. */
export function durationMinutes(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^(\d+(\.\d+)?(ms|s|m|h|d))+$/.test(value)) return undefined;
  let minutes = 0;
  for (const match of value.matchAll(DURATION_PART)) minutes += Number(match[1]) * MINUTES_PER_UNIT[match[2]];
  return minutes;
}

/** A fraction from `10%` or `0.1`; undefined when it is neither. */
export function ratio(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?%$/.test(value)) return Number(value.slice(0, -1)) / 100;
  return undefined;
}

/** Writes minutes back the way plans write them: 90 → `1h30m`. */
export function formatMinutes(minutes: number): string {
  if (minutes < 1) return `${Math.round(minutes * 60)}s`;
  const hours = Math.floor(minutes / 60);
  const rest = Math.round(minutes - hours * 60);
  if (hours === 0) return `${rest}m`;
  return rest === 0 ? `${hours}h` : `${hours}h${rest}m`;
}
