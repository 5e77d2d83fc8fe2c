// A plan beyond MAX_STAGES (src/engine/limits.ts) is neither linted nor simulated; this says so instead.

import { MAX_STAGES } from '../../limits';
import { stageCount } from '../../model/size';
import { defineRule } from '../../rule-kit/rule';

export default defineRule({
  meta: {
    id: 'plan-too-large',
    family: 'limits',
    defaultSeverity: 'error',
    summary: 'The plan has more stages than Stagegate lints and simulates.',
    reads: ['release-plan'],
  },
  check({ value, locate, doc, report }) {
    const count = stageCount(value);
    if (count <= MAX_STAGES) return;
    report(
      locate(['stages']).key ?? doc.range,
      `The plan has ${count} stages; Stagegate lints and simulates plans of up to ${MAX_STAGES}.`,
    );
  },
});
