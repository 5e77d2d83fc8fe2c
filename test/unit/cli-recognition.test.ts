// Which files `stagegate check` reads, through the CLI: flagd files as teams name them (a yaml-language-server
// modeline, a `$schema`, or neither but flagd's shape), Stagegate's schemas in a modeline, the `files:` map of
// `.stagegate.yaml`, what a folder scan passes over and says so with --verbose, and the summary of what it read.

import * as assert from 'assert';
import { mkdirSync, mkdtempSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../src/cli/main';
import { MAX_SNIFFED_BYTES, SNIFFED_HEAD_BYTES } from '../../src/engine/limits';
import { FIXTURES, REPO_ROOT } from './helpers';

const RECOGNITION = path.join(FIXTURES, 'recognition');
const TODAY = ['--today', '2026-11-26'];

async function run(args: string[], cwd = RECOGNITION): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), cwd });
  return { code, stdout, stderr };
}

/** `file ruleId` of each JSON finding. */
async function findingsOf(args: string[], cwd = RECOGNITION): Promise<string[]> {
  const result = await run([...args, '--format', 'json', ...TODAY], cwd);
  assert.ok(result.code === 0 || result.code === 1, `exit ${result.code}: ${result.stderr}`);
  return (JSON.parse(result.stdout) as { file: string; ruleId: string }[]).map((row) => `${row.file} ${row.ruleId}`);
}

/** The files `--verbose` says were read, and those it says were skipped with their reasons. */
function verbose(stderr: string): { read: string[]; skipped: string[] } {
  const lines = stderr.split('\n');
  return {
    read: lines.filter((line) => line.startsWith('stagegate: read ')).map((line) => line.slice('stagegate: read '.length)),
    skipped: lines.filter((line) => line.startsWith('stagegate: skipped ')).map((line) => line.slice('stagegate: skipped '.length)),
  };
}

function temporaryFolder(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'stagegate-recognition-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), text);
  }
  return root;
}

const FLAGD_FLAG = '{ "state": "ENABLED", "variants": { "on": true, "off": false }, "defaultVariant": "of" }';

