import * as assert from 'assert';
import { defaultConfig } from '../../../src/engine/config/config';
import { resolveResource } from '../../../src/engine/model/resources';
import { Workspace } from '../../../src/engine/workspace/workspace';
import { at, checkFiles, lines } from '../helpers';

/** An AnalysisTemplate (or ClusterAnalysisTemplate) named `name`, needing the args given. */
function template(name: string, options: { namespace?: string; args?: string[]; kind?: string } = {}): string {
  return lines(
    'apiVersion: argoproj.io/v1alpha1',
    `kind: ${options.kind ?? 'AnalysisTemplate'}`,
    'metadata:',
    `  name: ${name}`,
    ...(options.namespace ? [`  namespace: ${options.namespace}`] : []),
    'spec:',
    `  args: [${(options.args ?? []).map((arg) => `{ name: ${arg} }`).join(', ')}]`,
    '  metrics:',
    '    - name: m',
    '      provider: { job: { spec: {} } }',
  );
}

/** A Rollout whose analysis step names `name` (line 9 holds the templateName). */
function rollout(name: string, options: { namespace?: string; args?: string[]; clusterScope?: boolean } = {}): string {
  return lines(
    'apiVersion: argoproj.io/v1alpha1',
    'kind: Rollout',
    'metadata:',
    `  name: app${options.namespace ? `\n  namespace: ${options.namespace}` : ''}`,
    'spec:',
    '  strategy:',
    '    canary:',
    '      steps:',
    `        - analysis: { templates: [{ templateName: ${name}${options.clusterScope ? ', clusterScope: true' : ''} }], args: [${(options.args ?? []).map((arg) => `{ name: ${arg}, value: x }`).join(', ')}] }`,
  );
}

const argoIds = ['argo-template-arg-missing', 'argo-template-not-found', 'resource-ref-ambiguous'];
const relevant = <T extends { ruleId: string }>(findings: T[]): T[] => findings.filter((finding) => argoIds.includes(finding.ruleId));

describe('resource-ref-ambiguous', () => {
  it('two definitions in the Rollout\'s own file: "defined 2 times in this file", related locations on both names', async () => {
    const file = [rollout('smoke'), template('smoke', { args: ['url'] }), template('smoke', { args: ['host'] })].join('---\n');
    const findings = (await checkFiles({ '/repo/e2e/smoke.yaml': file, '/repo/other/smoke.yaml': template('smoke') }))[
      '/repo/e2e/smoke.yaml'
    ];
    assert.deepStrictEqual(relevant(findings).map(at), ['resource-ref-ambiguous@8:50-8:55']);
    const [finding] = findings;
    assert.strictEqual(finding.severity, 'info');
    assert.match(
      finding.message,
      /^AnalysisTemplate "smoke" is defined 2 times in this file \(line 14, line 24\): which one Argo Rollouts reads/,
    );
    assert.deepStrictEqual(
      finding.related?.map((related) => `${related.file} ${related.range.start.line}:${related.range.start.character} ${related.message}`),
      [
        '/repo/e2e/smoke.yaml 13:8 AnalysisTemplate "smoke" in namespace "default"',
        '/repo/e2e/smoke.yaml 23:8 AnalysisTemplate "smoke" in namespace "default"',
      ],
    );
  });

  it("one file defining a name in two namespaces: the Rollout's own namespace decides, and its args are checked", async () => {
    const file = [
      rollout('error-rate', { namespace: 'team-b', args: ['service'] }),
      template('error-rate', { namespace: 'team-a', args: ['service'] }),
      template('error-rate', { namespace: 'team-b', args: ['app'] }),
    ].join('---\n');
    const findings = relevant((await checkFiles({ '/repo/search.yaml': file }))['/repo/search.yaml']);
    assert.deepStrictEqual(findings.map(at), ['argo-template-arg-missing@9:50-9:60']);
    assert.match(findings[0].message, /needs argument "app"/);
    assert.deepStrictEqual(
      findings[0].related?.map((related) => related.range.start.line),
      [25],
    );
  });

  it('no definition in the namespace, two in others equally near: the message names each with its namespace', async () => {
    const findings = (
      await checkFiles({
        '/repo/apps/search/rollout.yaml': rollout('error-rate'),
        '/repo/apps/search/templates.yaml': [
          template('error-rate', { namespace: 'team-a' }),
          template('error-rate', { namespace: 'team-b' }),
        ].join('---\n'),
      })
    )['/repo/apps/search/rollout.yaml'];
    assert.deepStrictEqual(relevant(findings).map(at), ['resource-ref-ambiguous@8:50-8:60']);
    assert.match(
      findings[0].message,
      /is defined in no file in namespace "default", and 2 times in other namespaces, equally near this Rollout \(templates\.yaml:4 \(namespace "team-a"\), templates\.yaml:15 \(namespace "team-b"\)\)/,
    );
  });

  it('ClusterAnalysisTemplates have no namespace: two equally near are ambiguous, one nearer wins', async () => {
    const files = {
      '/repo/apps/a/rollout.yaml': rollout('smoke', { clusterScope: true }),
      '/repo/apps/b/smoke.yaml': template('smoke', { kind: 'ClusterAnalysisTemplate', namespace: 'ignored', args: ['url'] }),
      '/repo/apps/c/smoke.yaml': template('smoke', { kind: 'ClusterAnalysisTemplate' }),
    };
    const ambiguous = relevant((await checkFiles(files))['/repo/apps/a/rollout.yaml']);
    assert.deepStrictEqual(ambiguous.map(at), ['resource-ref-ambiguous@8:50-8:55']);
    assert.match(
      ambiguous[0].message,
      /^ClusterAnalysisTemplate "smoke" is defined 2 times, equally near this Rollout \(\.\.\/b\/smoke\.yaml:4, \.\.\/c\/smoke\.yaml:4\)/,
    );
    const nearer = relevant(
      (await checkFiles({ ...files, '/repo/apps/a/smoke.yaml': template('smoke', { kind: 'ClusterAnalysisTemplate', args: ['url'] }) }))[
        '/repo/apps/a/rollout.yaml'
      ],
    );
    assert.deepStrictEqual(nearer.map(at), ['argo-template-arg-missing@8:50-8:55']);
    assert.deepStrictEqual(
      nearer[0].related?.map((related) => related.file),
      ['/repo/apps/a/smoke.yaml'],
    );
  });

  it('the same findings whatever order the files are added in', async () => {
    const files: Record<string, string> = {
      '/repo/apps/checkout/rollout.yaml': rollout('success-rate', { args: ['service-name'] }),
      '/repo/apps/checkout/analysis.yaml': template('success-rate', { args: ['service-name'] }),
      '/repo/apps/payments/rollout.yaml': rollout('success-rate', { args: ['job'] }),
      '/repo/apps/payments/analysis.yaml': template('success-rate', { args: ['job'] }),
      '/repo/apps/orders/rollout.yaml': rollout('success-rate'),
      '/repo/e2e/a.yaml': [rollout('smoke'), template('smoke')].join('---\n'),
      '/repo/e2e/b.yaml': [rollout('smoke', { args: ['url'] }), template('smoke', { args: ['url'] })].join('---\n'),
    };
    const forward = await checkFiles(files);
    const reversed = await checkFiles(Object.fromEntries(Object.entries(files).reverse()));
    assert.deepStrictEqual(reversed, forward);
    assert.deepStrictEqual(
      Object.entries(forward).flatMap(([file, list]) => relevant(list).map((finding) => `${file} ${at(finding)}`)),
      ['/repo/apps/orders/rollout.yaml resource-ref-ambiguous@8:50-8:62'],
    );
  });
});

