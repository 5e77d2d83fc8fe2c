// What a rule sees while it checks, one shape per subject it reads, and how it reports. The checker
// (src/engine/workspace) builds these; a rule never builds one and never names its own id when reporting.

import type { StagegateConfig } from '../config/config';
import type { Fix, Range, RelatedLocation, Severity } from '../finding';
import type { DocumentKind } from '../formats/recognise';
import type { FlagSetView } from '../model/flag-view';
import type { WorkspaceFacts } from '../model/facts';
import type { Ladder } from '../model/ladder';
import type { Located, ParsedDocument, Path, SourceFile } from '../parse/source-file';
import type { MigrationModel } from '../sql/model';
import type { LineIndex } from '../text/line-index';
import type { TextFacts } from '../text/text-facts';
import type { OptionValue, RuleOptions } from './options';

export interface ReportExtras {
  fixes?: Fix[];
  related?: RelatedLocation[];
  /** Overrides the rule's default severity for this finding (configuration still wins). */
  severity?: Severity;
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

/** One SQL migration, read statement by statement. */
interface MigrationContext<O extends RuleOptions = RuleOptions> extends BaseContext<O> {
  text: string;
  lines: LineIndex;
  migration: MigrationModel;
  /**
   * For migrations with a down migration convention: whether the matching down migration exists; undefined when the
   * file is not one of a pair.
   */
  hasDownMigration: boolean | undefined;
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
