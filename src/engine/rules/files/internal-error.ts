// A rule that throws must not take the editor down: the checker turns the exception into this finding, so it is
// seen and can be reported, and every other rule's findings still arrive.

import { defineCheckerRule } from '../../rule-kit/rule';

export default defineCheckerRule({
  id: 'internal-error',
  family: 'limits',
  defaultSeverity: 'error',
  summary: 'A rule failed on this file; the finding carries its message so it can be reported.',
});
