// Stagegate's flag hygiene rules, read from flagd's free-form metadata: `metadata.owner`, `metadata.expires`
// and `metadata.type` on the flag, or on the flag set as a fallback. Same rule ids and options as for flag sets.

import { insertEntry, replaceValue } from '../../rules/edits';
import { addDays, daysBetween, parseIsoDate } from '../../rules/dates';
import { DEFAULT_LIFETIME_DAYS, SHORT_LIVED_TYPES } from '../../rules/flags/flag-view';
import { flagMissingOwner } from '../../rules/flags/flag-missing-owner';
import { flagMissingExpiry } from '../../rules/flags/flag-missing-expiry';
import { flagExpired, flagExpiringSoon, flagLifetimeTooLong } from '../../rules/flags/flag-expiry-dates';
import { flagDefaultNotAVariant } from '../../rules/flags/flag-default-not-a-variant';
import type { DocumentContext } from '../../rules/context';
import type { TextEdit } from '../../finding';
import type { ForeignRule } from '../foreign-rule';
import { isRecord } from '../read';
import { flagdFlags, flagdMetadata, flagRange, variantNames, type FlagdFlag } from './flagd-view';

/** Variant names that usually mean "the old behaviour", preferred as the replacement default. */
const SAFE_DEFAULT_NAMES = ['off', 'control', 'disabled', 'false', 'old', 'baseline'];

/** Inserts `metadata.<key>` into a flag, creating `metadata` when the flag has none. */
function insertMetadata(context: DocumentContext, flag: FlagdFlag, key: string, value: string): TextEdit | undefined {
  if (isRecord(flag.flag.metadata)) return insertEntry(context, [...flag.path, 'metadata'], key, value);
  const edit = insertEntry(context, flag.path, 'metadata', { [key]: value });
  // Quoted in block YAML too: YAML 1.1 readers (flagd's Go loader among them) take a bare 2027-01-05 for a timestamp.
  if (edit) edit.newText = edit.newText.replace(`${key}: ${value}\n`, `${key}: ${JSON.stringify(value)}\n`);
  return edit;
}

function flagType(document: Record<string, unknown>, flag: FlagdFlag): string {
  const type = flagdMetadata(document, flag, 'type')?.value;
  return typeof type === 'string' ? type : 'release';
}

export const flagdMissingOwner: ForeignRule = {
  meta: flagMissingOwner.meta,
  appliesTo: 'flagd',
  check(context, value) {
    for (const flag of flagdFlags(value)) {
      const owner = flagdMetadata(value, flag, 'owner')?.value;
      if (typeof owner === 'string' && owner.trim() !== '') continue;
      const suggestion = context.facts.suggestOwner(context.file.path);
      const edit = insertMetadata(context, flag, 'owner', suggestion ?? 'TODO-owner');
      context.report(
        'flag-missing-owner',
        flagRange(context, flag),
        `Flag "${flag.key}" has no owner (metadata.owner, on the flag or the flag set): nobody is accountable for its state or its removal.${suggestion ? ` CODEOWNERS suggests ${suggestion}.` : ''}`,
        {
          fixes: edit
            ? [
                {
                  title: suggestion ? `Set metadata.owner to ${suggestion} (from CODEOWNERS)` : 'Add metadata.owner',
                  edits: [edit],
                  safe: suggestion !== undefined,
                  preferred: true,
                },
              ]
            : undefined,
        },
      );
    }
  },
};

export const flagdMissingExpiry: ForeignRule = {
  meta: flagMissingExpiry.meta,
  appliesTo: 'flagd',
  check(context, value) {
    for (const flag of flagdFlags(value)) {
      const type = flagType(value, flag);
      if (!SHORT_LIVED_TYPES.has(type) || flagdMetadata(value, flag, 'expires') !== undefined) continue;
      const lifetime = DEFAULT_LIFETIME_DAYS[type] ?? 40;
      const expires = addDays(context.config.today, lifetime);
      const edit = insertMetadata(context, flag, 'expires', expires);
      context.report(
        'flag-missing-expiry',
        flagRange(context, flag),
        `Flag "${flag.key}" has no expiry date (metadata.expires): without one it stays in the code after its purpose is gone. Typical lifetime of a ${type} flag: ${lifetime} days; set metadata.type to permission or kill-switch for a flag meant to stay.`,
        {
          fixes: edit
            ? [{ title: `Add metadata.expires: ${expires} (${lifetime} days from today)`, edits: [edit], safe: true, preferred: true }]
            : undefined,
        },
      );
    }
  },
};

interface Expiry {
  date: string;
  days: number;
  path: (string | number)[];
  /** Flags the date applies to: one for a flag's own date, every flag without one for the set's. */
  keys: string[];
  type: string;
}

/**
 * Each expiry date once: a flag's own, or the flag set's (applying to every flag without its own). A value that is
 * not a date is a schema finding, since `metadata.expires` is the documented key.
 */
