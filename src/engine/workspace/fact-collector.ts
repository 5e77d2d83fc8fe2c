// Facts gathered across the workspace before rules run, so cross-file rules need not re-read other files: the flags
// of every flag set and flagd file, the resources other documents name (Argo AnalysisTemplates, Flagger
// MetricTemplates and AlertProviders), and what each migration a plan ships does.

import { resourceName, resourceNamespace } from '../adapters/read';
import { flagsOf } from '../catalogue/views';
import { documentKind, resolveMigrationPath } from '../formats/recognise';
import { emptyFacts, type FlagDefinition, type MigrationFacts, type ResourceFact, type WorkspaceFacts } from '../model/facts';
import { isOwner, type OwnerSuggestion } from '../model/owner';
import { migrationEntries } from '../model/plan-view';
import { locate, type ParsedDocument, type SourceFile } from '../parse/source-file';
import { flagRange } from '../rule-kit/flags';
import { isRecord } from '../values';

interface FactSources {
  /** The parsed YAML and JSON files of the workspace. */
  sources(): Iterable<SourceFile>;
  /** What a migration file does, read from the workspace or from disk. */
  migration(path: string): Promise<MigrationFacts>;
  defaultOwner(path: string): string | undefined;
  suggestOwner(path: string): OwnerSuggestion | undefined;
}

/** What one parsed document adds to the workspace's facts; computed once per parse, since a parse is never edited. */
interface DocumentFacts {
  flags: FlagDefinition[];
  flagFile?: { path: string; flagCount: number };
  resource?: { key: string; fact: ResourceFact };
  /** Migration paths a plan ships, resolved against the plan's folder. */
  migrations: string[];
  /** The above as JSON: what the fingerprint of the workspace's facts is made of. */
  json: string;
}

const documentFactsCache = new WeakMap<ParsedDocument, DocumentFacts>();

/** The workspace's facts, and a fingerprint of them: equal fingerprints give equal findings for unchanged files. */
export async function collectFacts(from: FactSources, today: string): Promise<{ facts: WorkspaceFacts; fingerprint: string }> {
  const facts = emptyFacts();
  facts.defaultOwner = (path) => from.defaultOwner(path);
  facts.suggestOwner = (path) => from.suggestOwner(path);
  const planMigrations = new Set<string>();
  const parts: string[] = [];
  for (const source of from.sources()) {
    for (const doc of source.documents) {
      let contribution = documentFactsCache.get(doc);
      if (!contribution) {
        contribution = documentFacts(source, doc);
        documentFactsCache.set(doc, contribution);
      }
      if (contribution.json === EMPTY_JSON) continue;
      parts.push(contribution.json);
      for (const definition of contribution.flags) {
        const list = facts.flags.get(definition.key);
        if (list) list.push(definition);
        else facts.flags.set(definition.key, [definition]);
      }
      if (contribution.flagFile) facts.flagFiles.push(contribution.flagFile);
      if (contribution.resource) {
        const list = facts.resources.get(contribution.resource.key);
        if (list) list.push(contribution.resource.fact);
        else facts.resources.set(contribution.resource.key, [contribution.resource.fact]);
      }
      for (const path of contribution.migrations) planMigrations.add(path);
    }
  }
  for (const path of planMigrations) facts.migrations.set(path, await from.migration(path));
  const fingerprint = `${today}\n${parts.join('\n')}\n${JSON.stringify([...facts.migrations])}`;
  return { facts, fingerprint };
}

const EMPTY_JSON = JSON.stringify({ flags: [], migrations: [] });

function documentFacts(source: SourceFile, doc: ParsedDocument): DocumentFacts {
  const contribution: DocumentFacts = { flags: [], migrations: [], json: '' };
  const kind = documentKind(doc.value, source.path, source.declared);
  if (kind && isRecord(doc.value)) {
    if (kind === 'flag-set' || kind === 'flagd') collectFlags(source, doc, doc.value, kind, contribution);
    if (kind === 'argo-analysis-template' || kind === 'flagger-metric-template' || kind === 'flagger-alert-provider')
      collectResource(source, doc, doc.value, contribution);
    if (kind === 'release-plan')
      contribution.migrations = migrationEntries(doc.value).map((entry) => resolveMigrationPath(source.path, entry.file));
  }
  contribution.json = JSON.stringify(
    {
      flags: contribution.flags,
      flagFile: contribution.flagFile,
      resource: contribution.resource,
      migrations: contribution.migrations,
    },
    withoutRepeats(),
  );
  return contribution;
}

/**
 * A JSON.stringify replacer for values parsed from YAML: an alias may repeat a node or hold itself (`x: &a [*a]`),
 * which JSON cannot write. Each object is written once; a repeat is a marker, as deterministic as the text.
 */
function withoutRepeats(): (key: string, value: unknown) => unknown {
  const seen = new WeakSet<object>();
  return (_key, value) => {
    if (typeof value !== 'object' || value === null) return value;
    if (seen.has(value)) return '[repeated]';
    seen.add(value);
    return value;
  };
}

function collectFlags(
  source: SourceFile,
  doc: ParsedDocument,
  value: Record<string, unknown>,
  kind: 'flag-set' | 'flagd',
  contribution: DocumentFacts,
): void {
  const view = flagsOf(kind, value);
  contribution.flagFile = { path: source.path, flagCount: view.flags.length };
  const target = { doc, locate: (path: Parameters<typeof locate>[2]) => locate(source, doc, path) };
  for (const flag of view.flags) {
    const definition: FlagDefinition = {
      key: flag.key,
      file: source.path,
      keyRange: flagRange(target, flag),
      type: flag.type,
      disabled: flag.disabled,
    };
    if (isOwner(flag.owner?.value)) definition.owner = flag.owner.value;
    if (typeof flag.expires?.value === 'string') definition.expires = flag.expires.value;
    if (flag.variants) definition.variants = flag.variants;
    if (flag.default) definition.default = flag.default.value;
    if (flag.dependsOn.length > 0) definition.dependsOn = flag.dependsOn.map((dependency) => dependency.key);
    contribution.flags.push(definition);
  }
}

function collectResource(source: SourceFile, doc: ParsedDocument, value: Record<string, unknown>, contribution: DocumentFacts): void {
  const name = resourceName(value);
  if (name === undefined) return;
  const kind = String(value.kind);
  const fact: ResourceFact = {
    kind,
    name,
    clusterScoped: kind === 'ClusterAnalysisTemplate',
    file: source.path,
    range: locate(source, doc, ['metadata', 'name']).value,
    value,
  };
  const namespace = resourceNamespace(value);
  if (namespace !== undefined && !fact.clusterScoped) fact.namespace = namespace;
  contribution.resource = { key: `${kind}/${name}`, fact };
}
