// Calendar arithmetic on ISO dates (YYYY-MM-DD), in UTC so results do not depend on the machine's zone.

const DAY_MS = 86_400_000;

export function parseIsoDate(value: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]) - 1, Number(match[3])];
  // setUTCFullYear, unlike Date.UTC, reads years 0–99 as written; a date that rolls over (02-30) does not exist.
  const date = new Date(0);
  const time = date.setUTCFullYear(year, month, day);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month && date.getUTCDate() === day ? time : undefined;
}

export function daysBetween(fromIso: string, toIso: string): number | undefined {
  const from = parseIsoDate(fromIso);
  const to = parseIsoDate(toIso);
  return from === undefined || to === undefined ? undefined : Math.round((to - from) / DAY_MS);
}

export function addDays(iso: string, days: number): string {
  return new Date((parseIsoDate(iso) ?? Date.now()) + days * DAY_MS).toISOString().slice(0, 10);
}
