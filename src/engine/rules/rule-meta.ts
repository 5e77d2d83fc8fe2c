// What every rule declares about itself: its id, default severity, options and documentation page.

import type { Severity } from '../finding';

export type RuleFamily = 'schema' | 'flags' | 'plan' | 'cross-file' | 'migration' | 'limits' | 'syntax';

export interface RuleOption {
  default: number | string | boolean;
  description: string;
}

export interface RuleMeta {
  id: string;
  family: RuleFamily;
  defaultSeverity: Severity;
  /** One sentence: what the rule catches. Used in SARIF and `Show Rule Documentation`. */
  summary: string;
  options?: Record<string, RuleOption>;
}

export const DOCS_BASE_URL = 'https://github.com/stagegate/stagegate/blob/main/docs/rules/';

export function ruleDocUrl(ruleId: string): string {
  return `${DOCS_BASE_URL}${ruleId}.md`;
}
