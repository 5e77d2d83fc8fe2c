// A Canary names its MetricTemplates (`templateRef`) and AlertProviders (`providerRef`) by name. Flagger fails every
// check of a metric whose template does not exist, so the canary is rolled back whatever the new version does; an
// alert whose provider does not exist is never sent, and only Flagger's log says why.

import { defineRule } from '../../rule-kit/rule';
import { closestName } from '../../text/edit-distance';
import { canaryAnalysis, canaryRefs, canaryResourceRef, resolveCanaryRef } from './canary-view';

export default defineRule({
  meta: {
    id: 'flagger-ref-not-found',
    family: 'cross-file',
    defaultSeverity: 'error',
    summary:
      "A Canary metric's templateRef or alert's providerRef names a MetricTemplate or AlertProvider that no file of the workspace defines.",
    reads: ['flagger-canary'],
  },
  check(context) {
    const { value } = context;
    const found = canaryAnalysis(value);
    if (!found) return;
    for (const ref of canaryRefs(found)) {
      if (resolveCanaryRef(context.facts, ref, value, context.path).status !== 'missing') continue;
      const { namespace } = canaryResourceRef(ref, value, context.path);
      // Sorted: the name suggested does not depend on the order the files were read in.
      const known = [...context.facts.resources.keys()]
        .filter((key) => key.startsWith(`${ref.kind}/`))
        .map((key) => key.slice(ref.kind.length + 1))
        .sort();
      const near = closestName(ref.name, known);
      const searched = known.length === 0 ? `the workspace defines no ${ref.kind}` : near ? `did you mean "${near}"?` : undefined;
      const subject = `${ref.kind} "${ref.name}" (namespace "${namespace}"), named by ${ref.kind === 'MetricTemplate' ? 'metric' : 'alert'} "${ref.owner}", is defined in no file of the workspace${searched ? ` (${searched})` : ''}`;
      if (ref.kind === 'MetricTemplate')
        context.report(
          context.locate(ref.path).value,
          `${subject}. Flagger fails this metric's check at every interval until it exists, so the canary is rolled back whatever the new version does; check it in beside the Canary.`,
        );
      else
        context.report(
          context.locate(ref.path).value,
          `${subject}. Flagger cannot send this alert and only logs why; check the AlertProvider in beside the Canary.`,
          { severity: 'warning' },
        );
    }
  },
});
