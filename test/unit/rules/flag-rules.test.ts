import * as assert from 'assert';
import { defaultConfig } from '../../../src/engine/config/config';
import { parseConfig } from '../../../src/engine/config/load';
import { applyFixes } from '../../../src/engine/fix';
import { at, checkFiles, checkOne, lines, only } from '../helpers';

const HEAD = ['apiVersion: stagegate.dev/v1', 'kind: FlagSet', 'flags:'];
const GOOD_FLAG = [
  '  checkout-new-pricing:',
  '    description: New pricing engine',
  '    owner: team-payments',
  '    type: release',
  '    expires: 2026-12-20',
  '    default: "off"',
  '    variants: { "on": true, "off": false }',
];

async function flagFindings(...flagLines: string[]) {
  return checkOne('f.flags.yaml', lines(...HEAD, ...flagLines));
}

describe('flag rules', () => {
  it('a clean flag raises nothing', async () => {
    assert.deepStrictEqual((await flagFindings(...GOOD_FLAG)).map(at), []);
  });

  describe('flag-missing-owner', () => {
    it("reports a flag without owner at the flag's key, with an add-owner fix", async () => {
      const text = lines(...HEAD, '  a:', '    description: x', '    type: permission', '    default: false');
      const findings = only(await checkOne('f.flags.yaml', text), 'flag-missing-owner');
      assert.deepStrictEqual(findings.map(at), ['flag-missing-owner@3:2-3:3']);
      assert.strictEqual(findings[0].fixes?.[0].safe, false, 'a placeholder owner is not a safe fix');
      const fixed = applyFixes(text, findings, false).text;
      assert.strictEqual(
        fixed,
        lines(...HEAD, '  a:', '    owner: "TODO-owner"', '    description: x', '    type: permission', '    default: false'),
      );
    });

    it("accepts the flag set's owner as every flag's owner", async () => {
      const text = lines(
        'apiVersion: stagegate.dev/v1',
        'kind: FlagSet',
        'metadata:',
        '  owner: team-a',
        'flags:',
        '  a:',
        '    description: x',
        '    type: permission',
        '    default: false',
      );
      assert.deepStrictEqual(only(await checkOne('f.flags.yaml', text), 'flag-missing-owner'), []);
    });
  });

  describe('flag-missing-expiry', () => {
    it('reports release, experiment and ops flags without expires at the key, with a safe dated fix', async () => {
      const text = lines(
        ...HEAD,
        '  a:',
        '    type: release',
        '  b:',
        '    type: ops',
        '  c:',
        '    type: kill-switch',
        '  d:',
        '    type: permission',
      );
      const findings = only(await checkOne('f.flags.yaml', text), 'flag-missing-expiry');
      assert.deepStrictEqual(findings.map(at), ['flag-missing-expiry@3:2-3:3', 'flag-missing-expiry@5:2-5:3']);
      assert.strictEqual(findings[0].fixes?.[0].title, 'Add expires: 2027-01-05 (40 days from today)');
      assert.strictEqual(findings[1].fixes?.[0].title, 'Add expires: 2026-12-03 (7 days from today)');
      assert.ok(findings[0].fixes?.[0].safe);
      assert.strictEqual(
        applyFixes(text, findings).text,
        lines(
          ...HEAD,
          '  a:',
          '    expires: "2027-01-05"',
          '    type: release',
          '  b:',
          '    expires: "2026-12-03"',
          '    type: ops',
          '  c:',
          '    type: kill-switch',
          '  d:',
          '    type: permission',
        ),
      );
    });

    it('treats a flag without type as a release flag', async () => {
      assert.deepStrictEqual(only(await flagFindings('  a:', '    default: false'), 'flag-missing-expiry').map(at), [
        'flag-missing-expiry@3:2-3:3',
      ]);
    });

    it('inserts into a JSON flag with JSON syntax', async () => {
      const json = '{"apiVersion": "stagegate.dev/v1", "kind": "FlagSet", "flags": {"a": {"type": "release"}}}\n';
      const findings = only(await checkOne('f.flags.json', json), 'flag-missing-expiry');
      const fixed = applyFixes(json, findings).text;
      assert.strictEqual(
        fixed,
        '{"apiVersion": "stagegate.dev/v1", "kind": "FlagSet", "flags": {"a": {"expires": "2027-01-05", "type": "release"}}}\n',
      );
      assert.doesNotThrow(() => JSON.parse(fixed));
    });
  });

  describe('expiry dates', () => {
    it('flag-expired: a date before today is an error at the value', async () => {
      const findings = await flagFindings('  a:', '    expires: 2026-11-25');
      assert.deepStrictEqual(only(findings, 'flag-expired').map(at), ['flag-expired@4:13-4:23']);
      assert.strictEqual(only(findings, 'flag-expired')[0].severity, 'error');
    });

    it('flag-expired: today itself is not expired, but expiring soon', async () => {
      const findings = await flagFindings('  a:', '    expires: 2026-11-26');
      assert.deepStrictEqual(only(findings, 'flag-expired'), []);
      assert.match(only(findings, 'flag-expiring-soon')[0].message, /expires today/);
    });

    it('flag-expiring-soon: within 14 days is info; its window is an option', async () => {
      assert.deepStrictEqual(only(await flagFindings('  a:', '    expires: 2026-12-10'), 'flag-expiring-soon').map(at), [
        'flag-expiring-soon@4:13-4:23',
      ]);
      assert.deepStrictEqual(only(await flagFindings('  a:', '    expires: 2026-12-11'), 'flag-expiring-soon'), []);
      const config = parseConfig('rules:\n  flag-expiring-soon: { options: { days: 30 } }\n', '2026-11-26').config;
      assert.strictEqual(
        only(await checkOne('f.flags.yaml', lines(...HEAD, '  a:', '    expires: 2026-12-20'), config), 'flag-expiring-soon').length,
        1,
      );
    });

    it('flag-lifetime-too-long: a release flag expiring more than 90 days out, but not a permission flag', async () => {
      assert.deepStrictEqual(only(await flagFindings('  a:', '    expires: 2027-02-25'), 'flag-lifetime-too-long').map(at), [
        'flag-lifetime-too-long@4:13-4:23',
      ]);
      assert.deepStrictEqual(only(await flagFindings('  a:', '    expires: 2027-02-24'), 'flag-lifetime-too-long'), []);
      assert.deepStrictEqual(
        only(await flagFindings('  a:', '    type: permission', '    expires: 2030-01-01'), 'flag-lifetime-too-long'),
        [],
      );
    });
  });

  it('flag-missing-description: reported at the key when absent or blank', async () => {
    assert.deepStrictEqual(only(await flagFindings('  a:', '    description: "  "'), 'flag-missing-description').map(at), [
      'flag-missing-description@3:2-3:3',
    ]);
  });

  describe('flag-default-not-a-variant', () => {
    it('reports a default naming no variant at the value and offers the off-like variant', async () => {
      const text = lines(...HEAD, '  a:', '    default: on', '    variants: { enabled: true, disabled: false }');
      const findings = only(await checkOne('f.flags.yaml', text), 'flag-default-not-a-variant');
      assert.deepStrictEqual(findings.map(at), ['flag-default-not-a-variant@4:13-4:15']);
      assert.strictEqual(
        applyFixes(text, findings, false).text,
        lines(...HEAD, '  a:', '    default: "disabled"', '    variants: { enabled: true, disabled: false }'),
      );
    });

    it('requires true or false for a flag without variants', async () => {
      assert.deepStrictEqual(only(await flagFindings('  a:', '    default: "yes"'), 'flag-default-not-a-variant').map(at), [
        'flag-default-not-a-variant@4:13-4:18',
      ]);
      assert.deepStrictEqual(only(await flagFindings('  a:', '    default: false'), 'flag-default-not-a-variant'), []);
    });
  });

  describe('dependencies', () => {
    it('flag-unknown-dependency: a prerequisite defined nowhere is reported at the list item; one in another file is fine', async () => {
      const result = await checkFiles({
        '/w/a.flags.yaml': lines(...HEAD, '  a:', '    dependsOn: [b, missing]'),
        '/w/b.flags.yaml': lines(...HEAD, '  b:', '    default: false'),
      });
      assert.deepStrictEqual(only(result['/w/a.flags.yaml'], 'flag-unknown-dependency').map(at), ['flag-unknown-dependency@4:19-4:26']);
    });

    it('flag-dependency-cycle: every flag on the cycle is reported, at its key', async () => {
      const text = lines(
        ...HEAD,
        '  a:',
        '    dependsOn: [b]',
        '  b:',
        '    dependsOn: [c]',
        '  c:',
        '    dependsOn: [a]',
        '  d:',
        '    dependsOn: [a]',
      );
      const findings = only(await checkOne('f.flags.yaml', text), 'flag-dependency-cycle');
      assert.deepStrictEqual(findings.map(at), [
        'flag-dependency-cycle@3:2-3:3',
        'flag-dependency-cycle@5:2-5:3',
        'flag-dependency-cycle@7:2-7:3',
      ]);
      assert.match(findings[0].message, /a → b → c → a/);
    });
  });

  it('flag-duplicate-key: the same key twice is reported at the second, pointing to the first', async () => {
    const findings = only(await flagFindings('  a:', '    default: false', '  a:', '    default: true'), 'flag-duplicate-key');
    assert.deepStrictEqual(findings.map(at), ['flag-duplicate-key@5:2-5:3']);
    assert.strictEqual(findings[0].related?.[0].range.start.line, 3);
  });

  it('configuration turns a rule off or changes its severity', async () => {
    const text = lines(...HEAD, '  a:', '    type: permission', '    default: false');
    const config = parseConfig('rules:\n  flag-missing-owner: off\n  flag-missing-description: error\n', '2026-11-26').config;
    const findings = await checkOne('f.flags.yaml', text, config);
    assert.deepStrictEqual(
      findings.map((finding) => `${finding.ruleId}:${finding.severity}`),
      ['flag-missing-description:error'],
    );
  });

  it('a disable comment silences the named rule on the next line only', async () => {
    const text = lines(...HEAD, '  # stagegate-disable-next-line flag-missing-owner', '  a:', '    type: permission', '    default: false');
    const findings = await checkOne('f.flags.yaml', text);
    assert.deepStrictEqual(
      findings.map((finding) => finding.ruleId),
      ['flag-missing-description'],
    );
  });

  it('uses the injected today, not the clock', async () => {
    const config = defaultConfig('2027-06-01');
    const findings = await checkOne('f.flags.yaml', lines(...HEAD, ...GOOD_FLAG), config);
    assert.deepStrictEqual(
      findings.map((finding) => finding.ruleId),
      ['flag-expired'],
    );
  });
});
