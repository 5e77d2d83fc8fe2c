import * as assert from 'assert';
import { readFileSync } from 'fs';
import * as path from 'path';
import { at, checkOne, lines, only, REPO_ROOT } from './helpers';

const PLAN_HEAD = [
  'apiVersion: stagegate.dev/v1',
  'kind: ReleasePlan',
  'metadata:',
  '  name: checkout',
  '  service: checkout',
  '  owner: team-payments',
];

describe('schema validation of release plans', () => {
  it('reports an unknown key at the key, suggesting the nearest known one', async () => {
    const findings = only(
      await checkOne('p.release.yaml', lines(...PLAN_HEAD, 'stages:', '  - name: a', '    weight: 1', '    duraton: 30m')),
      'schema',
    );
    assert.deepStrictEqual(findings.map(at), ['schema@9:4-9:11']);
    assert.strictEqual(findings[0].message, 'Unknown key "duraton" in stages[0]. Did you mean "duration"?');
  });

  it("reports a wrong type, an out-of-range number and a bad enum at the value, in the user's terms", async () => {
    const text = lines(...PLAN_HEAD, 'strategy: canery', 'stages:', '  - name: a', '    weight: 150', '  - name: b', '    weight: lots');
    const findings = only(await checkOne('p.release.yaml', text), 'schema');
    assert.deepStrictEqual(
      findings.map((finding) => `${at(finding)} ${finding.message}`),
      [
        'schema@6:10-6:16 strategy must be one of: canary, blue-green.',
        'schema@9:12-9:15 stages[0].weight must be at most 100.',
        'schema@11:12-11:16 stages[1].weight must be a number.',
      ],
    );
  });

  it("reports a missing required key at the parent's key", async () => {
    const text = lines(
      'apiVersion: stagegate.dev/v1',
      'kind: ReleasePlan',
      'metadata:',
      '  name: checkout',
      '  service: checkout',
      'stages:',
      '  - weight: 1',
    );
    const findings = only(await checkOne('p.release.yaml', text), 'schema');
    assert.deepStrictEqual(
      findings.map((finding) => `${at(finding)} ${finding.message}`),
      ['schema@2:0-2:8 metadata is missing the required key "owner".', 'schema@6:4-6:13 stages[0] is missing the required key "name".'],
    );
  });

  it('explains a malformed duration', async () => {
    const findings = only(
      await checkOne('p.release.yaml', lines(...PLAN_HEAD, 'stages:', '  - name: a', '    weight: 1', '    duration: 2 hours')),
      'schema',
    );
    assert.deepStrictEqual(findings.map(at), ['schema@9:14-9:21']);
    assert.match(findings[0].message, /stages\[0\]\.duration must be a duration such as 30s, 5m, 2h/);
  });

  it('validates JSON plans with the same ranges', async () => {
    const json =
      '{\n  "apiVersion": "stagegate.dev/v1",\n  "kind": "ReleasePlan",\n  "metadata": {"name": "a", "service": "b", "owner": "c"},\n  "stages": [{"name": "s", "weight": -1}]\n}\n';
    const findings = only(await checkOne('p.release.json', json), 'schema');
    assert.deepStrictEqual(
      findings.map((finding) => `${at(finding)} ${finding.message}`),
      ['schema@4:37-4:39 stages[0].weight must be at least 0.'],
    );
  });

  it('reports a duplicate key in a plan at the second key', async () => {
    const findings = only(
      await checkOne('p.release.yaml', lines(...PLAN_HEAD, 'stages:', '  - name: a', '    weight: 1', '    weight: 2')),
      'duplicate-key',
    );
    assert.deepStrictEqual(findings.map(at), ['duplicate-key@9:4-9:10']);
    assert.strictEqual(findings[0].related?.[0].range.start.line, 8);
  });
});

describe('schema validation of flag sets', () => {
  it('accepts a flag without owner or expiry (the lint rules report those)', async () => {
    const findings = only(
      await checkOne('f.flags.yaml', lines('apiVersion: stagegate.dev/v1', 'kind: FlagSet', 'flags:', '  a:', '    default: false')),
      'schema',
    );
    assert.deepStrictEqual(findings, []);
  });

  it('reports a date that is not YYYY-MM-DD at the value', async () => {
    const findings = only(
      await checkOne('f.flags.yaml', lines('apiVersion: stagegate.dev/v1', 'kind: FlagSet', 'flags:', '  a:', '    expires: next week')),
      'schema',
    );
    assert.deepStrictEqual(
      findings.map((finding) => `${at(finding)} ${finding.message}`),
      ['schema@4:13-4:22 flags.a.expires must be a date written YYYY-MM-DD.'],
    );
  });

  it('recognises a file by content when its name says nothing', async () => {
    const findings = await checkOne(
      'config/rollout.yaml',
      lines('apiVersion: stagegate.dev/v1', 'kind: FlagSet', 'flags:', '  a:', '    type: forever'),
    );
    assert.deepStrictEqual(only(findings, 'schema').map(at), ['schema@4:10-4:17']);
  });
});

describe('the schemas themselves', () => {
  for (const name of ['release-plan', 'flag-set']) {
    it(`${name}: every property has a description and an example`, () => {
      const schema = JSON.parse(readFileSync(path.join(REPO_ROOT, 'schemas', `${name}.schema.json`), 'utf8'));
      const missing: string[] = [];
      const resolve = (node: any): any => (node && node.$ref ? resolve(schema.definitions[node.$ref.split('/').pop()]) : node);
      const walk = (node: any, where: string, seen: Set<any>) => {
        if (!node || typeof node !== 'object' || seen.has(node)) return;
        seen.add(node);
        for (const [key, child] of Object.entries<any>(node.properties ?? {})) {
          const resolved = resolve(child);
          if (!child.description && !resolved.description) missing.push(`${where}.${key}: description`);
          if (!child.examples && !resolved.examples) missing.push(`${where}.${key}: examples`);
          walk(resolved, `${where}.${key}`, seen);
        }
        for (const sub of [node.items, node.additionalProperties])
          if (sub && typeof sub === 'object') walk(resolve(sub), where + '[]', seen);
      };
      walk(schema, name, new Set());
      assert.deepStrictEqual(missing, []);
    });
  }
});
