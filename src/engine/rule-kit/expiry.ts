// How the expiry rules read a flag's date and name what it applies to: one flag, or every flag of a flagd set
// that inherits the set's date (reported once, not once per flag).

import { daysBetween, parseIsoDate } from '../model/dates';
import type { Expiry } from '../model/flag-view';

interface DatedExpiry extends Expiry {
  date: string;
  /** Days from today to the date; negative once it has passed. */
  days: number;
}

/** The expiry when its value is a real date; a malformed one is the schema rule's. */
export function dated(expiry: Expiry, today: string): DatedExpiry | undefined {
  const date = expiry.value;
  if (typeof date !== 'string' || parseIsoDate(date) === undefined) return undefined;
  const days = daysBetween(today, date);
  return days === undefined ? undefined : { ...expiry, date, days };
}

/** `Flag "a"`, or `The flag set's expiry, for 3 flags (a, b, c),`. */
export function expirySubject(expiry: Expiry): string {
  const keys = expiry.flags.map((flag) => flag.key);
  if (keys.length === 1 && !expiry.fromSet) return `Flag "${keys[0]}"`;
  return `The flag set's expiry, for ${keys.length} flag${keys.length === 1 ? '' : 's'} (${keys.slice(0, 3).join(', ')}${keys.length > 3 ? ', …' : ''}),`;
}
