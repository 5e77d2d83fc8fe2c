// The JSON Schema of `.stagegate.yaml` that editors use for completion and hover (package.json yamlValidation): it
// accepts the documented examples, rejects what the configuration reader reports, and lists what the engine knows.

import * as assert from 'assert';
import Ajv from 'ajv';
import { readFileSync, readdirSync } from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { MIGRATION_TOOLS } from '../../src/engine/formats/migration-tools';
import { CONFIGURED_KINDS } from '../../src/engine/formats/recognise';
import { FIXTURES, REPO_ROOT } from './helpers';

const schema = JSON.parse(readFileSync(path.join(REPO_ROOT, 'schemas', 'stagegate-config.schema.json'), 'utf8')) as {
  properties: Record<
    string,
    {
      properties?: Record<string, unknown>;
      oneOf?: { properties?: Record<string, { enum?: string[] }> }[];
      additionalProperties?: { enum?: string[] };
    }
  >;
};
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

/** The YAML blocks of a docs page that start with `# .stagegate.yaml`. */
function documentedExamples(page: string): unknown[] {
  const text = readFileSync(path.join(REPO_ROOT, 'docs', page), 'utf8');
  return [...text.matchAll(/```yaml\n(# \.stagegate\.yaml\n[\s\S]*?)```/g)].map((match) => parse(match[1]) as unknown);
}

describe('the .stagegate.yaml schema', () => {
  it('is the schema VS Code gives .stagegate.yaml files', () => {
    const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
      contributes: { yamlValidation: { fileMatch: string[]; url: string }[] };
    };
    const entry = manifest.contributes.yamlValidation.find((candidate) => candidate.fileMatch.includes('.stagegate.yaml'));
    assert.strictEqual(entry?.url, './schemas/stagegate-config.schema.json');
  });

  it('accepts every .stagegate.yaml example of docs/configuration.md', () => {
    const examples = documentedExamples('configuration.md');
    assert.ok(examples.length >= 3, `found ${examples.length} examples`);
    for (const example of examples) assert.ok(validate(example), JSON.stringify(validate.errors));
  });

  it('names every migration tool and file kind the engine knows, and describes each setting', () => {
    const mapping = schema.properties.migrations.oneOf?.find((branch) => branch.properties)?.properties;
    assert.deepStrictEqual(mapping?.tool.enum, [...MIGRATION_TOOLS]);
    assert.deepStrictEqual(schema.properties.files.additionalProperties?.enum, [...CONFIGURED_KINDS]);
    for (const [key, property] of Object.entries(schema.properties))
      assert.ok(typeof (property as { description?: unknown }).description === 'string', `${key} has no description`);
  });

  it('accepts the configurations of the migration-tool fixtures, and rejects the one check reports problems in', () => {
    const folder = path.join(FIXTURES, 'migration-tools', 'configs');
    for (const name of readdirSync(folder)) {
      const config = parse(readFileSync(path.join(folder, name), 'utf8')) as unknown;
      if (name === 'bad.stagegate.yaml') assert.strictEqual(validate(config), false, name);
      else assert.ok(validate(config), `${name}: ${JSON.stringify(validate.errors)}`);
    }
    assert.strictEqual(validate({ migrations: { tool: 'flyway', postgresVersion: 16.5 } }), false);
    assert.ok(validate({ migrations: ['db/**/*.sql'] }));
  });
});