describe('check: recognising flagd files as they are named', function () {
  this.timeout(30_000);

  it('reads a folder of flagd files in the three shapes: a modeline, a $schema, and flagd’s shape alone', async () => {
    const rows = await findingsOf(['check', 'flagd']);
    const defaults = rows.filter((row) => row.endsWith(' flag-default-not-a-variant')).map((row) => row.split(' ')[0]);
    assert.deepStrictEqual(defaults, [
      'flagd/modeline/flags.yaml',
      'flagd/modeline/ops.yml',
      'flagd/schema/payments.json',
      'flagd/schema/search.json',
      'flagd/shape/flagd.yaml',
      'flagd/shape/flags.json',
    ]);
    assert.ok(rows.includes('flagd/shape/testbed/testing-flags.json flagd-fractional-weights'), rows.join('\n'));
  });

  it('a folder of flagd files with neither a $schema nor a .flagd. name is checked, not "nothing was checked"', async () => {
    const result = await run(['check', 'flagd/shape', ...TODAY]);
    assert.strictEqual(result.code, 1, result.stderr);
    assert.match(result.stdout, /^shape\/flags\.json:12:25 {2}error {2}The defaultVariant "purchase"/m);
    assert.match(result.stderr, /^stagegate: checked 3 files: 3 flagd files\.$/m);
  });

  it('a YAML file declaring flagd’s schema in a yaml-language-server modeline, named on the command line, is checked', async () => {
    const result = await run(['check', 'flagd/modeline/flags.yaml', ...TODAY]);
    assert.strictEqual(result.code, 1, result.stderr);
    assert.match(
      result.stdout,
      /^flagd\/modeline\/flags\.yaml:16:21 {2}error {2}The defaultVariant "blue" .* {2}flag-default-not-a-variant$/m,
    );
  });

  it('a modeline counts anywhere in the comment lines that open the file, in both of its forms, and not after content', async () => {
    const folder = temporaryFolder({
      'after-marker.yaml': `---\n# Flags.\n#   yaml-language-server: $schema=https://flagd.dev/schema/v0/flags.json\nflags: {}\n`,
      'dollar-form.yaml': `# $schema: ../schemas/flagd.json\nflags: {}\n`,
      'too-late.yaml': `flags: {}\n# yaml-language-server: $schema=https://flagd.dev/schema/v0/flags.json\n`,
      'other-schema.yaml': `# yaml-language-server: $schema=https://json.schemastore.org/github-workflow.json\nflags: {}\n`,
    });
    const result = await run(['check', '.', '--verbose', ...TODAY], folder);
    assert.deepStrictEqual(verbose(result.stderr), {
      read: [
        'after-marker.yaml: flagd file, by its yaml-language-server modeline',
        'dollar-form.yaml: flagd file, by its yaml-language-server modeline',
      ],
      skipped: [
        'other-schema.yaml: not a known name, and no recognisable content',
        'too-late.yaml: not a known name, and no recognisable content',
      ],
    });
    // flags.json (the providers' schema) wants flags to be a map; the daemon's flagd.json does not say so.
    const rows = await findingsOf(['check', '.'], folder);
    assert.deepStrictEqual(rows, []);
  });

  it('a modeline naming flags.json checks the file against the providers’ schema, as a $schema does', async () => {
    const folder = temporaryFolder({
      'providers.yaml': `# yaml-language-server: $schema=https://flagd.dev/schema/v0/flags.json\nflags:\n  - key: a\n    state: ENABLED\n`,
      'daemon.yaml': `# yaml-language-server: $schema=https://flagd.dev/schema/v0/flagd.json\nflags:\n  - key: a\n    state: ENABLED\n    variants: { "on": true }\n`,
    });
    const rows = await findingsOf(['check', '.'], folder);
    assert.deepStrictEqual(
      rows.filter((row) => row.endsWith(' schema')),
      ['providers.yaml schema'],
    );
  });

  it('JSON $schema values naming flagd’s schema in any version, relative or absolute, and Stagegate’s schemas', async () => {
    const flagd = (schema: string) => `{ "$schema": "${schema}", "flags": { "a": ${FLAGD_FLAG} } }\n`;
    const folder = temporaryFolder({
      'v1.json': flagd('https://flagd.dev/schema/v1/flagd.json'),
      'raw.json': flagd('https://raw.githubusercontent.com/open-feature/flagd-schemas/main/json/flags.json#'),
      'vendored.json': flagd('../../schemas/vendor/flagd/flags.schema.json'),
      'plan.json': `{ "$schema": "https://stagegate.dev/schemas/v1/release-plan.schema.json", "kind": "ReleasePlan" }\n`,
      'set.json': `{ "$schema": "../schemas/flag-set.schema.json", "apiVersion": "stagegate.dev/v0" }\n`,
      'tsconfig.json': `{ "$schema": "https://json.schemastore.org/tsconfig", "compilerOptions": { "strict": true } }\n`,
    });
    const result = await run(['check', '.', '--verbose', '--format', 'json', ...TODAY], folder);
    assert.deepStrictEqual(verbose(result.stderr), {
      read: [
        'plan.json: release plan, by its $schema',
        'raw.json: flagd file, by its $schema',
        'set.json: flag set, by its $schema',
        'v1.json: flagd file, by its $schema',
        'vendored.json: flagd file, by its $schema',
      ],
      skipped: ['tsconfig.json: not a known name, and no recognisable content'],
    });
    const rows = (JSON.parse(result.stdout) as { file: string; ruleId: string; message: string }[]).map(
      (row) => `${row.file} ${row.ruleId} ${row.message}`,
    );
    assert.ok(rows.includes('set.json schema apiVersion must be "stagegate.dev/v1".'), rows.join('\n'));
    assert.ok(rows.includes('plan.json schema The document is missing the required key "stages".'), rows.join('\n'));
    for (const file of ['v1.json', 'raw.json', 'vendored.json'])
      assert.ok(
        rows.some((row) => row.startsWith(`${file} flag-default-not-a-variant`)),
        `${file}: ${rows.join('\n')}`,
      );
  });

  it('modelines naming Stagegate’s schemas read the file as a release plan or a flag set', async () => {
    const rows = await findingsOf(['check', 'stagegate-modeline']);
    assert.ok(rows.includes('stagegate-modeline/checkout.yaml schema'), rows.join('\n'));
    assert.ok(rows.includes('stagegate-modeline/checkout.yaml plan-missing-signal'), rows.join('\n'));
    assert.ok(rows.includes('stagegate-modeline/team-flags.yaml schema'), rows.join('\n'));
  });
});

