// A whole repository in one `stagegate check` call, as a CI gate runs it: twenty apps, each with every kind of file
// Stagegate reads (plans, flag sets, flagd files in their three shapes, an Argo Rollout and its AnalysisTemplate, a
// Flagger Canary and its MetricTemplate, golang-migrate up/down pairs, Go-templated SQL) beside the files a real
// repository also holds (a Helm chart, Kustomize overlays, package.json, tsconfig, OpenAPI, binary assets), plus a
// node_modules and a .git folder. Every app's AnalysisTemplate and MetricTemplate have the same names and different
// arguments, so a reference resolved to another app's template shows as a false finding.

import * as assert from 'assert';
import { execFile } from 'child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { REPO_ROOT, lines } from './helpers';

const APPS = 20;
/** The app whose second migration really drops a column: the only errors the repository should have. */
const BROKEN_APP = 7;
const TODAY = '2026-11-26';

interface Finding {
  file: string;
  ruleId: string;
  severity: string;
}

const appName = (i: number) => `app-${String(i).padStart(2, '0')}`;

/** The files Stagegate reads in one app, by kind (the labels of check's summary). */
function readFiles(i: number): Record<string, [kind: string, text: string]> {
  const app = appName(i);
  // Odd apps' templates take their service as `service`, even apps' as `service-name`.
  const arg = i % 2 === 0 ? 'service-name' : 'service';
  const flagd = (flag: string) =>
    `{ "${flag}": { "state": "ENABLED", "variants": { "on": true, "off": false }, "defaultVariant": "off" } }`;
  return {
    [`${app}.release.yaml`]: [
      'release plans',
      lines(
        'apiVersion: stagegate.dev/v1',
        'kind: ReleasePlan',
        'metadata:',
        `  name: ${app}-2.4`,
        `  service: ${app}`,
        '  owner: team-payments',
        'traffic:',
        '  requestsPerSecond: 1200',
        '  dimensions:',
        '    region: { eu-west: 0.5, us-east: 0.5 }',
        'baseline:',
        '  errorRate: 0.002',
        '  latencyP95Ms: 180',
        'flags:',
        `  - ${app}-new-pricing`,
        'migrations:',
        '  - file: migrations/000002_add_discount_code.up.sql',
        '    phase: expand',
        'stages:',
        '  - name: canary-5',
        '    weight: 5',
        '    duration: 2h',
        '    interval: 1h',
        '    gates:',
        '      - metric: errorRate',
        '        maxIncrease: 100%',
        '  - name: full',
        '    weight: 100',
        '    duration: 12h',
        '    interval: 2h',
        '    gates:',
        '      - metric: errorRate',
        '        maxIncrease: 25%',
        'rollback:',
        '  automatic: true',
        '  action: rollback',
      ),
    ],
    [`${app}.flags.yaml`]: [
      'flag sets',
      lines(
        'apiVersion: stagegate.dev/v1',
        'kind: FlagSet',
        'metadata:',
        `  name: ${app}-flags`,
        'flags:',
        `  ${app}-new-pricing:`,
        '    description: Serves prices from the new pricing engine.',
        '    owner: team-payments',
        '    type: release',
        '    expires: 2027-03-01',
        '    default: "off"',
        '    variants: { "on": true, "off": false }',
      ),
    ],
    'flags/modeline.yaml': [
      'flagd files',
      lines(
        '# yaml-language-server: $schema=https://flagd.dev/schema/v0/flags.json',
        'flags:',
        `  ${app}-banner:`,
        '    state: ENABLED',
        '    variants: { "on": true, "off": false }',
        '    defaultVariant: "off"',
      ),
    ],
    'flags/schema.json': ['flagd files', `{ "$schema": "https://flagd.dev/schema/v0/flags.json", "flags": ${flagd(`${app}-wallet`)} }\n`],
    'flags/flags.json': ['flagd files', `{ "flags": ${flagd(`${app}-search`)} }\n`],
    'deploy/rollout.yaml': [
      'Argo Rollouts',
      lines(
        'apiVersion: argoproj.io/v1alpha1',
        'kind: Rollout',
        'metadata:',
        `  name: ${app}`,
        `  namespace: ${app}`,
        'spec:',
        '  strategy:',
        '    canary:',
        '      steps:',
        '        - setWeight: 10',
        '        - analysis:',
        '            templates:',
        '              - templateName: success-rate',
        '            args:',
        `              - name: ${arg}`,
        `                value: ${app}-canary`,
        '        - setWeight: 50',
        '        - pause: { duration: 30m }',
      ),
    ],
    'deploy/analysis.yaml': [
      'Argo AnalysisTemplate files',
      lines(
        'apiVersion: argoproj.io/v1alpha1',
        'kind: AnalysisTemplate',
        'metadata:',
        '  name: success-rate',
        `  namespace: ${app}`,
        'spec:',
        '  args:',
        `    - name: ${arg}`,
        '  metrics:',
        '    - name: success-rate',
        '      interval: 1m',
        '      count: 5',
        '      failureLimit: 1',
        '      successCondition: result[0] >= 0.99',
        '      provider:',
        '        prometheus:',
        '          address: http://prometheus.monitoring:9090',
        `          query: sum(rate(http_requests_total{service="{{args.${arg}}}",code!~"5.."}[1m])) / sum(rate(http_requests_total{service="{{args.${arg}}}"}[1m]))`,
      ),
    ],
    'canary/canary.yaml': [
      'Flagger Canaries',
      lines(
        'apiVersion: flagger.app/v1beta1',
        'kind: Canary',
        'metadata:',
        `  name: ${app}`,
        `  namespace: ${app}`,
        'spec:',
        `  targetRef: { apiVersion: apps/v1, kind: Deployment, name: ${app} }`,
        '  analysis:',
        '    interval: 1m',
        '    threshold: 3',
        '    maxWeight: 50',
        '    stepWeight: 10',
        '    metrics:',
        '      - name: request-success-rate',
        '        thresholdRange: { min: 99 }',
        '      - name: error-budget',
        '        templateRef: { name: error-budget }',
        '        thresholdRange: { max: 1 }',
      ),
    ],
    'canary/metric-template.yaml': [
      'Flagger MetricTemplate files',
      lines(
        'apiVersion: flagger.app/v1beta1',
        'kind: MetricTemplate',
        'metadata:',
        '  name: error-budget',
        `  namespace: ${app}`,
        'spec:',
        '  provider:',
        '    type: prometheus',
        '    address: http://prometheus.monitoring:9090',
        `  query: 100 * sum(rate(http_requests_total{app="{{ target }}",status=~"5.."}[{{ interval }}])) / sum(rate(http_requests_total{app="{{ target }}"}[{{ interval }}]))`,
      ),
    ],
    'migrations/000001_create_orders.up.sql': [
      'SQL migrations',
      lines('CREATE TABLE orders (', '  id bigint PRIMARY KEY,', '  total_cents bigint NOT NULL', ');'),
    ],
    'migrations/000001_create_orders.down.sql': ['SQL migrations', lines("SET lock_timeout = '2s';", 'DROP TABLE orders;')],
    'migrations/000002_add_discount_code.up.sql': [
      'SQL migrations',
      i === BROKEN_APP
        ? lines('ALTER TABLE orders DROP COLUMN legacy_code;')
        : i % 2 === 0
          ? // Go-templated, as some services render their migrations.
            lines("SET lock_timeout = '2s';", 'ALTER TABLE {{ index .Options "Schema" }}.orders ADD COLUMN discount_code text;')
          : lines("SET lock_timeout = '2s';", 'ALTER TABLE orders ADD COLUMN discount_code text;'),
    ],
    'migrations/000002_add_discount_code.down.sql': [
      'SQL migrations',
      i === BROKEN_APP
        ? lines("SET lock_timeout = '2s';", 'ALTER TABLE orders ADD COLUMN legacy_code text;')
        : i % 2 === 0
          ? lines("SET lock_timeout = '2s';", 'ALTER TABLE {{ index .Options "Schema" }}.orders DROP COLUMN discount_code;')
          : lines("SET lock_timeout = '2s';", 'ALTER TABLE orders DROP COLUMN discount_code;'),
    ],
  };
}

