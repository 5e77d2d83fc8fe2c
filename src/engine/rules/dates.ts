// Calendar arithmetic on ISO dates (YYYY-MM-DD), in UTC so results do not depend on the machine's zone.

const DAY_MS = 86_400_000;

export function parseIsoDate(value: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const time = Date.parse(`${value}T00:00:00Z`);
  return Number.isNaN(time) || new Date(time).toISOString().slice(0, 10) !== value ? undefined : time;
}

export function daysBetween(fromIso: string, toIso: string): number | undefined {
  const from = parseIsoDate(fromIso);
  const to = parseIsoDate(toIso);
  return from === undefined || to === undefined ? undefined : Math.round((to - from) / DAY_MS);
}

export function addDays(iso: string, days: number): string {
  return new Date((parseIsoDate(iso) ?? Date.now()) + days * DAY_MS).toISOString().slice(0, 10);
}
