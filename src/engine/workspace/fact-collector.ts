// Facts gathered across the workspace before rules run, so cross-file rules need not re-read other files: the flags
// of every flag set and flagd file, the Argo AnalysisTemplates, and what each migration a plan ships does.

import { resourceName } from '../adapters/read';
import { flagsOf } from '../catalogue/views';
import { documentKind, resolveMigrationPath } from '../formats/recognise';
import { emptyFacts, type FlagDefinition, type MigrationFacts, type WorkspaceFacts } from '../model/facts';
import { migrationEntries } from '../model/plan-view';
import { locate, type ParsedDocument, type SourceFile } from '../parse/source-file';
import { flagRange } from '../rule-kit/flags';
import { isRecord } from '../values';

interface FactSources {
  /** The parsed YAML and JSON files of the workspace. */
  sources(): Iterable<SourceFile>;
  /** What a migration file does, read from the workspace or from disk. */
  migration(path: string): Promise<MigrationFacts>;
  suggestOwner(path: string): string | undefined;
}

export async function collectFacts(from: FactSources): Promise<WorkspaceFacts> {
  const facts = emptyFacts();
  facts.suggestOwner = (path) => from.suggestOwner(path);
  const planMigrations = new Set<string>();
  for (const source of from.sources()) {
    for (const doc of source.documents) {
      const kind = documentKind(doc.value, source.path);
      if (!kind || !isRecord(doc.value)) continue;
      if (kind === 'flag-set' || kind === 'flagd') collectFlags(source, doc, doc.value, kind, facts);
      if (kind === 'argo-analysis-template') collectTemplate(source, doc, doc.value, facts);
      if (kind === 'release-plan')
        for (const entry of migrationEntries(doc.value)) planMigrations.add(resolveMigrationPath(source.path, entry.file));
    }
  }
  for (const path of planMigrations) facts.migrations.set(path, await from.migration(path));
  return facts;
}

function collectFlags(
  source: SourceFile,
  doc: ParsedDocument,
  value: Record<string, unknown>,
  kind: 'flag-set' | 'flagd',
  facts: WorkspaceFacts,
): void {
  const view = flagsOf(kind, value);
  facts.flagFiles.push({ path: source.path, flagCount: view.flags.length });
  const target = { doc, locate: (path: Parameters<typeof locate>[2]) => locate(source, doc, path) };
  for (const flag of view.flags) {
    const definition: FlagDefinition = {
      key: flag.key,
      file: source.path,
      keyRange: flagRange(target, flag),
      type: flag.type,
      disabled: flag.disabled,
    };
    if (typeof flag.owner?.value === 'string') definition.owner = flag.owner.value;
    if (typeof flag.expires?.value === 'string') definition.expires = flag.expires.value;
    if (flag.variants) definition.variants = flag.variants;
    if (flag.default) definition.default = flag.default.value;
    if (flag.dependsOn.length > 0) definition.dependsOn = flag.dependsOn.map((dependency) => dependency.key);
    const list = facts.flags.get(flag.key);
    if (list) list.push(definition);
    else facts.flags.set(flag.key, [definition]);
  }
}

function collectTemplate(source: SourceFile, doc: ParsedDocument, value: Record<string, unknown>, facts: WorkspaceFacts): void {
  const name = resourceName(value);
  if (name === undefined) return;
  const kind = String(value.kind);
  const key = `${kind}/${name}`;
  const fact = { kind, name, file: source.path, range: locate(source, doc, ['metadata', 'name']).value, value };
  const list = facts.resources.get(key);
  if (list) list.push(fact);
  else facts.resources.set(key, [fact]);
}

/** Everything cross-file rules read from other files, as one string: equal strings give equal findings. */
export function factsFingerprint(facts: WorkspaceFacts, today: string): string {
  return JSON.stringify({
    today,
    flags: [...facts.flags],
    flagFiles: facts.flagFiles,
    migrations: [...facts.migrations],
    resources: [...facts.resources],
  });
}
