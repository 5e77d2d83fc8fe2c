import * as assert from 'assert';
import { applyFixes } from '../../../src/engine/fix';
import { documentKind, recognise } from '../../../src/engine/formats/recognise';
import { at, checkFiles, checkOne, lines, only } from '../helpers';
import { checkFolder } from './helpers';

describe('flagd files', () => {
  describe('recognition', () => {
    it('recognises *.flagd.json and *.flagd.yaml by name, and other JSON or YAML by a flagd $schema', () => {
      assert.strictEqual(recognise('a/flags.flagd.json', '{}'), 'yaml');
      assert.strictEqual(recognise('a/flags.flagd.yaml'), 'yaml');
      assert.strictEqual(recognise('a/flags.json', '{ "$schema": "https://flagd.dev/schema/v0/flags.json", "flags": {} }'), 'yaml');
      assert.strictEqual(recognise('a/x.json', '{ "$schema": "../../../flagd.json", "flags": [] }'), 'yaml');
      assert.strictEqual(recognise('a/tsconfig.json', '{ "$schema": "https://json.schemastore.org/tsconfig" }'), undefined);
      assert.strictEqual(recognise('a/package.json', '{ "name": "x" }'), undefined);
      assert.strictEqual(documentKind({ flags: {} }, 'a/x.flagd.json'), 'flagd');
      assert.strictEqual(documentKind({ $schema: 'https://flagd.dev/schema/v0/flags.json', flags: {} }, 'a/x.json'), 'flagd');
    });
  });

  describe('schema', () => {
    it('flags.json wants a map of flags; flagd.json (and a *.flagd.json without $schema) also takes a list', async () => {
      const list = '{ "flags": [ { "key": "a", "state": "ENABLED", "variants": { "on": true } } ] }\n';
      assert.deepStrictEqual(
        (await checkOne('x.json', list.replace('{ "flags"', '{ "$schema": "./flags.json", "flags"')))
          .filter((f) => f.ruleId === 'schema')
          .map((f) => `${at(f)} ${f.message}`),
        ['schema@0:38-0:104 flags must be a mapping of keys to values.'],
      );
      assert.deepStrictEqual(
        only(await checkOne('x.json', list.replace('{ "flags"', '{ "$schema": "./flagd.json", "flags"')), 'schema'),
        [],
      );
      assert.deepStrictEqual(only(await checkOne('x.flagd.json', list), 'schema'), []);
    });

    it('variants of mixed types are one finding on `variants`, not one per flag type flagd knows', async () => {
      const text = lines('flags:', '  a:', '    state: ENABLED', '    variants: { "on": true, "off": "no" }');
      const findings = only(await checkOne('x.flagd.yaml', text), 'schema');
      assert.deepStrictEqual(
        findings.map((f) => `${at(f)} ${f.message}`),
        ['schema@3:4-3:12 flags.a.variants mixes boolean and string values; flagd needs every variant of a flag to have one type.'],
      );
    });

    it('a wrong state is reported at the value, and missing keys are named together', async () => {
      const text = lines('flags:', '  a:', '    state: ON', '    variants: { "on": true }', '  b: {}');
      const findings = only(await checkOne('x.flagd.yaml', text), 'schema');
      assert.deepStrictEqual(
        findings.map((f) => `${at(f)} ${f.message}`),
        [
          'schema@2:11-2:13 flags.a.state must be one of: ENABLED, DISABLED.',
          'schema@4:2-4:3 flags.b is missing the required keys "state" and "variants".',
        ],
      );
    });

    it('duplicate flag keys in a flagd YAML file are flag-duplicate-key', async () => {
      const text = lines(
        'flags:',
        '  a: { state: ENABLED, variants: { "on": true } }',
        '  a: { state: ENABLED, variants: { "on": true } }',
      );
      assert.deepStrictEqual(only(await checkOne('x.flagd.yaml', text), 'flag-duplicate-key').map(at), ['flag-duplicate-key@2:2-2:3']);
    });
  });

  describe('flag rules read flagd metadata', () => {
    it('a flagd file with metadata.owner on the set and metadata.expires on the flag raises nothing', async () => {
      const findings = await checkFolder('flagd');
      assert.deepStrictEqual(findings['flagd/checkout.flagd.yaml'].map(at), []);
    });

    it('owner, expiry and defaultVariant are checked per flag, at the flag key or the value', async () => {
      const findings = await checkFolder('flagd');
      assert.deepStrictEqual(findings['flagd/metadata.flagd.json'].map(at), [
        'flag-missing-owner@2:4-2:14',
        'flag-default-not-a-variant@11:24-11:28',
        'flag-expired@12:50-12:62',
        'flag-missing-expiry@14:4-14:15',
      ]);
    });

    it("the flag set's metadata is every flag's fallback, and a set-wide expiry is reported once", async () => {
      const findings = (await checkFolder('flagd'))['flagd/set-metadata.flagd.yaml'];
      assert.deepStrictEqual(findings.map(at), ['flag-expiring-soon@2:11-2:23']);
      assert.match(findings[0].message, /The flag set's expiry, for 2 flags \(ranking-v2, snippets\), expires in 5 days/);
    });

    it('metadata.type permission or kill-switch exempts a flag from expiry, as type does in a flag set', async () => {
      const text = lines(
        'metadata: { owner: team-a }',
        'flags:',
        '  a: { state: ENABLED, variants: { "on": true }, metadata: { type: kill-switch } }',
        '  b: { state: ENABLED, variants: { "on": true }, metadata: { type: ops } }',
      );
      const findings = only(await checkOne('x.flagd.yaml', text), 'flag-missing-expiry');
      assert.deepStrictEqual(findings.map(at), ['flag-missing-expiry@3:2-3:3']);
      assert.match(findings[0].message, /Ops flag "b" has no expiry date \(metadata\.expires\).*Typical lifetime for this type: 7 days/);
    });

    it('the list form reports at the flag\'s "key" value', async () => {
      const json =
        '{"$schema": "./flagd.json", "metadata": {"owner": "t"}, "flags": [{"key": "a", "state": "ENABLED", "variants": {"on": true}}]}\n';
      assert.deepStrictEqual(only(await checkOne('x.json', json), 'flag-missing-expiry').map(at), ['flag-missing-expiry@0:74-0:77']);
    });

    it('a malformed metadata.expires is a schema finding at the value, not a missing expiry', async () => {
      const text = lines(
        'metadata: { owner: t }',
        'flags:',
        '  a: { state: ENABLED, variants: { "on": true }, metadata: { expires: next week } }',
      );
      const findings = await checkOne('x.flagd.yaml', text);
      assert.deepStrictEqual(
        findings.map((f) => `${at(f)} ${f.message}`),
        ['schema@2:70-2:79 metadata.expires of flag "a" must be a date written YYYY-MM-DD.'],
      );
    });

    it('the add-owner fix creates metadata in JSON, or adds owner to existing metadata in YAML', async () => {
      const json = '{"flags": {"a": {"state": "ENABLED", "variants": {"on": true}, "defaultVariant": "on"}}}\n';
      const jsonFindings = only(await checkOne('x.flagd.json', json), 'flag-missing-owner');
      const fixedJson = applyFixes(json, jsonFindings, false).text;
      assert.deepStrictEqual(JSON.parse(fixedJson).flags.a.metadata, { owner: 'TODO-owner' });

      const yaml = lines(
        'flags:',
        '  a:',
        '    state: ENABLED',
        '    variants: { "on": true }',
        '    metadata:',
        '      expires: "2026-12-20"',
      );
      const yamlFindings = only(await checkOne('x.flagd.yaml', yaml), 'flag-missing-owner');
      assert.strictEqual(
        applyFixes(yaml, yamlFindings, false).text,
        lines(
          'flags:',
          '  a:',
          '    state: ENABLED',
          '    variants: { "on": true }',
          '    metadata:',
          '      owner: "TODO-owner"',
          '      expires: "2026-12-20"',
        ),
      );
    });

    it('the add-expiry fix creates metadata with a quoted date in block YAML (YAML 1.1 readers take a bare one for a timestamp)', async () => {
      const yaml = lines('metadata: { owner: t }', 'flags:', '  a:', '    state: ENABLED', '    variants: { "on": true }');
      const findings = only(await checkOne('x.flagd.yaml', yaml), 'flag-missing-expiry');
      assert.strictEqual(
        applyFixes(yaml, findings).text,
        lines(
          'metadata: { owner: t }',
          'flags:',
          '  a:',
          '    metadata:',
          '      expires: "2027-01-05"',
          '    state: ENABLED',
          '    variants: { "on": true }',
        ),
      );
    });

    it("the add-expiry fix is safe and dated like a flag set's", async () => {
      const json = '{"metadata": {"owner": "t"}, "flags": {"a": {"state": "ENABLED", "variants": {"on": true}}}}\n';
      const findings = only(await checkOne('x.flagd.json', json), 'flag-missing-expiry');
      assert.strictEqual(findings[0].fixes?.[0].title, 'Add metadata.expires: 2027-01-05 (40 days from today)');
      assert.deepStrictEqual(JSON.parse(applyFixes(json, findings).text).flags.a.metadata, { expires: '2027-01-05' });
    });
  });

  describe('flagd-specific rules', () => {
    it('targeting: an undefined $ref, fractional weights off 100 or all 0, a variant the flag lacks, a negative weight', async () => {
      const findings = (await checkFolder('flagd'))['flagd/targeting.flagd.json'];
      assert.deepStrictEqual(
        findings.map((f) => `${at(f)} ${f.severity}`),
        [
          'flagd-evaluator-undefined@10:20-10:33 error',
          'flagd-fractional-weights@11:12-11:24 warning',
          'flagd-targeting-unknown-variant@12:10-12:17 error',
          'flagd-fractional-weights@20:21-20:33 error',
          'schema@26:43-26:46 error',
        ],
      );
      assert.match(findings[0].message, /"\$ref": "fromCompany" names no entry of \$evaluators \(defined: fromCompanyDomain\)/);
      assert.match(findings[1].message, /add up to 90, not 100.*red 55.6%, blue 44.4%/);
      assert.match(findings[3].message, /Every weight of this fractional split is 0/);
      assert.strictEqual(findings[4].message, 'flags.promo.targeting.fractional[0][1] must be at least 0.');
    });

    it('a fractional bucket without weight weighs 1, and computed weights are not summed', async () => {
      const text = lines(
        'metadata: { owner: t, expires: "2026-12-31" }',
        'flags:',
        '  a:',
        '    state: ENABLED',
        '    variants: { "on": true, "off": false }',
        '    targeting:',
        '      fractional: [["on"], ["off", { "+": [1, 2] }]]',
        '  b:',
        '    state: ENABLED',
        '    variants: { "on": true, "off": false }',
        '    targeting:',
        '      fractional: [["on"], ["off", 99]]',
      );
      assert.deepStrictEqual((await checkOne('x.flagd.yaml', text)).map(at), []);
    });

    it('plan-flag-disabled: a plan listing a DISABLED flagd flag; flagd flags count as defined for plan-unknown-flag', async () => {
      const findings = (await checkFolder('flagd'))['flagd/checkout.release.yaml'];
      assert.deepStrictEqual(findings.map(at), ['plan-flag-disabled@5:8-5:19', 'plan-unknown-flag@5:38-5:54']);
      assert.strictEqual(findings[0].severity, 'warning');
      assert.deepStrictEqual(
        findings[0].related?.map((related) => `${related.file} ${related.range.start.line}:${related.range.start.character}`),
        ['flagd/disabled.flagd.json 4:4'],
      );
    });

    it('a flag ENABLED in one file and DISABLED in another is not reported', async () => {
      const plan = lines(
        'apiVersion: stagegate.dev/v1',
        'kind: ReleasePlan',
        'metadata: { name: a, service: b, owner: c }',
        'flags: [x]',
        'stages: []',
      );
      const findings = await checkFiles({
        'p.release.yaml': plan,
        'a.flagd.yaml': lines('flags:', '  x: { state: DISABLED, variants: { "on": true } }'),
        'b.flagd.yaml': lines('flags:', '  x: { state: ENABLED, variants: { "on": true } }'),
      });
      assert.deepStrictEqual(only(findings['p.release.yaml'], 'plan-flag-disabled'), []);
    });
  });
});
