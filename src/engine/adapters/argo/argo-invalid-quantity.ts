// Kubernetes rejects a Rollout whose pod template asks for resources in a form that is not a quantity
// (`memory: invalid`); the rollout then never starts.

import type { Path } from '../../parse/source-file';
import { defineRule } from '../../rule-kit/rule';
import { isRecord, list, record } from '../read';

/** Kubernetes resource.Quantity: a decimal number with an optional binary (Ki…Ei), decimal (n…E) or exponent suffix. */
const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)([KMGTPE]i|[numkMGTPE]|[eE][+-]?\d+)?$/;

export default defineRule({
  meta: {
    id: 'argo-invalid-quantity',
    family: 'schema',
    defaultSeverity: 'error',
    summary: "A container's resource request or limit in the Rollout's pod template is not a Kubernetes quantity.",
    reads: ['argo-rollout'],
  },
  check(context) {
    const { value } = context;
    const podSpec = record(record(record(value.spec)?.template)?.spec);
    if (!podSpec) return;
    for (const group of ['initContainers', 'containers'] as const) {
      list(podSpec[group]).forEach((container, index) => {
        const resources = isRecord(container) ? record(container.resources) : undefined;
        for (const section of ['requests', 'limits'] as const) {
          for (const [name, quantity] of Object.entries(record(resources?.[section]) ?? {})) {
            if (typeof quantity === 'number' || (typeof quantity === 'string' && QUANTITY.test(quantity.trim()))) continue;
            const path: Path = ['spec', 'template', 'spec', group, index, 'resources', section, name];
            context.report(
              context.locate(path).value,
              `${section}.${name} ${JSON.stringify(quantity)} is not a Kubernetes quantity (such as 500m, 128Mi or 2): Kubernetes rejects the pod template and the rollout never starts.`,
            );
          }
        }
      });
    }
  },
});