describe('resolveResource: nearest in the folder tree', () => {
  async function resolvedFile(from: string, candidates: string[]): Promise<string> {
    const workspace = new Workspace(defaultConfig('2026-11-26'), { read: async () => undefined });
    for (const file of candidates) workspace.setFile(file, template('t'));
    const resolution = resolveResource(await workspace.facts(), { kind: 'AnalysisTemplate', name: 't', namespace: 'default', file: from });
    if (resolution.status === 'found') return resolution.resource.file;
    if (resolution.status === 'ambiguous') return `ambiguous: ${resolution.candidates.map((candidate) => candidate.file).join(', ')}`;
    return 'missing';
  }

  it('the same folder before a subfolder, a subfolder before a sibling, a sibling before the top', async () => {
    const from = '/repo/apps/checkout/rollout.yaml';
    const all = ['/repo/t.yaml', '/repo/apps/shared/t.yaml', '/repo/apps/checkout/analysis/t.yaml', '/repo/apps/checkout/t.yaml'];
    assert.strictEqual(await resolvedFile(from, all), '/repo/apps/checkout/t.yaml');
    assert.strictEqual(await resolvedFile(from, all.slice(0, 3)), '/repo/apps/checkout/analysis/t.yaml');
    assert.strictEqual(await resolvedFile(from, all.slice(0, 2)), '/repo/apps/shared/t.yaml');
    assert.strictEqual(await resolvedFile(from, all.slice(0, 1)), '/repo/t.yaml');
    assert.strictEqual(
      await resolvedFile(from, ['/repo/apps/b/t.yaml', '/repo/apps/a/t.yaml']),
      'ambiguous: /repo/apps/a/t.yaml, /repo/apps/b/t.yaml',
    );
    assert.strictEqual(await resolvedFile(from, []), 'missing');
  });

  it('reads Windows paths as well', async () => {
    assert.strictEqual(
      await resolvedFile('C:\\repo\\apps\\checkout\\rollout.yaml', [
        'C:\\repo\\apps\\payments\\t.yaml',
        'C:\\repo\\apps\\checkout\\t.yaml',
      ]),
      'C:\\repo\\apps\\checkout\\t.yaml',
    );
  });

  it("the Rollout's own file first, even when the template there names no namespace and another file's names the Rollout's", async () => {
    const findings = await checkFiles({
      '/repo/app/rollout.yaml': [rollout('t', { namespace: 'prod' }), template('t')].join('---\n'),
      '/repo/app/t.yaml': template('t', { namespace: 'prod', args: ['url'] }),
    });
    assert.deepStrictEqual(relevant(findings['/repo/app/rollout.yaml']), []);
  });
});