/** What else an app's folder holds: none of it is Stagegate's, and none of it is read. */
function decoys(i: number): Record<string, string | Buffer> {
  const app = appName(i);
  return {
    'chart/Chart.yaml': lines('apiVersion: v2', `name: ${app}`, 'version: 1.4.0'),
    'chart/values.yaml': lines('replicaCount: 3', 'image:', `  repository: registry.example.com/${app}`, 'flags:', '  newPricing: true'),
    'chart/templates/rollout.yaml': lines(
      'apiVersion: argoproj.io/v1alpha1',
      'kind: Rollout',
      'metadata:',
      '  name: {{ include "app.fullname" . }}',
      'spec:',
      '  replicas: {{ .Values.replicaCount }}',
      '  strategy:',
      '    canary:',
      '      steps:',
      '        {{- toYaml .Values.steps | nindent 8 }}',
    ),
    'chart/templates/flags-configmap.yaml': lines(
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: {{ .Release.Name }}-flags',
      'data:',
      '  flags.json: |',
      '    {{ .Values.flags | toJson }}',
    ),
    'kustomize/base/kustomization.yaml': lines('resources:', '  - deployment.yaml'),
    'kustomize/base/deployment.yaml': lines('apiVersion: apps/v1', 'kind: Deployment', 'metadata:', `  name: ${app}`),
    'kustomize/overlays/production/kustomization.yaml': lines('resources:', '  - ../../base', 'patches:', '  - path: replicas.yaml'),
    'package.json': `{ "name": "${app}", "version": "1.0.0", "scripts": { "test": "mocha" } }\n`,
    'tsconfig.json': '{ "compilerOptions": { "strict": true, "target": "ES2022" } }\n',
    'openapi.yaml': lines('openapi: 3.0.3', 'info:', `  title: ${app}`, '  version: 1.0.0', 'paths: {}'),
    'assets/logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]),
    // Named like JSON, holding bytes that are not text.
    'assets/cache.json': Buffer.from([0x7b, 0x00, 0x01, 0x02, 0xff, 0xfe, 0x7d]),
  };
}