describe('check: what a folder scan never reads', function () {
  this.timeout(30_000);

  it('reads no decoy: package.json, tsconfig, a Helm chart, Kustomize, a workflow, OpenAPI, a CLI’s flags, binary files', async () => {
    const result = await run(['check', 'decoys', '--verbose']);
    assert.strictEqual(result.code, 2);
    assert.match(result.stderr, /^stagegate: decoys: no release plans, flag files or SQL migrations found; nothing was checked\.$/m);
    const { read, skipped } = verbose(result.stderr);
    assert.deepStrictEqual(read, []);
    assert.deepStrictEqual(skipped, [
      'decoys/.github/workflows/ci.yml: not a known name, and no recognisable content',
      'decoys/api/openapi.yaml: not a known name, and no recognisable content',
      'decoys/assets/cache.json: not text',
      'decoys/chart/Chart.yaml: not a known name, and no recognisable content',
      'decoys/chart/templates/flags-configmap.yaml: a Helm template ({{ … }} actions), not the file as applied',
      'decoys/chart/templates/rollout.yaml: a Helm template ({{ … }} actions), not the file as applied',
      'decoys/chart/values.yaml: not a known name, and no recognisable content',
      'decoys/kustomize/base/deployment.yaml: not a known name, and no recognisable content',
      'decoys/kustomize/base/kustomization.yaml: not a known name, and no recognisable content',
      'decoys/kustomize/overlays/production/kustomization.yaml: not a known name, and no recognisable content',
      'decoys/kustomize/overlays/production/replicas.yaml: not a known name, and no recognisable content',
      'decoys/package.json: not a known name, and no recognisable content',
      'decoys/tool/cli-options.json: not a known name, and no recognisable content',
      'decoys/tsconfig.json: not a known name, and no recognisable content',
      '1 other file: not a known name, and not YAML, JSON or SQL',
    ]);
  });

  it('without --verbose, "nothing was checked" says how many files were passed over and where to look', async () => {
    const result = await run(['check', 'decoys']);
    assert.strictEqual(result.code, 2);
    assert.match(result.stderr, /^14 YAML or JSON files were passed over; --verbose says why, and the files: map of \.stagegate\.yaml/m);
  });

  it('the decoys beside real files change nothing: only the flagd files and plans are read', async () => {
    const result = await run(['check', '.', '--format', 'json', ...TODAY]);
    const files = new Set((JSON.parse(result.stdout) as { file: string }[]).map((row) => row.file.split('/')[0]));
    assert.deepStrictEqual([...files].sort(), ['flagd', 'stagegate-modeline']);
  });

  it('flagd’s shape is strict: a flag set without its kind, a flags map of another tool, Helm values are not flagd', async () => {
    const folder = temporaryFolder({
      'flag-set-without-kind.yaml':
        'flags:\n  checkout:\n    owner: team-a\n    default: "off"\n    variants: { "on": true, "off": false }\n',
      'values.yaml': `replicaCount: 2\nflags:\n  a: ${FLAGD_FLAG}\n`,
      'cli.json': '{ "flags": { "state": { "type": "string", "default": "ENABLED" } } }\n',
      'empty.json': '{ "flags": {} }\n',
      'list-without-keys.json': `{ "flags": [${FLAGD_FLAG}] }\n`,
      'flagd.json': `{ "flags": { "a": ${FLAGD_FLAG}, "b": { "variants": { "x": 1 } } }, "$evaluators": {} }\n`,
      'omitted-state.json': '{ "flags": { "a": { "variants": { "on": true }, "defaultVariant": "on" } } }\n',
    });
    const result = await run(['check', '.', '--verbose', '--format', 'json', ...TODAY], folder);
    assert.deepStrictEqual(verbose(result.stderr).read, [
      'flagd.json: flagd file, by its content',
      'omitted-state.json: flagd file, by its content',
    ]);
  });

  it('--verbose names ignored folders, files too large to sniff, and flags beyond the head; names and schemas still count', async () => {
    // 1.2 MiB of flags in flagd's shape (long variant values keep them few), owned and dated by the set.
    const banner = 'x'.repeat(1000);
    const flag = (index: number) =>
      `"flag-${index}": { "state": "ENABLED", "variants": { "on": "${banner}", "off": "" }, "defaultVariant": "off" }`;
    const flags = Array.from({ length: 1100 }, (_, index) => flag(index)).join(',\n');
    const large = `{ "metadata": { "owner": "team-a", "expires": "2026-12-24" }, "flags": {\n${flags}\n} }\n`;
    assert.ok(Buffer.byteLength(large) > MAX_SNIFFED_BYTES);
    const folder = temporaryFolder({
      'node_modules/some-package/flags.json': `{ "flags": { "a": ${FLAGD_FLAG} } }\n`,
      'large/flags.json': large,
      'large/all.flagd.json': large,
      'large/declared.json': large.replace('{', '{ "$schema": "https://flagd.dev/schema/v0/flags.json",'),
      'late.json': `{ "padding": "${' '.repeat(SNIFFED_HEAD_BYTES)}", "flags": { "a": ${FLAGD_FLAG} } }`,
    });
    const result = await run(['check', '.', '--verbose', '--format', 'json', ...TODAY], folder);
    assert.deepStrictEqual(verbose(result.stderr), {
      read: ['large/all.flagd.json: flagd file, by its name', 'large/declared.json: flagd file, by its $schema'],
      skipped: [
        'large/flags.json: too large to sniff (1.2 MiB, over the 1 MiB limit for reading content)',
        'late.json: not a known name, and no recognisable content in its first 64 KiB',
        'node_modules/: ignored folder',
      ],
    });
    // Named on the command line, the large file is read whatever its size.
    const named = await run(['check', 'large/flags.json', '--format', 'json', ...TODAY], folder);
    assert.ok(named.code === 0 || named.code === 1, named.stderr);
  });
});

