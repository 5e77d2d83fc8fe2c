// A flag past its expiry date should have been removed: it is debt the team agreed to pay and did not.

import { expiries } from '../../model/flag-view';
import { dated, expirySubject } from '../../rule-kit/expiry';
import { defineRule } from '../../rule-kit/rule';

export default defineRule({
  meta: {
    id: 'flag-expired',
    family: 'flags',
    defaultSeverity: 'error',
    summary: 'A flag is past its expiry date and should have been removed.',
    reads: ['flag-set', 'flagd'],
  },
  check(context) {
    for (const raw of expiries(context.flags)) {
      const expiry = dated(raw, context.config.today);
      if (!expiry || expiry.days >= 0) continue;
      context.report(
        context.locate(expiry.path).value,
        `${expirySubject(expiry)} expired on ${expiry.date}, ${-expiry.days} day${expiry.days === -1 ? '' : 's'} ago: remove it from the code and from this file, or agree a new date with its owner.`,
      );
    }
  },
});
