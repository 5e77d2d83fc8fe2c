// A file is reported with at most MAX_FINDINGS_PER_FILE findings (src/engine/limits.ts); the checker adds this one
// finding with the count of the rest, so nothing is dropped in silence.

import { defineCheckerRule } from '../../rule-kit/rule';

export default defineCheckerRule({
  id: 'too-many-findings',
  family: 'limits',
  defaultSeverity: 'info',
  summary: 'More findings than Stagegate reports for one file.',
});
