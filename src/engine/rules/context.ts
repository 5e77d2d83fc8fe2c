// What a rule sees while it checks one document, and how it reports.

import type { StagegateConfig } from '../config/config';
import type { Fix, Range, RelatedLocation, Severity } from '../finding';
import type { DocumentKind } from '../formats/recognise';
import type { Located, ParsedDocument, Path, SourceFile } from '../parse/source-file';
import type { RuleMeta } from './rule-meta';
import type { WorkspaceFacts } from './workspace-facts';

export interface ReportExtras {
  fixes?: Fix[];
  related?: RelatedLocation[];
  /** Overrides the rule's default severity for this finding (configuration still wins). */
  severity?: Severity;
}

export interface DocumentContext {
  file: SourceFile;
  doc: ParsedDocument;
  config: StagegateConfig;
  facts: WorkspaceFacts;
  locate(path: Path): Located;
  report(ruleId: string, range: Range, message: string, extras?: ReportExtras): void;
  /** A rule's option from configuration, or its declared default. */
  option<T extends number | string | boolean>(ruleId: string, name: string): T;
}

export interface DocumentRule {
  meta: RuleMeta;
  appliesTo: DocumentKind;
  check(context: DocumentContext, value: Record<string, unknown>): void;
}
