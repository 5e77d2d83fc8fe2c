// Finds configuration that would silently do nothing: unknown rule ids, unknown or mistyped options.

import type { RuleMeta } from '../rules/rule-meta';
import type { StagegateConfig } from './config';
import { closestName } from '../text/edit-distance';

export function configProblems(config: StagegateConfig, catalogue: RuleMeta[]): string[] {
  const problems: string[] = [];
  const byId = new Map(catalogue.map((meta) => [meta.id, meta]));
  for (const [ruleId, setting] of Object.entries(config.rules)) {
    const meta = byId.get(ruleId);
    if (!meta) {
      const near = closestName(
        ruleId,
        catalogue.map((candidate) => candidate.id),
      );
      problems.push(`rules.${ruleId}: no rule has this id${near ? ` (did you mean ${near}?)` : ''}; the setting does nothing.`);
      continue;
    }
    for (const [name, value] of Object.entries(setting.options ?? {})) {
      const option = meta.options?.[name];
      if (!option) {
        const known = Object.keys(meta.options ?? {});
        problems.push(
          `rules.${ruleId}.options.${name}: ${ruleId} has ${known.length === 0 ? 'no options' : known.length === 1 ? `one option, ${known[0]}` : `the options ${known.join(', ')}`}; this one does nothing.`,
        );
      } else if (typeof value !== typeof option.default) {
        problems.push(
          `rules.${ruleId}.options.${name} must be a ${typeof option.default}; the default ${JSON.stringify(option.default)} is used.`,
        );
      }
    }
  }
  return problems;
}
