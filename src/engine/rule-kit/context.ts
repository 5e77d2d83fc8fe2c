// What a rule sees while it checks, one shape per subject it reads, and how it reports. The checker
// (src/engine/workspace) builds these; a rule never builds one and never names its own id when reporting.

import type { StagegateConfig } from '../config/config';
import type { Fix, Range, RelatedLocation, Severity, StatementEffect } from '../finding';
import type { MigrationRole } from '../formats/migration-roles';
import type { DocumentKind } from '../formats/recognise';
import type { FlagSetView } from '../model/flag-view';
import type { WorkspaceFacts } from '../model/facts';
import type { Ladder } from '../model/ladder';
import type { Located, ParsedDocument, Path, SourceFile } from '../parse/source-file';
import type { CreatedObjects, MigrationModel } from '../sql/model';
import type { LineIndex } from '../text/line-index';
import type { TextFacts } from '../text/text-facts';
import type { OptionValue, RuleOptions } from './options';

export interface ReportExtras {
  fixes?: Fix[];
  related?: RelatedLocation[];
  /** Overrides the rule's default severity for this finding (configuration still wins). */
  severity?: Severity;
  /** Migration rules: the lock and rewrite the message states, by table. */
  effects?: StatementEffect[];
}

type Widen<T> = T extends number ? number : T extends string ? string : T extends boolean ? boolean : OptionValue;

export interface BaseContext<O extends RuleOptions = RuleOptions> {
  /** The file's path, as the workspace knows it. */
  path: string;
  config: StagegateConfig;
  /** Facts gathered across every file checked together. */
  facts: WorkspaceFacts;
  /** The rule's option from configuration, or its declared default. */
  option<N extends keyof O & string>(name: N): Widen<O[N]['default']>;
  report(range: Range, message: string, extras?: ReportExtras): void;
}

/** A file as text, before any parser reads it. */
interface TextContext<O extends RuleOptions = RuleOptions> extends BaseContext<O> {
  text: string;
  lines: LineIndex;
  textFacts: TextFacts;
}

/** A YAML or JSON file once parsed, with what the parser found. */
interface YamlFileContext<O extends RuleOptions = RuleOptions> extends BaseContext<O> {
  file: SourceFile;
}

/** One document of a YAML or JSON file. */
export interface DocumentContext<K extends DocumentKind = DocumentKind, O extends RuleOptions = RuleOptions> extends BaseContext<O> {
  kind: K;
  file: SourceFile;
  doc: ParsedDocument;
  /** The document's value; documents that are not mappings reach no rule. */
  value: Record<string, unknown>;
  /** The narrowest source range for a path into the document. */
  locate(path: Path): Located;
}

/** A document with flags: a flag set, or a flagd file read into the same view. */
interface FlagsContext<K extends DocumentKind = DocumentKind, O extends RuleOptions = RuleOptions> extends DocumentContext<K, O> {
  flags: FlagSetView;
}

/** A document that steps a rollout through weights: a release plan, an Argo Rollout's canary, a Flagger Canary. */
interface LadderContext<K extends DocumentKind = DocumentKind, O extends RuleOptions = RuleOptions> extends DocumentContext<K, O> {
  ladder: Ladder;
}

/** The migration another pairs with by its tool's convention: an up migration's down migration, or the reverse. */
export interface MigrationCounterpart {
  /** How messages name it: a file name (`0007_drop_legacy.down.sql`) or a section (`-- migrate:down`). */
  name: string;
  found: boolean;
  /** For a down migration's up migration, when found: what the up migration created. */
  created?: CreatedObjects;
}

/** One SQL migration, read statement by statement. */
interface MigrationContext<O extends RuleOptions = RuleOptions> extends BaseContext<O> {
  text: string;
  lines: LineIndex;
  /** The migration checked: the whole file, or one section of a file that holds an up and a down migration. */
  migration: MigrationModel;
  /** Which way it runs (docs/formats.md lists the conventions read); rules run only on the roles they declare. */
  role: MigrationRole;
  /** Its pair, when its tool's convention pairs it; undefined otherwise. */
  counterpart: MigrationCounterpart | undefined;
  /** Every migration of the file in order (two for a dbmate or goose file), `migration` among them. */
  parts: readonly MigrationModel[];
}

export interface RuleContexts<O extends RuleOptions = RuleOptions> {
  text: TextContext<O>;
  yaml: YamlFileContext<O>;
  'release-plan': LadderContext<'release-plan', O>;
  'flag-set': FlagsContext<'flag-set', O>;
  flagd: FlagsContext<'flagd', O>;
  'argo-rollout': LadderContext<'argo-rollout', O>;
  'argo-analysis-template': DocumentContext<'argo-analysis-template', O>;
  'flagger-canary': LadderContext<'flagger-canary', O>;
  'flagger-metric-template': DocumentContext<'flagger-metric-template', O>;
  'flagger-alert-provider': DocumentContext<'flagger-alert-provider', O>;
  'sql-migration': MigrationContext<O>;
}
