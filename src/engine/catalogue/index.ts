// The catalogue: every rule the engine knows, from Stagegate's own formats (src/engine/rules), other tools'
// formats (src/engine/adapters) and SQL migrations (src/engine/migrations), and the metadata faces show (rule
// table, SARIF, settings, `Show Rule Documentation`). The list itself is generated from the rule files.

import { isCheckerRule, type Rule, type RuleMeta, type RuleModule, type Subject } from '../rule-kit/rule';
import { RULE_MODULES } from './rules.generated';

/** Rules whose id changed, and the id that now does their work: settings that name the old id keep working. */
export const RETIRED_RULE_IDS: Readonly<Record<string, string>> = {
  // Argo Rollouts' setWeight ladder is read by the rule every release plan has.
  'argo-weight-decreasing': 'stage-weights-not-increasing',
};

const byId = new Map<string, RuleModule>(RULE_MODULES.map((module) => [module.meta.id, module]));
const bySubject = new Map<Subject, Rule[]>();
for (const module of RULE_MODULES) {
  if (isCheckerRule(module)) continue;
  for (const subject of module.meta.reads) {
    const list = bySubject.get(subject);
    if (list) list.push(module as Rule);
    else bySubject.set(subject, [module as Rule]);
  }
}

/** Every rule's metadata, sorted by id. */
export function ruleMetas(): RuleMeta[] {
  return RULE_MODULES.map((module) => module.meta).sort((a, b) => a.id.localeCompare(b.id));
}

export function ruleMeta(id: string): RuleMeta | undefined {
  return byId.get(id)?.meta;
}

/** The rules that read a subject, in catalogue order. */
export function rulesReading(subject: Subject): readonly Rule[] {
  return bySubject.get(subject) ?? [];
}
