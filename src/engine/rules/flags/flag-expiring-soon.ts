// A flag close to its expiry date: time to plan its removal, before it expires in the middle of a rollout.

import { expiries } from '../../model/flag-view';
import { dated, expirySubject } from '../../rule-kit/expiry';
import { defineRule } from '../../rule-kit/rule';

export default defineRule({
  meta: {
    id: 'flag-expiring-soon',
    family: 'flags',
    defaultSeverity: 'info',
    summary: 'A flag expires within the next few days.',
    reads: ['flag-set', 'flagd'],
    options: { days: { default: 14, description: 'How many days ahead an expiry counts as soon.' } },
  },
  check(context) {
    const window = context.option('days');
    for (const raw of expiries(context.flags)) {
      const expiry = dated(raw, context.config.today);
      if (!expiry || expiry.days < 0 || expiry.days > window) continue;
      const when = expiry.days === 0 ? 'today' : `in ${expiry.days} day${expiry.days === 1 ? '' : 's'}`;
      context.report(context.locate(expiry.path).value, `${expirySubject(expiry)} expires ${when} (${expiry.date}): plan its removal.`);
    }
  },
});
