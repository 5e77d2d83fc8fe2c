// A lint rule over a document in another tool's format (flagd, Argo Rollouts, Flagger). It sees the same
// DocumentContext as Stagegate's own rules, so findings, ranges, options and fixes work the same way.

import type { ForeignKind } from '../formats/recognise';
import type { DocumentContext } from '../rules/context';
import type { RuleMeta } from '../rules/rule-meta';

export interface ForeignRule {
  meta: RuleMeta;
  appliesTo: ForeignKind;
  check(context: DocumentContext, value: Record<string, unknown>): void;
}
