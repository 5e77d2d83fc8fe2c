// Rules about the expiry date itself: past, close, or too far away for a short-lived flag.

import type { DocumentRule } from '../context';
import { daysBetween } from '../dates';
import { flagEntries } from './flag-view';

export const flagExpired: DocumentRule = {
  meta: {
    id: 'flag-expired',
    family: 'flags',
    defaultSeverity: 'error',
    summary: 'A flag is past its expiry date and should have been removed.',
  },
  appliesTo: 'flag-set',
  check(context, value) {
    for (const { key, flag } of flagEntries(value)) {
      const days = typeof flag.expires === 'string' ? daysBetween(context.config.today, flag.expires) : undefined;
      if (days === undefined || days >= 0) continue;
      context.report(
        'flag-expired',
        context.locate(['flags', key, 'expires']).value,
        `Flag "${key}" expired on ${flag.expires as string}, ${-days} day${days === -1 ? '' : 's'} ago: remove it from the code and from this file, or agree a new date with its owner.`,
      );
    }
  },
};

export const flagExpiringSoon: DocumentRule = {
  meta: {
    id: 'flag-expiring-soon',
    family: 'flags',
    defaultSeverity: 'info',
    summary: 'A flag expires within the next few days.',
    options: { days: { default: 14, description: 'How many days ahead an expiry counts as soon.' } },
  },
  appliesTo: 'flag-set',
  check(context, value) {
    const window = context.option<number>('flag-expiring-soon', 'days');
    for (const { key, flag } of flagEntries(value)) {
      const days = typeof flag.expires === 'string' ? daysBetween(context.config.today, flag.expires) : undefined;
      if (days === undefined || days < 0 || days > window) continue;
      context.report(
        'flag-expiring-soon',
        context.locate(['flags', key, 'expires']).value,
        `Flag "${key}" expires ${days === 0 ? 'today' : `in ${days} day${days === 1 ? '' : 's'}`} (${flag.expires as string}): plan its removal.`,
      );
    }
  },
};

export const flagLifetimeTooLong: DocumentRule = {
  meta: {
    id: 'flag-lifetime-too-long',
    family: 'flags',
    defaultSeverity: 'warning',
    summary: 'A release or experiment flag expires so far ahead that it is debt by design.',
    options: { days: { default: 90, description: 'Longest accepted time from today to the expiry of a release or experiment flag.' } },
  },
  appliesTo: 'flag-set',
  check(context, value) {
    const limit = context.option<number>('flag-lifetime-too-long', 'days');
    for (const { key, flag, type } of flagEntries(value)) {
      if (type !== 'release' && type !== 'experiment') continue;
      const days = typeof flag.expires === 'string' ? daysBetween(context.config.today, flag.expires) : undefined;
      if (days === undefined || days <= limit) continue;
      context.report(
        'flag-lifetime-too-long',
        context.locate(['flags', key, 'expires']).value,
        `${type === 'release' ? 'Release' : 'Experiment'} flag "${key}" expires in ${days} days, more than ${limit}: ${type === 'release' ? 'a release' : 'an experiment'} flag that lives this long is debt by design. Use a permission or kill-switch flag if it is meant to stay.`,
      );
    }
  },
};
