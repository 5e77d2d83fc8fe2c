// The files of a workspace as last given, each read once: how it is read (YAML or SQL), its text facts, its parse.
// Files a plan names but the workspace was not given (its migrations) are read through the reader, once.

import { modelineSchema, recognise, schemaKind, type ConfiguredKind, type FileKind } from '../formats/recognise';
import { parseSourceFile, type SourceFile } from '../parse/source-file';
import { readTextFacts, type TextFacts } from '../text/text-facts';

/** Reads files the workspace refers to but was not given (a plan's migration files). */
export interface FileReader {
  read(path: string): Promise<string | undefined>;
}

interface CachedFile {
  path: string;
  text: string;
  kind: FileKind;
  /** What the configuration's `files:` map calls the file. */
  configured?: ConfiguredKind;
  /** Derived once from the text, kept while it is unchanged. */
  textFacts?: TextFacts;
  source?: SourceFile;
}

export class FileCache {
  private readonly files = new Map<string, CachedFile>();
  private readonly external = new Map<string, Promise<string | undefined>>();

  constructor(private readonly reader?: FileReader) {}

  /**
   * Adds or replaces a file; false when Stagegate does not read files of this kind. Unchanged text keeps its parse.
   * `kind` is how a face already recognised the file; without it the file is recognised here.
   */
  set(path: string, text: string, kind?: FileKind, configured?: ConfiguredKind): { accepted: boolean; changed: boolean; added: boolean } {
    kind ??= recognise(path, text, configured);
    if (!kind) {
      const had = this.files.delete(path);
      return { accepted: false, changed: had, added: false };
    }
    const cached = this.files.get(path);
    if (cached && cached.text === text && cached.kind === kind && cached.configured === configured)
      return { accepted: true, changed: false, added: false };
    this.files.set(path, { path, text, kind, configured });
    return { accepted: true, changed: true, added: !cached };
  }

  remove(path: string): boolean {
    this.external.delete(path);
    return this.files.delete(path);
  }

  get(path: string): CachedFile | undefined {
    return this.files.get(path);
  }

  has(path: string): boolean {
    return this.files.has(path);
  }

  paths(): string[] {
    return [...this.files.keys()];
  }

  entries(): IterableIterator<CachedFile> {
    return this.files.values();
  }

  textFacts(file: CachedFile): TextFacts {
    file.textFacts ??= readTextFacts(file.text);
    return file.textFacts;
  }

  /** The parse of a YAML or JSON file in the set. */
  source(path: string): SourceFile | undefined {
    const cached = this.files.get(path);
    if (!cached || cached.kind !== 'yaml') return undefined;
    cached.source ??= declare(parseSourceFile(path, cached.text), cached.configured);
    return cached.source;
  }

  /** A file's text: from the set when it is there, else read once from outside. */
  async textOf(path: string): Promise<string | undefined> {
    const inSet = this.files.get(path);
    if (inSet) return inSet.text;
    let read = this.external.get(path);
    if (!read) this.external.set(path, (read = this.reader?.read(path) ?? Promise.resolve(undefined)));
    return read;
  }

  /** Whether a file exists, in the set or outside it. */
  async exists(path: string): Promise<boolean> {
    return (await this.textOf(path)) !== undefined;
  }

  /** Forgets what was read from outside the set, so the next check reads it again. */
  forgetExternal(path?: string): void {
    if (path === undefined) this.external.clear();
    else this.external.delete(path);
  }
}

/** What the whole file declares it is: the `files:` map's kind, else the schema its modeline names. */
function declare(file: SourceFile, configured: ConfiguredKind | undefined): SourceFile {
  file.modelineSchema = modelineSchema(file.text);
  file.declared = configured && configured !== 'sql-migration' ? configured : schemaKind(file.modelineSchema);
  return file;
}
