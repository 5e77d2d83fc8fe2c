// Finds configuration that would silently do nothing: unknown rule ids, unknown or mistyped options. A setting for a
// retired rule id moves to the rule that now does its work, with a note saying so.

import type { StagegateConfig } from '../config/config';
import { closestName } from '../text/edit-distance';
import { RETIRED_RULE_IDS, ruleMetas } from './index';

/** Problems of `config` in words (faces show them without failing); settings of retired ids are moved in place. */
export function configProblems(config: StagegateConfig): string[] {
  const problems: string[] = [];
  const catalogue = ruleMetas();
  const byId = new Map(catalogue.map((meta) => [meta.id, meta]));
  for (const [retired, current] of Object.entries(RETIRED_RULE_IDS)) {
    const setting = config.rules[retired];
    if (!setting) continue;
    problems.push(`rules.${retired}: this rule is now ${current}; the setting applies to ${current}.`);
    config.rules[current] = { ...setting, ...config.rules[current] };
    delete config.rules[retired];
  }
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
