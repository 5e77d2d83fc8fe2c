// A release or experiment flag meant to live for months is a permanent switch in disguise.

import { expiries } from '../../model/flag-view';
import { dated, expirySubject } from '../../rule-kit/expiry';
import { defineRule } from '../../rule-kit/rule';

export default defineRule({
  meta: {
    id: 'flag-lifetime-too-long',
    family: 'flags',
    defaultSeverity: 'warning',
    summary: 'A release or experiment flag expires so far ahead that it is debt by design.',
    reads: ['flag-set', 'flagd'],
    options: { days: { default: 90, description: 'Longest accepted time from today to the expiry of a release or experiment flag.' } },
  },
  check(context) {
    const limit = context.option('days');
    for (const raw of expiries(context.flags)) {
      const expiry = dated(raw, context.config.today);
      const type = raw.flags[0].type;
      if (!expiry || (type !== 'release' && type !== 'experiment') || expiry.days <= limit) continue;
      context.report(
        context.locate(expiry.path).value,
        `${expirySubject(expiry)} expires in ${expiry.days} days, more than ${limit}: ${type === 'release' ? 'a release' : 'an experiment'} flag that lives this long is debt by design. Set ${context.flags.fieldName('type')} to permission or kill-switch if it is meant to stay.`,
      );
    }
  },
});
