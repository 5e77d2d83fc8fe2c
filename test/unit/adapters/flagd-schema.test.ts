// flagd files of every shape flagd's own schema accepts or refuses, written here so a clone without the external
// corpus tests the same behaviours: each valid file raises no error, each invalid one raises exactly its own.
import * as assert from 'assert';
import { recognise } from '../../../src/engine/formats/recognise';
import { at, checkFiles } from '../helpers';
import { fixtureFiles } from './helpers';

const valid = fixtureFiles('flagd-schema/valid');
const invalid = fixtureFiles('flagd-schema/invalid');

/** The error findings of each invalid file: `rule@range message`. */
const EXPECTED_ERRORS: Record<string, string[]> = {
  'empty-variants.flagd.json': ['schema@2:57-2:59 flags.instant-results.variants must have at least 1 entry.'],
  'flag-metadata-object.flagd.json': ['schema@6:31-6:51 flags.instant-results.metadata.contact must be text or a number or true or false.'],
  'flag-without-fields.flagd.json': ['schema@3:4-3:17 flags.placeholder is missing the required keys "state" and "variants".'],
  'list-in-flags-json.json': ['schema@2:11-2:127 flags must be a mapping of keys to values.'],
  'missing-variants.flagd.json': ['schema@2:4-2:21 flags.instant-results is missing the required key "variants".'],
  'mixed-variant-types.flagd.json': [
    'schema@2:39-2:49 flags.page-size.variants mixes number and string values; flagd needs every variant of a flag to have one type.',
  ],
  // One finding per node: the branch that knows `in` says what is wrong with it, not also "Unknown key" from the others.
  'operation-missing-operand.flagd.json': ['schema@7:23-7:39 flags.staff-banner.targeting.if[0].in must have at least 2 items.'],
  'ref-not-text.flagd.json': ['schema@6:38-6:47 flags.staff-banner.targeting.if[0]["$ref"] must be text.'],
  'set-metadata-object.flagd.json': ['schema@1:27-1:47 metadata.contact must be text or a number or true or false.'],
  'unknown-operator.flagd.json': ['schema@6:21-6:31 Unknown key "is_staff" in flags.instant-results.targeting.'],
  'unknown-state.flagd.json': ['schema@2:34-2:38 flags.instant-results.state must be one of: ENABLED, DISABLED.'],
};

describe('flagd files against flagd schema', () => {
  for (const file of Object.keys(valid)) {
    it(`${file} is recognised and raises nothing`, async () => {
      assert.strictEqual(recognise(file, valid[file]), 'yaml');
      const findings = (await checkFiles({ [file]: valid[file] }))[file];
      assert.deepStrictEqual(
        findings.map((finding) => `${at(finding)} ${finding.message}`),
        [],
      );
    });
  }

  it('names the errors of every invalid file', () => {
    assert.deepStrictEqual(
      Object.keys(invalid).map((file) => file.split('/').pop()),
      Object.keys(EXPECTED_ERRORS).sort(),
    );
  });

  for (const [name, expected] of Object.entries(EXPECTED_ERRORS)) {
    it(`invalid/${name}: ${expected.length === 1 ? 'one error' : 'its errors'}, at the value flagd refuses`, async () => {
      const file = `flagd-schema/invalid/${name}`;
      assert.strictEqual(recognise(file, invalid[file]), 'yaml');
      const findings = (await checkFiles({ [file]: invalid[file] }))[file];
      assert.deepStrictEqual(
        findings.filter((finding) => finding.severity === 'error').map((finding) => `${at(finding)} ${finding.message}`),
        expected,
      );
    });
  }
});