describe('check: the files: map of .stagegate.yaml', function () {
  this.timeout(30_000);

  it('reads the files its globs name as their kind, and reports a kind it does not know', async () => {
    const result = await run(['check', 'configured', '--verbose', '--format', 'json', ...TODAY]);
    assert.match(
      result.stderr,
      /^stagegate: configured\/\.stagegate\.yaml: files\."legacy\/\*\.yaml": "launchdarkly" is not a kind Stagegate reads; the kinds are release-plan, flag-set, flagd, argo-rollout, argo-analysis-template, flagger-canary, flagger-metric-template, flagger-alert-provider, sql-migration\. The glob does nothing\.$/m,
    );
    assert.deepStrictEqual(verbose(result.stderr), {
      read: [
        'configured/deploy/flags/production/payments.json: flagd file, named in the files: map',
        'configured/plans/checkout.yaml: release plan, named in the files: map',
      ],
      skipped: [
        "configured/.stagegate.yaml: Stagegate's configuration",
        'configured/legacy/flags.yaml: not a known name, and no recognisable content',
      ],
    });
    const rows = (JSON.parse(result.stdout) as { file: string; ruleId: string; message: string }[]).map(
      (row) => `${row.file} ${row.ruleId} ${row.message}`,
    );
    assert.ok(
      rows.includes('configured/plans/checkout.yaml schema The document is missing the required key "apiVersion".'),
      rows.join('\n'),
    );
    assert.ok(
      rows.some((row) => row.startsWith('configured/deploy/flags/production/payments.json flagd-targeting-unknown-variant')),
      rows.join('\n'),
    );
  });

  it('globs are relative to the configuration file, the last match wins, and a kind that cannot fit the file is ignored', async () => {
    const folder = temporaryFolder({
      'repo/.stagegate.yaml': [
        'files:',
        '  "deploy/**/*.json": flagd',
        '  "deploy/plans/*.json": release-plan',
        '  "db/*.yaml": sql-migration',
        '  "*.yaml": [flagd]',
        '  "fixtures/*.json": flag-d',
        '',
      ].join('\n'),
      'repo/deploy/flags/a.json': `{ "flags": { "a": { "variants": { "on": true } } } }\n`,
      'repo/deploy/plans/b.json': `{ "metadata": { "name": "b" } }\n`,
      'repo/db/c.yaml': 'not: sql\n',
      'repo/fixtures/d.json': `{ "flags": { "a": { "variants": { "on": true } } } }\n`,
    });
    const result = await run(['check', 'deploy', 'db', 'fixtures', '--verbose', '--format', 'json', ...TODAY], path.join(folder, 'repo'));
    assert.deepStrictEqual(
      result.stderr.split('\n').filter((line) => line.includes('.stagegate.yaml')),
      [
        'stagegate: .stagegate.yaml: files."*.yaml" must be a kind (release-plan, flag-set, flagd, argo-rollout, argo-analysis-template, flagger-canary, flagger-metric-template, flagger-alert-provider, sql-migration); the glob does nothing.',
        'stagegate: .stagegate.yaml: files."fixtures/*.json": "flag-d" is not a kind Stagegate reads (did you mean flagd?); the kinds are release-plan, flag-set, flagd, argo-rollout, argo-analysis-template, flagger-canary, flagger-metric-template, flagger-alert-provider, sql-migration. The glob does nothing.',
      ],
    );
    assert.deepStrictEqual(verbose(result.stderr).read, [
      'deploy/flags/a.json: flagd file, named in the files: map',
      'deploy/plans/b.json: release plan, named in the files: map',
    ]);
  });

  it('a files: map that is not a mapping is a problem, and the check runs', async () => {
    const folder = temporaryFolder({ '.stagegate.yaml': 'files: [flags.json]\n', 'a.flagd.json': `{ "flags": { "a": ${FLAGD_FLAG} } }\n` });
    const result = await run(['check', '.'], folder);
    assert.strictEqual(result.code, 1);
    assert.match(
      result.stderr,
      /^stagegate: \.stagegate\.yaml: files must map globs to a kind \(release-plan, .*\), as in "deploy\/flags\/\*\*\/\*\.json": flagd\.$/m,
    );
  });
});

