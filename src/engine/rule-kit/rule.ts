// What a rule is: one module per rule id, with its metadata (family, default severity, what it reads, its options)
// and a check that reports through its context, which fills the rule's id in. Every finding the engine makes comes
// from a rule of this shape; the catalogue (src/engine/catalogue) lists them all.

import type { Severity } from '../finding';
import type { MigrationRole } from '../formats/migration-roles';
import type { DocumentKind } from '../formats/recognise';
import type { RuleContexts } from './context';
import type { RuleOption, RuleOptions } from './options';

type RuleFamily = 'syntax' | 'schema' | 'limits' | 'flags' | 'plan' | 'cross-file' | 'migration';

/**
 * What a rule reads:
 * - `text`: every file, as text, before it is parsed (size, encoding);
 * - `yaml`: every YAML or JSON file, once parsed (syntax, parser limits);
 * - a document kind: each document of that kind, with the views of it rules share;
 * - `sql-migration`: each SQL migration, as the PostgreSQL parser reads it.
 */
export type Subject = 'text' | 'yaml' | DocumentKind | 'sql-migration';

export type { RuleOptions } from './options';

/** What a migration does when it runs while a canary is out (the doc pages explain each). */
type Impact = 'breaks-old-version' | 'cannot-be-undone' | 'blocking-lock' | 'may-fail-on-existing-data' | 'fails-on-retry';

export interface RuleMeta {
  id: string;
  family: RuleFamily;
  defaultSeverity: Severity;
  /** One sentence: what the rule catches. Used in SARIF, the rule table and `Show Rule Documentation`. */
  summary: string;
  reads: readonly Subject[];
  options?: RuleOptions;
  /** Whether findings carry a fix, for the rule table: `safe` (applied by `check --fix`), `not safe`, or when. */
  fix?: string;
  /** Migration rules: what the hazard does to a rollout. `breaks-old-version` hazards make a plan's migration unsafe. */
  impact?: readonly Impact[];
  /**
   * Migration rules: the migrations they judge, by role (`up`, `down`, `verify`; docs/formats.md). Default: up and
   * down; a sqitch verify script changes nothing, so only rules about reading the file (syntax, limits) judge it.
   */
  roles?: readonly MigrationRole[];
  /**
   * Also reads documents the parser had to repair, keeping the findings before the damage: rules about what the
   * parser saw (keys, schema). Other rules skip such documents, whose values after the damage are the repair's.
   */
  readsRepaired?: true;
}

/** The context a rule reading `S` gets: one shape per subject, a union when it reads several. */
type ContextFor<S extends Subject, O extends RuleOptions = RuleOptions> = RuleContexts<O>[S];

export interface Rule<S extends Subject = Subject, O extends RuleOptions = RuleOptions> {
  meta: RuleMeta & { reads: readonly S[]; options?: O };
  check(context: ContextFor<S, O>): void;
}

/**
 * A rule the checker itself raises rather than a check: `internal-error` (a rule threw) and `too-many-findings`
 * (a file reached MAX_FINDINGS_PER_FILE). It has metadata, a doc page and a severity users can set, like any rule.
 */
interface CheckerRule {
  meta: RuleMeta & { reads: readonly [] };
}

export type RuleModule = Rule<Subject, RuleOptions> | CheckerRule;

/** Declares a rule; `reads` and `options` type the context its check receives. */
export function defineRule<const S extends Subject, const O extends RuleOptions = Record<never, RuleOption>>(rule: {
  meta: RuleMeta & { reads: readonly S[]; options?: O };
  check(context: ContextFor<S, O>): void;
}): Rule<S, O> {
  return rule;
}

export function defineCheckerRule(meta: Omit<RuleMeta, 'reads'>): CheckerRule {
  return { meta: { ...meta, reads: [] } };
}

export function isCheckerRule(rule: RuleModule): rule is CheckerRule {
  return !('check' in rule);
}

const DOCS_BASE_URL = 'https://github.com/stagegate/stagegate/blob/main/docs/rules/';

export function ruleDocUrl(ruleId: string): string {
  return `${DOCS_BASE_URL}${ruleId}.md`;
}
