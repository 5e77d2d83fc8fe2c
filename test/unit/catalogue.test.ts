// The catalogue's promises: every rule file is in it under its own name, every rule's metadata is complete, and
// the lists other parts of the product keep (retired ids, the schema's scenario kinds) agree with it.
import * as assert from 'assert';
import { readdirSync, readFileSync } from 'fs';
import * as path from 'path';
import { RETIRED_RULE_IDS, ruleMeta, ruleMetas, rulesReading } from '../../src/engine/catalogue';
import { DOCUMENT_KINDS } from '../../src/engine/formats/recognise';
import { SCENARIO_KIND_INFO, SCENARIO_KINDS } from '../../src/engine/model/scenario-kinds';
import { checkOne, only, REPO_ROOT } from './helpers';

const ENGINE = path.join(REPO_ROOT, 'src', 'engine');
const SEVERITIES = ['error', 'warning', 'info', 'hint'];
const SUBJECTS = ['text', 'yaml', ...DOCUMENT_KINDS, 'sql-migration'];

function ruleFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(folder, entry.name);
    if (entry.isDirectory()) return ruleFiles(file);
    return entry.name.endsWith('.ts') && /^export default define(Checker)?Rule\(/m.test(readFileSync(file, 'utf8')) ? [file] : [];
  });
}

describe('the rule catalogue', () => {
  it('lists every rule file of rules/, adapters/ and migrations/, each under the id its file is named after', () => {
    const files = ['rules', 'adapters', 'migrations'].flatMap((folder) => ruleFiles(path.join(ENGINE, folder)));
    const ids = files.map((file) => path.basename(file, '.ts')).sort();
    assert.deepStrictEqual(
      ruleMetas().map((meta) => meta.id),
      ids,
    );
    for (const file of files) assert.match(readFileSync(file, 'utf8'), new RegExp(`\\bid: '${path.basename(file, '.ts')}'`), file);
  });

  it('gives every rule complete metadata', () => {
    for (const meta of ruleMetas()) {
      assert.match(meta.id, /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, meta.id);
      assert.ok(SEVERITIES.includes(meta.defaultSeverity), `${meta.id}: severity ${meta.defaultSeverity}`);
      assert.match(meta.summary, /^[A-Z`].*\.$/, `${meta.id}: the summary is one sentence`);
      for (const subject of meta.reads) assert.ok(SUBJECTS.includes(subject), `${meta.id} reads ${subject}`);
      for (const [name, option] of Object.entries(meta.options ?? {})) {
        assert.match(name, /^[a-z][A-Za-z]*$/, `${meta.id}.${name}`);
        assert.ok(['number', 'string', 'boolean'].includes(typeof option.default), `${meta.id}.${name} has a default`);
        assert.ok(option.description.length > 10, `${meta.id}.${name} is described`);
      }
      if (meta.family === 'migration') assert.ok(meta.impact?.length, `${meta.id}: a migration rule names its impact`);
    }
  });

  it('runs a rule for every subject it reads, and only checker rules read nothing', () => {
    for (const meta of ruleMetas()) {
      for (const subject of meta.reads)
        assert.ok(
          rulesReading(subject).some((rule) => rule.meta.id === meta.id),
          meta.id,
        );
      if (meta.reads.length === 0) assert.ok(['internal-error', 'too-many-findings'].includes(meta.id), `${meta.id} reads nothing`);
    }
  });

  it('maps every retired id to a rule that exists, and no rule keeps a retired id', () => {
    for (const [retired, current] of Object.entries(RETIRED_RULE_IDS)) {
      assert.strictEqual(ruleMeta(retired), undefined, retired);
      assert.ok(ruleMeta(current), `${retired} → ${current}`);
    }
  });

  it('every rule id a test compares a finding with names a rule', () => {
    const unknown: string[] = [];
    // stagegate trace's findings need a database, so they are not catalogue rules: docs/trace.md's table documents them.
    const traceFindings = new Set(
      [...readFileSync(path.join(REPO_ROOT, 'docs/trace.md'), 'utf8').matchAll(/^\| `(trace-[a-z-]+)` \|/gm)].map((m) => m[1]),
    );
    assert.ok(traceFindings.size >= 3, 'docs/trace.md lists the findings of stagegate trace');
    // Nor is the readiness finding that needs a metrics server (check --metrics, calibrate): docs/metrics.md documents it.
    const metricsDoc = readFileSync(path.join(REPO_ROOT, 'docs/metrics.md'), 'utf8');
    for (const id of ['metrics-label-missing']) {
      assert.ok(metricsDoc.includes(`\`${id}\``), `docs/metrics.md documents ${id}`);
      traceFindings.add(id);
    }
    const walk = (folder: string): string[] =>
      readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory() ? walk(path.join(folder, entry.name)) : entry.name.endsWith('.ts') ? [path.join(folder, entry.name)] : [],
      );
    for (const file of walk(path.join(REPO_ROOT, 'test'))) {
      const text = readFileSync(file, 'utf8');
      // finding.ruleId === '<id>', ruleId(diagnostic) !== '<id>', assert.strictEqual(finding.ruleId, '<id>')
      for (const match of text.matchAll(/\bruleId(?:\(\w+\))?(?: [!=]==|,) '([a-z0-9-]+)'/g)) {
        if (match[1] !== 'string' && !ruleMeta(match[1]) && !traceFindings.has(match[1]))
          unknown.push(`${path.relative(REPO_ROOT, file)}: ${match[1]}`);
      }
    }
    assert.deepStrictEqual(unknown, []);
  });

  it('test helpers refuse a rule id the catalogue does not know', async () => {
    const findings = await checkOne('/w/a.flags.yaml', 'apiVersion: stagegate.dev/v1\nkind: FlagSet\nflags: {}\n');
    assert.throws(() => only(findings, 'flag-missing-ownr'), /no rule has the id "flag-missing-ownr"/);
  });
});

describe('the scenario kinds', () => {
  const schema = JSON.parse(readFileSync(path.join(REPO_ROOT, 'schemas', 'release-plan.schema.json'), 'utf8'));

  function scenarioKindSchema(node: unknown): { enum: string[]; description: string } | undefined {
    if (!node || typeof node !== 'object') return undefined;
    const kind = (node as { properties?: { kind?: { enum?: string[]; description: string } } }).properties?.kind;
    if (kind?.enum?.includes('error-spike')) return kind as { enum: string[]; description: string };
    for (const child of Object.values(node)) {
      const found = scenarioKindSchema(child);
      if (found) return found;
    }
    return undefined;
  }

  it("are the release-plan schema's scenario kinds, in the same order, each named in its description", () => {
    const kind = scenarioKindSchema(schema);
    assert.deepStrictEqual(kind?.enum, SCENARIO_KINDS);
    for (const name of SCENARIO_KINDS) assert.ok(kind!.description.includes(`\`${name}\``), name);
  });

  it("say which failures are not the new version's: a stop there is a false rollback", () => {
    assert.deepStrictEqual(
      SCENARIO_KINDS.filter((name) => !SCENARIO_KIND_INFO[name].newVersionAtFault),
      ['healthy', 'dependency-outage', 'dependency-degradation'],
    );
  });
});