function write(root: string, name: string, content: string | Buffer): void {
  mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
  writeFileSync(path.join(root, name), content);
}

describe('check over a whole repository, in one CLI call', function () {
  this.timeout(120_000);
  let root = '';
  const expected = new Map<string, number>();
  const recognised = new Set<string>();
  const decoyFiles = new Set<string>();

  before(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'stagegate-repository-'));
    for (let i = 1; i <= APPS; i++) {
      const app = appName(i);
      for (const [name, [kind, text]] of Object.entries(readFiles(i))) {
        write(root, `apps/${app}/${name}`, text);
        recognised.add(`apps/${app}/${name}`);
        expected.set(kind, (expected.get(kind) ?? 0) + 1);
      }
      for (const [name, content] of Object.entries(decoys(i))) {
        write(root, `apps/${app}/${name}`, content);
        decoyFiles.add(`apps/${app}/${name}`);
      }
    }
    // Folders a scan never enters, whatever they hold.
    write(
      root,
      'node_modules/@acme/flags/flags.json',
      '{ "flags": { "x": { "state": "ENABLED", "variants": {}, "defaultVariant": "y" } } }\n',
    );
    write(root, '.git/config', '[core]\n\trepositoryformatversion = 0\n');
  });

  after(() => rmSync(root, { recursive: true, force: true }));

  async function check(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const cli = path.join(REPO_ROOT, 'bin', 'stagegate.js');
    try {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [cli, 'check', '.', '--today', TODAY, ...args], {
        cwd: root,
        maxBuffer: 64 * 1024 * 1024,
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  }

  it('500 files: the generated layout is what the test claims', () => {
    assert.strictEqual(recognised.size + decoyFiles.size, 500);
    assert.strictEqual(recognised.size, 260);
  });

  it('reads every file of a kind Stagegate knows, counted by kind in the summary, and no decoy', async () => {
    const result = await check('--verbose');
    const summary = /^stagegate: checked (\d+) files: (.*)\.$/m.exec(result.stderr);
    assert.ok(summary, result.stderr.slice(-2000));
    assert.strictEqual(Number(summary[1]), recognised.size);
    const counts = new Map(
      summary[2].split(', ').map((part) => {
        const [count, ...label] = part.split(' ');
        return [label.join(' '), Number(count)] as const;
      }),
    );
    assert.deepStrictEqual(counts, expected);

    const said = result.stderr.split('\n');
    const read = said.filter((line) => line.startsWith('stagegate: read ')).map((line) => line.slice(16).split(': ')[0]);
    assert.deepStrictEqual(new Set(read), recognised);
    const skipped = said.filter((line) => line.startsWith('stagegate: skipped '));
    for (const decoy of decoyFiles) {
      // Helm templates, unrecognised YAML and JSON, and files that are not text are each named with a reason;
      // other extensions (the PNG) are counted on one line.
      if (decoy.endsWith('.png')) continue;
      assert.ok(
        skipped.some((line) => line.startsWith(`stagegate: skipped ${decoy}: `)),
        `${decoy} is listed as skipped`,
      );
    }
    assert.ok(skipped.includes('stagegate: skipped node_modules/: ignored folder'), 'node_modules is passed over');
  });

  it('the only errors are the real hazard; no decoy, down migration or same-named template gives a finding', async () => {
    const result = await check('--format', 'json');
    assert.strictEqual(result.code, 1, 'check exits 1: the repository has an error');
    const findings = JSON.parse(result.stdout) as Finding[];
    for (const finding of findings) {
      assert.ok(recognised.has(finding.file), `${finding.file} (${finding.ruleId}) is a file Stagegate reads`);
    }
    const errors = findings.filter((finding) => finding.severity === 'error').map((finding) => `${finding.file} ${finding.ruleId}`);
    const broken = `apps/${appName(BROKEN_APP)}`;
    assert.deepStrictEqual(errors.sort(), [
      `${broken}/${appName(BROKEN_APP)}.release.yaml plan-migration-not-rollback-safe`,
      `${broken}/migrations/000002_add_discount_code.up.sql migration-drops-column`,
    ]);
    const noisy = findings.filter(
      (finding) =>
        finding.file.endsWith('.down.sql') ||
        finding.ruleId.startsWith('argo-template') ||
        finding.ruleId.startsWith('flagger-') ||
        finding.ruleId === 'migration-syntax-error',
    );
    assert.deepStrictEqual(noisy, []);
  });
});
