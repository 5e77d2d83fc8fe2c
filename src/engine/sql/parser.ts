// Loads the PostgreSQL parser (libpg-query, compiled to WASM) once, and wraps the two calls the analysis makes.

import type { Node, ScanToken } from 'libpg-query';

type PgQuery = typeof import('libpg-query');

let pgQuery: PgQuery | undefined;
let loading: Promise<void> | undefined;

/**
 * Loads the parser; later calls share the first load. libpg-query starts compiling its WASM as soon as it is
 * required, so it is required here, lazily, not at import: faces that never see SQL never pay for it.
 * The WASM is found beside the loader's own file (`__dirname`): node_modules/libpg-query/wasm/ when run from
 * `out/`, and `dist/` in the bundles, where scripts/build.mjs copies libpg-query.wasm.
 */
export function loadSqlParser(): Promise<void> {
  loading ??= (async () => {
    try {
      // A require, not an import(): the CLI bundle keeps the loader in a sibling file, and Node's ESM loader would
      // cost a run more than the file itself.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const module = require('libpg-query') as PgQuery;
      await module.loadModule();
      pgQuery = module;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(
        `Stagegate could not load the PostgreSQL parser (libpg-query.wasm must sit beside the code that loads it): ${reason}`,
        { cause: error },
      );
    }
  })();
  return loading;
}

function loaded(): PgQuery {
  if (!pgQuery) throw new Error('The SQL parser is not loaded: await loadSqlParser() first.');
  return pgQuery;
}

/** One statement as the parser returned it; locations are UTF-8 byte offsets into the text that was parsed. */
interface ParsedStatement {
  ast: Node;
  byteStart: number;
  /** Undefined when the statement runs to the end of the parsed text. */
  byteLength: number | undefined;
}

type ParseOutcome =
  | { ok: true; statements: ParsedStatement[] }
  | {
      ok: false;
      message: string;
      /** 0-based UTF-8 byte offset of the error, when PostgreSQL gives one. */ byteOffset: number | undefined;
    };

export function parseSql(text: string): ParseOutcome {
  const pg = loaded();
  try {
    const result = pg.parseSync(text);
    const statements = (result.stmts ?? []).flatMap((raw) =>
      // Protobuf leaves zero-valued fields out: a missing location is 0, a missing length means "to the end".
      raw.stmt ? [{ ast: raw.stmt, byteStart: raw.stmt_location ?? 0, byteLength: raw.stmt_len || undefined }] : [],
    );
    return { ok: true, statements };
  } catch (error) {
    const details = pg.hasSqlDetails(error) ? error.sqlDetails : undefined;
    const message = details?.message ?? (error instanceof Error ? error.message : String(error));
    const cursor = details?.cursorPosition;
    return { ok: false, message, byteOffset: typeof cursor === 'number' && cursor >= 0 ? cursor : undefined };
  }
}

/** The parser's tokens (comments included), or undefined when the text does not lex (an unterminated literal). */
export function scanSql(text: string): ScanToken[] | undefined {
  try {
    return loaded().scanSync(text).tokens;
  } catch {
    return undefined;
  }
}
