import * as assert from 'assert';
import { canaryAnalysis, canaryRefs, resolveCanaryRef } from '../../../src/engine/adapters/flagger/canary-view';
import { defaultConfig } from '../../../src/engine/config/config';
import { Workspace } from '../../../src/engine/workspace/workspace';
import { at, checkFiles, lines, only } from '../helpers';

/** A Canary (namespace optional) with one metric naming `template` and one alert naming `provider` (lines 9 and 10). */
function canary(options: { namespace?: string; template: string; templateNamespace?: string; provider?: string }): string {
  const ns = (namespace?: string) => (namespace ? `, namespace: ${namespace}` : '');
  return lines(
    'apiVersion: flagger.app/v1beta1',
    'kind: Canary',
    `metadata: { name: app${ns(options.namespace)} }`,
    'spec:',
    '  analysis:',
    '    interval: 1m',
    '    stepWeight: 10',
    '    metrics:',
    `      - { name: errors, templateRef: { name: ${options.template}${ns(options.templateNamespace)} }, thresholdRange: { max: 1 } }`,
    ...(options.provider ? [`    alerts: [{ name: on-call, severity: error, providerRef: { name: ${options.provider} } }]`] : []),
  );
}

function resource(kind: 'MetricTemplate' | 'AlertProvider', name: string, namespace?: string): string {
  return lines(
    'apiVersion: flagger.app/v1beta1',
    `kind: ${kind}`,
    `metadata: { name: ${name}${namespace ? `, namespace: ${namespace}` : ''} }`,
    kind === 'MetricTemplate' ? 'spec: { provider: { type: prometheus }, query: "1" }' : 'spec: { type: slack }',
  );
}

describe('flagger-ref-not-found', () => {
  it('a templateRef to no MetricTemplate is an error at its name, with the namespace Flagger looks in and a close name', async () => {
    const findings = await checkFiles({
      '/repo/app/canary.yaml': canary({ namespace: 'shop', template: 'error-rat', templateNamespace: 'istio-system' }),
      '/repo/shared/templates.yaml': resource('MetricTemplate', 'error-rate', 'istio-system'),
    });
    const found = only(findings['/repo/app/canary.yaml'], 'flagger-ref-not-found');
    assert.deepStrictEqual(
      found.map((finding) => `${at(finding)} ${finding.severity}`),
      ['flagger-ref-not-found@8:45-8:54 error'],
    );
    assert.match(
      found[0].message,
      /^MetricTemplate "error-rat" \(namespace "istio-system"\), named by metric "errors", is defined in no file of the workspace \(did you mean "error-rate"\?\)\. Flagger fails this metric's check at every interval/,
    );
  });

  it("a providerRef to no AlertProvider is a warning; without a namespace on the ref, Flagger looks in the Canary's", async () => {
    const files = await checkFiles({ '/repo/c.yaml': canary({ namespace: 'shop', template: 't', provider: 'pagerduty' }) });
    const found = only(files['/repo/c.yaml'], 'flagger-ref-not-found');
    assert.deepStrictEqual(
      found.map((finding) => `${at(finding)} ${finding.severity}`),
      ['flagger-ref-not-found@8:45-8:46 error', 'flagger-ref-not-found@9:68-9:77 warning'],
    );
    assert.match(found[0].message, /^MetricTemplate "t" \(namespace "shop"\).*\(the workspace defines no MetricTemplate\)/);
    assert.match(found[1].message, /^AlertProvider "pagerduty" \(namespace "shop"\), named by alert "on-call", is defined in no file/);
    const noNamespace = only((await checkFiles({ '/repo/c.yaml': canary({ template: 't' }) }))['/repo/c.yaml'], 'flagger-ref-not-found');
    assert.match(noNamespace[0].message, /^MetricTemplate "t" \(namespace "default"\)/);
  });

  it('a definition in any namespace counts as found; none is reported for resolved refs', async () => {
    const findings = await checkFiles({
      '/repo/app/canary.yaml': canary({ namespace: 'shop', template: 'error-rate', provider: 'on-call' }),
      '/repo/platform/flagger.yaml': [
        resource('MetricTemplate', 'error-rate', 'istio-system'),
        resource('AlertProvider', 'on-call', 'flagger'),
      ].join('---\n'),
    });
    assert.deepStrictEqual(findings['/repo/app/canary.yaml'].map(at), []);
    assert.deepStrictEqual(findings['/repo/platform/flagger.yaml'].map(at), []);
  });

  it("the ref's namespace decides over folder nearness; two equally near in it are resource-ref-ambiguous", async () => {
    const workspace = new Workspace(defaultConfig('2026-11-26'), { read: async () => undefined });
    const text = canary({ namespace: 'shop', template: 'apdex', templateNamespace: 'monitoring' });
    workspace.setFile('/repo/app/canary.yaml', text);
    workspace.setFile('/repo/app/apdex.yaml', resource('MetricTemplate', 'apdex', 'shop'));
    workspace.setFile('/repo/platform/apdex.yaml', resource('MetricTemplate', 'apdex', 'monitoring'));
    const value = workspace.source('/repo/app/canary.yaml')!.documents[0].value as Record<string, unknown>;
    const [ref] = canaryRefs(canaryAnalysis(value)!);
    const resolution = resolveCanaryRef(await workspace.facts(), ref, value, '/repo/app/canary.yaml');
    assert.strictEqual(resolution.status === 'found' && resolution.resource.file, '/repo/platform/apdex.yaml');

    workspace.setFile('/repo/team/apdex.yaml', resource('MetricTemplate', 'apdex', 'monitoring'));
    const [report] = await workspace.check(['/repo/app/canary.yaml']);
    const ambiguous = only(report.findings, 'resource-ref-ambiguous');
    assert.deepStrictEqual(ambiguous.map(at), ['resource-ref-ambiguous@8:45-8:50']);
    assert.match(
      ambiguous[0].message,
      /^MetricTemplate "apdex" is defined 2 times in namespace "monitoring", equally near this Canary \(\.\.\/platform\/apdex\.yaml:3, \.\.\/team\/apdex\.yaml:3\): which one Flagger reads/,
    );
    assert.deepStrictEqual(only(report.findings, 'flagger-ref-not-found'), []);
  });
});