function expiries(context: DocumentContext, value: Record<string, unknown>): Expiry[] {
  const found: Expiry[] = [];
  let setExpiry: Expiry | undefined;
  for (const flag of flagdFlags(value)) {
    const expires = flagdMetadata(value, flag, 'expires');
    if (!expires) continue;
    if (expires.fromSet && setExpiry) {
      setExpiry.keys.push(flag.key);
      continue;
    }
    const date = expires.value;
    const days = typeof date === 'string' && parseIsoDate(date) !== undefined ? daysBetween(context.config.today, date) : undefined;
    if (days === undefined) {
      if (!expires.fromSet)
        context.report(
          'schema',
          context.locate(expires.path).value,
          `metadata.expires of flag "${flag.key}" must be a date written YYYY-MM-DD.`,
          { severity: 'error' },
        );
      continue;
    }
    const entry: Expiry = { date: date as string, days, path: [...expires.path], keys: [flag.key], type: flagType(value, flag) };
    if (expires.fromSet) setExpiry = entry;
    else found.push(entry);
  }
  if (isRecord(value.metadata) && value.metadata.expires !== undefined && !setExpiry) {
    const date = value.metadata.expires;
    if (typeof date !== 'string' || parseIsoDate(date) === undefined)
      context.report(
        'schema',
        context.locate(['metadata', 'expires']).value,
        'metadata.expires of the flag set must be a date written YYYY-MM-DD.',
        { severity: 'error' },
      );
  }
  if (setExpiry) found.push(setExpiry);
  return found;
}

function subject(expiry: Expiry): string {
  return expiry.keys.length === 1
    ? `Flag "${expiry.keys[0]}"`
    : `The flag set's expiry, for ${expiry.keys.length} flags (${expiry.keys.slice(0, 3).join(', ')}${expiry.keys.length > 3 ? ', …' : ''}),`;
}

// The schema finding for a malformed date is reported by flag-expired only, so it appears once.
export const flagdExpired: ForeignRule = {
  meta: flagExpired.meta,
  appliesTo: 'flagd',
  check(context, value) {
    for (const expiry of expiries(context, value)) {
      if (expiry.days >= 0) continue;
      context.report(
        'flag-expired',
        context.locate(expiry.path).value,
        `${subject(expiry)} expired on ${expiry.date}, ${-expiry.days} day${expiry.days === -1 ? '' : 's'} ago: remove it from the code and from this file, or agree a new date with its owner.`,
      );
    }
  },
};

const silent = (context: DocumentContext): DocumentContext => ({
  ...context,
  report: (ruleId, range, message, extras) => (ruleId === 'schema' ? undefined : context.report(ruleId, range, message, extras)),
});

export const flagdExpiringSoon: ForeignRule = {
  meta: flagExpiringSoon.meta,
  appliesTo: 'flagd',
  check(context, value) {
    const window = context.option<number>('flag-expiring-soon', 'days');
    for (const expiry of expiries(silent(context), value)) {
      if (expiry.days < 0 || expiry.days > window) continue;
      context.report(
        'flag-expiring-soon',
        context.locate(expiry.path).value,
        `${subject(expiry)} expires ${expiry.days === 0 ? 'today' : `in ${expiry.days} day${expiry.days === 1 ? '' : 's'}`} (${expiry.date}): plan its removal.`,
      );
    }
  },
};

export const flagdLifetimeTooLong: ForeignRule = {
  meta: flagLifetimeTooLong.meta,
  appliesTo: 'flagd',
  check(context, value) {
    const limit = context.option<number>('flag-lifetime-too-long', 'days');
    for (const expiry of expiries(silent(context), value)) {
      if ((expiry.type !== 'release' && expiry.type !== 'experiment') || expiry.days <= limit) continue;
      context.report(
        'flag-lifetime-too-long',
        context.locate(expiry.path).value,
        `${subject(expiry)} expires in ${expiry.days} days, more than ${limit}: a ${expiry.type} flag that lives this long is debt by design. Set metadata.type to permission or kill-switch if it is meant to stay.`,
      );
    }
  },
};

export const flagdDefaultNotAVariant: ForeignRule = {
  meta: flagDefaultNotAVariant.meta,
  appliesTo: 'flagd',
  check(context, value) {
    for (const flag of flagdFlags(value)) {
      const defaultVariant = flag.flag.defaultVariant;
      // null or absent: flagd falls back to the code's default, by design.
      if (typeof defaultVariant !== 'string') continue;
      const names = variantNames(flag.flag);
      if (!names || names.length === 0 || names.includes(defaultVariant)) continue;
      const variants = flag.flag.variants as Record<string, unknown>;
      const replacement =
        names.find((name) => SAFE_DEFAULT_NAMES.includes(name.toLowerCase())) ?? names.find((name) => variants[name] === false) ?? names[0];
      const edit = replaceValue(context, [...flag.path, 'defaultVariant'], replacement);
      context.report(
        'flag-default-not-a-variant',
        context.locate([...flag.path, 'defaultVariant']).value,
        `defaultVariant "${defaultVariant}" of flag "${flag.key}" is not one of its variants (${names.join(', ')}): flagd answers with an error and the application falls back to its code default.`,
        {
          fixes: edit ? [{ title: `Use variant "${replacement}" as the default`, edits: [edit], safe: false, preferred: true }] : undefined,
        },
      );
    }
  },
};
