// `{"$ref": "name"}` in targeting is replaced by the `$evaluators` entry of that name before flagd evaluates; a name
// with no entry leaves the reference in place and the flag's targeting cannot be evaluated.

import { closestName } from '../../text/edit-distance';
import { defineRule } from '../../rule-kit/rule';
import { isRecord } from '../read';
import { flagdFlags, operations } from './flagd-view';

export default defineRule({
  meta: {
    id: 'flagd-evaluator-undefined',
    family: 'flags',
    defaultSeverity: 'error',
    summary: "A targeting `$ref` names no entry of the file's `$evaluators`.",
    reads: ['flagd'],
  },
  check(context) {
    const { value } = context;
    const evaluators = isRecord(value.$evaluators) ? Object.keys(value.$evaluators) : [];
    const roots: { root: unknown; path: (string | number)[] }[] = flagdFlags(value).map((flag) => ({
      root: flag.flag.targeting,
      path: [...flag.path, 'targeting'],
    }));
    for (const name of evaluators) roots.push({ root: (value.$evaluators as Record<string, unknown>)[name], path: ['$evaluators', name] });
    for (const { root, path } of roots) {
      for (const node of operations(root, path)) {
        if (node.operator !== '$ref' || typeof node.args !== 'string' || evaluators.includes(node.args)) continue;
        const near = closestName(node.args, evaluators);
        const known =
          evaluators.length === 0 ? 'the file has no $evaluators' : near ? `did you mean "${near}"?` : `defined: ${evaluators.join(', ')}`;
        context.report(
          context.locate(node.path).value,
          `"$ref": "${node.args}" names no entry of $evaluators (${known}): flagd cannot evaluate this targeting.`,
        );
      }
    }
  },
});
