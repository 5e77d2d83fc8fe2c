// rollback-not-automatic

import { insertEntry } from '../../rule-kit/edits';
import { defineRule } from '../../rule-kit/rule';
import { isRecord } from '../../values';

export default defineRule({
  meta: {
    id: 'rollback-not-automatic',
    family: 'plan',
    defaultSeverity: 'warning',
    summary: 'A failing gate does not stop the rollout automatically.',
    reads: ['release-plan'],
    fix: 'not safe',
  },
  check(context) {
    const { value } = context;
    const rollback = value.rollback;
    if (isRecord(rollback) && rollback.automatic === true) return;
    if (!isRecord(rollback)) {
      const edit = insertEntry(context, [], 'rollback', { automatic: true, action: 'rollback', delay: '2m' });
      context.report(
        context.locate(['stages']).key ?? context.doc.range,
        'The plan has no rollback section: when a gate fails, nothing restores traffic until a human notices.',
        {
          fixes: edit ? [{ title: 'Add automatic rollback', edits: [edit], safe: false, preferred: true }] : undefined,
        },
      );
      return;
    }
    const located = context.locate(['rollback', 'automatic']);
    const edit = located.depth === 2 ? { range: located.value, newText: 'true' } : insertEntry(context, ['rollback'], 'automatic', true);
    context.report(
      located.depth === 2 ? located.value : (context.locate(['rollback']).key ?? context.doc.range),
      'Rollback is not automatic: when a gate fails, traffic stays on the bad version until a human acts.',
      {
        fixes: edit ? [{ title: 'Make rollback automatic', edits: [edit], safe: false, preferred: true }] : undefined,
      },
    );
  },
});
