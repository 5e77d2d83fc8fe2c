// Readers for values in other tools' files, which may hold anything: Kubernetes integers that are sometimes
// strings, Go durations, percentages written either way.

import { durationMinutes } from '../model/units';
import { isRecord } from '../values';

export { isRecord };

export function record(value: unknown): Record<string, unknown> | undefined {
  return isRecord(value) ? value : undefined;
}

export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A finite number, or a string holding only one (Kubernetes int-or-string fields such as `count: "5"`). */
export function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return undefined;
}

/** Minutes in a Go or Kubernetes duration (`15s`, `1m30s`, `1h`), or in a bare number of seconds (Argo accepts both). */
export function kubeDurationMinutes(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value / 60;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) / 60;
  return durationMinutes(text);
}

/** Writes minutes as a duration the release-plan format reads, to the second: 2.5 → `150s`. */
export function secondsText(minutes: number): string {
  return `${Math.round(minutes * 60 * 1000) / 1000}s`;
}

/** `metadata.annotations[name]` of a Kubernetes resource. */
export function annotation(value: Record<string, unknown>, name: string): string | undefined {
  const annotations = record(record(value.metadata)?.annotations);
  const found = annotations?.[name];
  return typeof found === 'string' ? found : typeof found === 'number' ? String(found) : undefined;
}

export function resourceName(value: Record<string, unknown>): string | undefined {
  const name = record(value.metadata)?.name;
  return typeof name === 'string' ? name : undefined;
}

/** `metadata.namespace` as written; undefined when absent or empty (the default namespace). */
export function resourceNamespace(value: Record<string, unknown>): string | undefined {
  const namespace = record(value.metadata)?.namespace;
  return typeof namespace === 'string' && namespace.trim() !== '' ? namespace.trim() : undefined;
}

/** A duration for messages, to the second: 2.5 → `2m30s`, 0.25 → `15s`, 90 → `1h30m`. */
export function formatDuration(minutes: number): string {
  const seconds = Math.round(minutes * 60);
  if (seconds < 60) return `${seconds}s`;
  const hours = Math.floor(seconds / 3600);
  const rest = seconds - hours * 3600;
  const parts = [hours > 0 ? `${hours}h` : '', rest >= 60 ? `${Math.floor(rest / 60)}m` : '', rest % 60 > 0 ? `${rest % 60}s` : ''];
  return parts.join('') || '0s';
}
