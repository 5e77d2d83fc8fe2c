// The static lock model tested against a real PostgreSQL, twice: PGlite (embedded, what `stagegate trace` runs by
// default) and Debian's PostgreSQL server. lock-oracle.ts says what is compared; the tables are written to
// out/lock-oracle/. A difference fails the test unless KNOWN_DIFFERENCES explains it.

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { ruleMetas } from '../../../src/engine/catalogue';
import { LOCK_NAMES, type LockMode } from '../../../src/engine/sql/statement';
import { REPO_ROOT } from '../helpers';
import { startServer, type TestServer } from '../postgres-server';
import {
  compare,
  docExamples,
  fixtureExamples,
  pgliteOracle,
  serverOracle,
  table,
  type Example,
  type KnownDifference,
  type Oracle,
  type Row,
} from './lock-oracle';
import { analyseMigration } from '../../../src/engine/workspace/analyse-migration';
import { defaultConfig } from '../../../src/engine/config/config';

/** Differences the model keeps on purpose, each with why. */
const KNOWN_DIFFERENCES: KnownDifference[] = [
  {
    statement: /^ALTER DOMAIN /,
    difference: /^locks: model none, observed subscribers SHARE$/,
    why: 'A domain constraint is checked in every table with a column of the domain: the model does not know which tables those are.',
  },
  {
    statement: /^TRUNCATE /,
    difference: /^rewrites: stated none; observed order_events$/,
    why: 'TRUNCATE gives the table new, empty storage (a new relfilenode) but copies nothing: it is not the rewrite the rules speak of.',
  },
];

/** Statements the two PostgreSQL versions treat differently, each with why. */
const KNOWN_ORACLE_DIFFERENCES: { statement: RegExp; why: string }[] = [
  {
    statement: /^CREATE EXTENSION IF NOT EXISTS btree_gist$|^ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist/,
    why: "PGlite loads no extension unless asked (trace asks for none): btree_gist, which the constraint's = on bigint needs, is the server's only.",
  },
  {
    statement: /^ALTER DOMAIN \S+ ADD CONSTRAINT \S+ NOT NULL$/,
    why: "PostgreSQL 15's grammar refuses NOT NULL in ALTER DOMAIN ... ADD CONSTRAINT (a syntax error); PGlite's newer PostgreSQL accepts it.",
  },
];

const OUT = path.join(REPO_ROOT, 'out', 'lock-oracle');

function differences(rows: Row[]): string[] {
  return rows
    .filter((row) => row.status === 'differs')
    .map((row) => `${row.example}, ${path.basename(row.file)}:${row.line}: ${row.sql}\n    ${row.notes.join('\n    ')}`);
}

function figures(rows: Row[]): string {
  const count = (status: Row['status']) => rows.filter((row) => row.status === status).length;
  return `${rows.length - count('not compared')} statements compared: ${count('agrees')} agree, ${count('known')} known differences, ${count('differs')} differ (${count('not compared')} not compared)`;
}

describe('the static lock model against a real PostgreSQL', function () {
  this.timeout(180_000);
  const migrationRules = ruleMetas()
    .filter((meta) => meta.family === 'migration')
    .map((meta) => meta.id);
  let examples: Example[];
  const results = new Map<string, { oracle: string; rows: Row[] }>();

  before(() => {
    examples = [...docExamples(REPO_ROOT, migrationRules), ...fixtureExamples(REPO_ROOT)];
    fs.mkdirSync(OUT, { recursive: true });
  });

  it('every migration rule page has SQL examples to compare', () => {
    const named = new Set(examples.map((example) => example.name.replace(/ \((bad|good)\)$/, '')));
    // migration-statement-too-large's example (a statement over 1 MiB) cannot be written on its page.
    const missing = migrationRules.filter((id) => !named.has(id) && id !== 'migration-statement-too-large');
    assert.deepStrictEqual(missing, []);
  });

  it('each lock a finding states is the one its message names', async () => {
    const config = defaultConfig('2026-11-26');
    let stated = 0;
    for (const example of examples)
      for (const file of example.files) {
        for (const hazard of (await analyseMigration(file.text, { config, fileName: file.path })).hazards)
          for (const effect of hazard.effects ?? []) {
            if (effect.rewrite) assert.match(hazard.message, /rewrit/, `${hazard.ruleId} states a rewrite but says: ${hazard.message}`);
            if (effect.lock === undefined) continue;
            stated++;
            assert.ok(
              hazard.message.includes(LOCK_NAMES[effect.lock as LockMode]),
              `${hazard.ruleId} states ${LOCK_NAMES[effect.lock as LockMode]} but says: ${hazard.message}`,
            );
          }
      }
    assert.ok(stated > 20, `only ${stated} stated locks`);
  });

  describe("on PGlite and on Debian's PostgreSQL server", () => {
    let server: TestServer | undefined;
    // Both oracles run at once: PGlite works in this process, the server in its own.
    before(async () => {
      server = await startServer();
      const run = async (key: string, open: () => Promise<Oracle>) => {
        const oracle = await open();
        try {
          const rows = await compare(examples, oracle, KNOWN_DIFFERENCES);
          results.set(key, { oracle: oracle.name, rows });
          fs.writeFileSync(path.join(OUT, `${key}.md`), table(oracle.name, rows));
        } finally {
          await oracle.close();
        }
      };
      await Promise.all([run('pglite', pgliteOracle), run('server', () => serverOracle(server!.url('postgres')))]);
    });
    after(() => server?.stop());

    for (const key of ['pglite', 'server'])
      it(`${key === 'pglite' ? 'PGlite' : 'the server'} observes what the model and the rules say`, () => {
        const result = results.get(key);
        assert.ok(result, `${key} ran`);
        console.log(`      ${result.oracle}: ${figures(result.rows)}; table in out/lock-oracle/${key}.md`);
        assert.deepStrictEqual(differences(result.rows), []);
      });

    it('every known difference still occurs', () => {
      const rows = [...results.values()].flatMap((result) => result.rows);
      const stale = KNOWN_DIFFERENCES.filter(
        (known) =>
          !rows.some(
            (row) => row.status === 'known' && known.statement.test(row.sql) && row.notes.some((note) => known.difference.test(note)),
          ),
      );
      assert.deepStrictEqual(
        stale.map((known) => known.why),
        [],
      );
    });

    it('agrees with PGlite, statement by statement', () => {
      const pglite = results.get('pglite');
      const postgres = results.get('server');
      assert.ok(pglite && postgres, 'both oracles ran');
      assert.strictEqual(pglite.rows.length, postgres.rows.length);
      const disagreements = pglite.rows.flatMap((row, i) => {
        const other = postgres.rows[i];
        // What each observed: the locks and rewrites, or that it could not (refused, not run, not parsed). Why a
        // statement was refused may differ between versions; that it was, may not, unless known.
        const seen = (r: Row) =>
          r.status === 'not compared'
            ? r.notes[0]?.startsWith('PostgreSQL refused')
              ? 'refused'
              : 'not run'
            : `${r.observed}; ${r.rewrites}`;
        const explained = KNOWN_ORACLE_DIFFERENCES.some((known) => known.statement.test(row.sql));
        return seen(row) === seen(other) || explained
          ? []
          : [
              `${row.example}, ${path.basename(row.file)}:${row.line}: ${row.sql}\n    ${pglite.oracle}: ${seen(row)}\n    ${postgres.oracle}: ${seen(other)}`,
            ];
      });
      assert.deepStrictEqual(disagreements, []);
    });
  });
});
