// A canary without analysis advances on time alone: a bad version reaches every user unless someone watches.

import { keyOrValue } from '../../parse/source-file';
import { defineRule } from '../../rule-kit/rule';
import { analysisBlocks, CANARY_PATH, canaryStrategy } from './rollout-view';

export default defineRule({
  meta: {
    id: 'argo-no-analysis',
    family: 'plan',
    defaultSeverity: 'warning',
    summary: 'A canary Rollout runs no analysis at all: nothing stops a bad version automatically.',
    reads: ['argo-rollout'],
  },
  check(context) {
    const { value } = context;
    if (!canaryStrategy(value)) return;
    if (analysisBlocks(value).some((block) => block.templates.length > 0)) return;
    context.report(
      keyOrValue(context.locate(CANARY_PATH), context.file.lines),
      'This canary runs no analysis (no background analysis, no analysis step): it advances on time and manual promotion alone, so nothing aborts it when the new version fails. Add an analysis with an AnalysisTemplate that watches error rate or latency.',
    );
  },
});
