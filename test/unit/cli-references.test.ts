// References between Kubernetes resources through the CLI: a Rollout's AnalysisTemplates resolve to the nearest
// definition (same file, then namespace and folder), ambiguity is its own finding, and nothing depends on the order
// the paths are given in.

import * as assert from 'assert';
import * as path from 'path';
import { main } from '../../src/cli/main';
import { FIXTURES } from './helpers';
import type { PlacedFinding } from '../../src/engine/finding';

const SCOPING = path.join(FIXTURES, 'scoping');

async function run(args: string[], cwd = SCOPING): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), cwd });
  return { code, stdout, stderr };
}

/** A row of `check --format json`. */
type Row = PlacedFinding;

/** `check --format json`, as `file:line:column ruleId severity` sorted by file, and the exit code. */
async function findings(paths: string[]): Promise<{ code: number; rows: string[]; messages: string[] }> {
  const result = await run(['check', ...paths, '--format', 'json']);
  assert.notStrictEqual(result.code, 2, result.stderr);
  const rows: Row[] = JSON.parse(result.stdout);
  const sorted = [...rows].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
  return {
    code: result.code,
    rows: sorted.map((row) => `${row.file}:${row.line}:${row.column} ${row.ruleId} ${row.severity}`),
    messages: sorted.map((row) => row.message),
  };
}

describe('stagegate check: references between Kubernetes resources', () => {
  it("two apps' AnalysisTemplates share a name with different args: each Rollout is judged against its own, in either order", async () => {
    const forward = await findings(['argo/apps/checkout', 'argo/apps/payments']);
    const reversed = await findings(['argo/apps/payments', 'argo/apps/checkout']);
    assert.deepStrictEqual(forward.rows, [], forward.messages.join('\n'));
    assert.strictEqual(forward.code, 0);
    assert.deepStrictEqual(reversed, forward);
  });

  it("a template in the Rollout's own file wins over another file's of the same name, in either order", async () => {
    const forward = await findings(['argo/e2e/analysis-args.yaml', 'argo/e2e/analysis-secret.yaml']);
    const reversed = await findings(['argo/e2e/analysis-secret.yaml', 'argo/e2e/analysis-args.yaml']);
    assert.deepStrictEqual(forward.rows, [], forward.messages.join('\n'));
    assert.deepStrictEqual(reversed, forward);
  });

  it("templates of one name in two namespaces: each Rollout reads its own namespace's", async () => {
    const result = await findings(['argo/namespaced']);
    assert.deepStrictEqual(result.rows, [], result.messages.join('\n'));
  });

  it('a reference two sibling folders answer equally well is an info finding naming both, not an error against either', async () => {
    const result = await findings(['argo/ambiguous']);
    assert.deepStrictEqual(result.rows, ['ambiguous/app/rollout.yaml:21:31 resource-ref-ambiguous info']);
    assert.strictEqual(result.code, 0);
    assert.match(result.messages[0], /AnalysisTemplate "smoke" is defined 2 times in namespace "default", equally near this Rollout/);
    assert.match(result.messages[0], /\(\.\.\/one\/smoke\.yaml:4, \.\.\/two\/smoke\.yaml:4\)/);
    const sarif = JSON.parse((await run(['check', 'argo/ambiguous', '--format', 'sarif'])).stdout);
    const [finding] = sarif.runs[0].results;
    assert.deepStrictEqual(
      finding.relatedLocations.map(
        (related: any) =>
          `${related.physicalLocation.artifactLocation.uri}:${related.physicalLocation.region.startLine}:${related.physicalLocation.region.startColumn} ${related.message.text}`,
      ),
      [
        'argo/ambiguous/one/smoke.yaml:4:9 AnalysisTemplate "smoke" in namespace "default"',
        'argo/ambiguous/two/smoke.yaml:4:9 AnalysisTemplate "smoke" in namespace "default"',
      ],
    );
  });

  it('the whole fixture set gives the same findings whatever the order of the paths', async () => {
    const folders = ['argo/ambiguous', 'argo/apps', 'argo/e2e', 'argo/namespaced', 'argo/simulate'];
    const forward = await findings(folders);
    const reversed = await findings([...folders].reverse());
    assert.deepStrictEqual(reversed, forward);
    assert.deepStrictEqual(forward.rows, ['ambiguous/app/rollout.yaml:21:31 resource-ref-ambiguous info']);
  });
});

describe("stagegate check: a Flagger Canary's MetricTemplates and AlertProviders", () => {
  it('MetricTemplates and AlertProviders are read; refs resolved across folders and namespaces raise nothing, in either order', async () => {
    const shared = await run(['check', 'flagger/shared']);
    assert.strictEqual(shared.code, 0, `a folder of MetricTemplates and AlertProviders is checked: ${shared.stderr}`);
    const forward = await findings(['flagger/podinfo', 'flagger/frontend', 'flagger/shared']);
    const reversed = await findings(['flagger/shared', 'flagger/frontend', 'flagger/podinfo']);
    assert.deepStrictEqual(forward.rows, [], forward.messages.join('\n'));
    assert.strictEqual(forward.code, 0);
    assert.deepStrictEqual(reversed, forward);
  });

  it('an unresolved templateRef is an error, an unresolved providerRef a warning, an ambiguous ref information', async () => {
    const result = await findings(['flagger']);
    assert.deepStrictEqual(result.rows, [
      'flagger/ambiguous/canary.yaml:22:17 resource-ref-ambiguous info',
      'flagger/unresolved/canary.yaml:22:17 flagger-ref-not-found error',
      'flagger/unresolved/canary.yaml:30:17 flagger-ref-not-found warning',
    ]);
    assert.strictEqual(result.code, 1);
    assert.match(
      result.messages[0],
      /^MetricTemplate "apdex" is defined 2 times in namespace "monitoring", equally near this Canary \(team-a\/apdex\.yaml:4, team-b\/apdex\.yaml:4\)/,
    );
    assert.match(
      result.messages[1],
      /^MetricTemplate "error-rat" \(namespace "istio-system"\), named by metric "error rate", is defined in no file of the workspace \(did you mean "error-rate"\?\)/,
    );
    assert.match(
      result.messages[2],
      /^AlertProvider "pagerduty" \(namespace "shop"\), named by alert "pager", is defined in no file of the workspace/,
    );
  });

  it('Rollouts and Canaries together: the same findings whatever the order of the paths', async () => {
    const folders = ['argo', 'flagger/ambiguous', 'flagger/frontend', 'flagger/podinfo', 'flagger/shared', 'flagger/unresolved'];
    const forward = await findings(folders);
    assert.deepStrictEqual(await findings([...folders].reverse()), forward);
    assert.strictEqual(forward.rows.length, 4, forward.rows.join('\n'));
  });
});

describe('stagegate simulate: the AnalysisTemplate a Rollout resolves to', () => {
  it('replays the template beside the Rollout, not an older copy in a subfolder read before it', async () => {
    const result = await run(['simulate', 'argo/simulate/rollout.yaml', '--scenario', 'error-spike', '--format', 'json']);
    assert.strictEqual(result.code, 0, result.stderr);
    const replay = JSON.parse(result.stdout);
    assert.strictEqual(replay.outcome, 'rolled-back');
    assert.strictEqual(replay.detection.gate, 'error-rate/error-rate');
    assert.strictEqual(replay.detection.threshold, 0.005);
  });
});