describe('check: the summary of what was read', function () {
  this.timeout(30_000);

  it('stylish prints how many files of each kind it read, on standard error after the findings', async () => {
    const result = await run(['check', 'examples'], REPO_ROOT);
    assert.strictEqual(result.code, 0);
    assert.strictEqual(result.stdout, '');
    assert.strictEqual(result.stderr, 'stagegate: checked 4 files: 2 release plans, 1 flag set, 1 SQL migration.\n');
  });

  it('counts each file once, by its first kind, in a fixed order', async () => {
    const result = await run(['check', '.', ...TODAY]);
    assert.match(result.stderr, /^stagegate: checked 9 files: 1 release plan, 1 flag set, 7 flagd files\.$/m);
    const adapters = await run(['check', 'test/fixtures/adapters', 'test/fixtures/migrations/drops-table.sql', ...TODAY], REPO_ROOT);
    assert.match(
      adapters.stderr,
      /^stagegate: checked 41 files: 1 release plan, 21 flagd files, 5 Argo Rollouts, 3 Argo AnalysisTemplate files, 8 Flagger Canaries, 2 Flagger MetricTemplate files, 1 SQL migration\.$/m,
    );
  });

  it('json and sarif keep their output and print nothing else, unless --verbose asks', async () => {
    for (const format of ['json', 'sarif']) {
      const result = await run(['check', 'examples', '--format', format], REPO_ROOT);
      assert.strictEqual(result.stderr, '', format);
      if (format === 'json') assert.strictEqual(result.stdout, '[]\n');
      const asked = await run(['check', 'examples', '--format', format, '--verbose'], REPO_ROOT);
      assert.strictEqual(asked.stdout, result.stdout, format);
      assert.match(asked.stderr, /^stagegate: checked 4 files: 2 release plans, 1 flag set, 1 SQL migration\.$/m);
    }
  });

  it('a file named on the command line that Stagegate does not read says why', async () => {
    const result = await run(['check', 'decoys/chart/templates/rollout.yaml']);
    assert.strictEqual(result.code, 2);
    assert.match(result.stderr, /^stagegate: decoys\/chart\/templates\/rollout\.yaml: not a file Stagegate reads \(a Helm template/);
  });
});
