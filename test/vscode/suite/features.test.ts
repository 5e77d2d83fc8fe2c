import * as assert from 'assert';
import * as vscode from 'vscode';
import {
  activateExtension,
  hasRule,
  openDocument,
  ruleId,
  waitForDiagnostics,
  workspaceUri,
  writeFile,
  serverDiagnostics,
} from './helpers';

const FLAGS = [
  'apiVersion: stagegate.dev/v1',
  'kind: FlagSet',
  'flags:',
  '  checkout-express:',
  '    description: Express checkout button',
  '    owner: team-payments',
  '    default: false',
  '',
].join('\n');

describe('editor features in the real VS Code', () => {
  before(async () => {
    await activateExtension();
  });

  it('a quick fix from the code action provider adds the expiry and clears the diagnostic', async () => {
    const uri = await writeFile('features/express.flags.yaml', FLAGS);
    await openDocument(uri);
    const diagnostics = await waitForDiagnostics(uri, hasRule('flag-missing-expiry'));
    const target = diagnostics.find((diagnostic) => ruleId(diagnostic) === 'flag-missing-expiry')!;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      uri,
      target.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const titles = actions.map((action) => action.title);
    const fix = actions.find((action) => action.title.startsWith('Add expires:'));
    assert.ok(fix?.edit, `offers an add-expiry fix among: ${titles.join(' | ')}`);
    assert.ok(fix.isPreferred, 'the fix is the preferred one');
    assert.ok(titles.includes('Disable flag-missing-expiry for this line'));
    assert.ok(titles.includes('Show documentation for flag-missing-expiry'));
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    const document = await vscode.workspace.openTextDocument(uri);
    assert.match(document.getText(), /\n {4}expires: "\d{4}-\d{2}-\d{2}"\n/);
    await waitForDiagnostics(uri, (list) => !hasRule('flag-missing-expiry')(list));
  });

  it('"disable for this line" inserts a suppression comment that silences the rule', async () => {
    const uri = await writeFile(
      'features/nodesc.flags.yaml',
      FLAGS.replace('    description: Express checkout button\n', '').replace('checkout-express', 'checkout-nodesc'),
    );
    await openDocument(uri);
    const diagnostics = await waitForDiagnostics(uri, hasRule('flag-missing-description'));
    const target = diagnostics.find((diagnostic) => ruleId(diagnostic) === 'flag-missing-description')!;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      uri,
      target.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const disable = actions.find((action) => action.title === 'Disable flag-missing-description for this line');
    assert.ok(disable?.edit && (await vscode.workspace.applyEdit(disable.edit)));
    assert.match(
      (await vscode.workspace.openTextDocument(uri)).getText(),
      /\n {2}# stagegate-disable-next-line flag-missing-description\n {2}checkout-nodesc:/,
    );
    await waitForDiagnostics(uri, (list) => !hasRule('flag-missing-description')(list));
  });

  it('source.fixAll.stagegate applies the safe fixes of a file', async () => {
    const uri = await writeFile(
      'features/fixall.flags.yaml',
      [
        'apiVersion: stagegate.dev/v1',
        'kind: FlagSet',
        'flags:',
        '  a:',
        '    description: a',
        '    owner: x',
        '  b:',
        '    description: b',
        '    owner: x',
        '',
      ].join('\n'),
    );
    await openDocument(uri);
    await waitForDiagnostics(uri, (list) => list.filter((diagnostic) => ruleId(diagnostic) === 'flag-missing-expiry').length === 2);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      uri,
      new vscode.Range(0, 0, 0, 0),
      'source.fixAll.stagegate',
    );
    assert.strictEqual(actions.length, 1);
    assert.ok(actions[0].edit && (await vscode.workspace.applyEdit(actions[0].edit)));
    await waitForDiagnostics(uri, (list) => !hasRule('flag-missing-expiry')(list));
  });

  it("hover shows a gate's power and a key's schema description", async () => {
    const plan = workspaceUri('examples', 'checkout', 'checkout.release.yaml');
    const editor = await openDocument(plan);
    const text = editor.document.getText();
    const gateOffset = text.indexOf('metric: errorRate', text.indexOf('name: canary-1')) + 'metric: '.length;
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      plan,
      editor.document.positionAt(gateOffset),
    );
    const hoverText = hovers
      .flatMap((hover) => hover.contents.map((content) => (typeof content === 'string' ? content : content.value)))
      .join('\n');
    assert.match(
      hoverText,
      /Catches .* with \*\*[\d.]+%\*\* probability per 1h window at 1% of 1,200 rps, judged on all traffic and 3 breakdown values/,
    );

    const keyOffset = text.indexOf('requestsPerSecond');
    const keyHovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      plan,
      editor.document.positionAt(keyOffset + 2),
    );
    const keyText = keyHovers
      .flatMap((hover) => hover.contents.map((content) => (typeof content === 'string' ? content : content.value)))
      .join('\n');
    assert.match(keyText, /Total requests per second the service receives/);
  });

  it('hover on a flag in a plan shows its owner, type and days to expiry', async () => {
    const plan = workspaceUri('examples', 'checkout', 'checkout.release.yaml');
    const editor = await openDocument(plan);
    const offset = editor.document.getText().indexOf('- checkout-new-pricing') + 4;
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      plan,
      editor.document.positionAt(offset),
    );
    const text = hovers
      .flatMap((hover) => hover.contents.map((content) => (typeof content === 'string' ? content : content.value)))
      .join('\n');
    assert.match(text, /Flag `checkout-new-pricing`\*\* \(release\)/);
    assert.match(text, /owner: team-payments/);
    assert.match(text, /expires in \d+ days? \(2027-01-29\)|expired/);
  });

  it("completion offers the workspace's flag keys in a plan's flags list, and metric names", async () => {
    const uri = await writeFile(
      'features/complete.release.yaml',
      [
        'apiVersion: stagegate.dev/v1',
        'kind: ReleasePlan',
        'metadata: { name: a, service: b, owner: c }',
        'baseline:',
        '  kpis: { signup: 0.9 }',
        'flags:',
        '  - ',
        'stages:',
        '  - name: canary',
        '    weight: 1',
        '    gates:',
        '      - metric: ',
        '',
      ].join('\n'),
    );
    const editor = await openDocument(uri);
    const flagList = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      uri,
      new vscode.Position(6, 4),
    );
    const labels = flagList.items.map((item) => (typeof item.label === 'string' ? item.label : item.label.label));
    assert.ok(labels.includes('checkout-new-pricing'), `flag keys offered: ${labels.slice(0, 20).join(', ')}`);
    const metricLine = editor.document.lineAt(11).text;
    const metrics = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      uri,
      new vscode.Position(11, metricLine.length),
    );
    const metricLabels = metrics.items.map((item) => (typeof item.label === 'string' ? item.label : item.label.label));
    for (const expected of ['errorRate', 'latencyP95Ms', 'kpi:signup'])
      assert.ok(metricLabels.includes(expected), `metric ${expected} offered among ${metricLabels.join(', ')}`);
  });

  it("document symbols list the plan's stages and their gates", async () => {
    const plan = workspaceUri('examples', 'checkout', 'checkout.release.yaml');
    await openDocument(plan);
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', plan);
    const root = symbols.find((symbol) => symbol.name === 'checkout-2.4');
    assert.ok(root, `plan symbol among ${symbols.map((symbol) => symbol.name).join(', ')}`);
    assert.deepStrictEqual(
      root.children.filter((child) => child.kind === vscode.SymbolKind.Event).map((child) => child.name),
      ['internal', 'canary-1', 'canary-10', 'rollout-50', 'full'],
    );
    assert.deepStrictEqual(
      root.children[1].children.map((gate) => gate.name),
      ['errorRate', 'latencyP95Ms'],
    );
  });

  it("the status bar shows the active plan's readiness and problem count", async () => {
    const api = await activateExtension();
    await openDocument(workspaceUri('examples', 'checkout', 'checkout.release.yaml'));
    await api.status.update();
    assert.match(api.status.text, /Stagegate 5\/5 ready · 0 problems/);
    const readiness = await vscode.commands.executeCommand<{ readyCount: number }[]>(
      'stagegate.showReadiness',
      workspaceUri('examples', 'checkout', 'checkout.release.yaml'),
    );
    assert.strictEqual(readiness[0].readyCount, 5);
  });

  it('the status bar marks the readiness items of a plan with metrics queries as not measured, and asks no server', async () => {
    const api = await activateExtension();
    const uri = await writeFile(
      'features/measured.release.yaml',
      [
        'apiVersion: stagegate.dev/v1',
        'kind: ReleasePlan',
        'metadata: { name: measured, version: 1.0.0 }',
        'traffic: { requestsPerSecond: 100 }',
        'metrics:',
        // A server that nothing answers on: were it asked, the items would say "Not measured: cannot reach".
        '  prometheus: { url: "http://127.0.0.1:9" }',
        '  queries:',
        '    requests: sum(rate(http_requests_total{service="measured"}[$window]))',
        'stages:',
        '  - { name: all, weight: 100, duration: 1h }',
        '',
      ].join('\n'),
    );
    await openDocument(uri);
    await api.status.update();
    assert.match(api.status.text, /Stagegate \d\/5 ready \(1 not measured\) · /);
    const [readiness] = await vscode.commands.executeCommand<{ items: { id: string; measured?: boolean; reason: string }[] }[]>(
      'stagegate.showReadiness',
      uri,
    );
    const version = readiness.items.find((item) => item.id === 'version-identifiable')!;
    assert.strictEqual(version.measured, false);
    assert.match(version.reason, /Not measured against the recorded series: `stagegate check --readiness --metrics`/);
  });

  it('New Release Plan writes the ladder template, which has no problems', async () => {
    const target = workspaceUri('features', 'new.release.yaml');
    const uri = await vscode.commands.executeCommand<vscode.Uri>('stagegate.newReleasePlan', target);
    assert.strictEqual(uri.fsPath, target.fsPath);
    const text = (await vscode.workspace.openTextDocument(uri)).getText();
    assert.match(text, /name: internal[\s\S]*weight: 1\n[\s\S]*weight: 10\n[\s\S]*weight: 50\n[\s\S]*weight: 100\n/);
    // Asked of the server directly: an empty list in the editor could also mean "not delivered yet".
    const report = await serverDiagnostics(uri);
    const errorsAndWarnings = report.filter((diagnostic) => diagnostic.severity !== undefined && diagnostic.severity <= 2);
    assert.deepStrictEqual(
      errorsAndWarnings.map((diagnostic) => diagnostic.message),
      [],
    );
  });

  it('fix-all right after an edit uses positions of the current text', async () => {
    const uri = await writeFile(
      'features/late.flags.yaml',
      'apiVersion: stagegate.dev/v1\nkind: FlagSet\nmetadata:\n  name: x\nflags:\n  a:\n    description: a\n    owner: o\n',
    );
    const editor = await openDocument(uri);
    await waitForDiagnostics(uri, hasRule('flag-missing-expiry'));
    // Two new lines at the top, and fix-all at once, before the debounced check publishes.
    await editor.edit((builder) => builder.insert(new vscode.Position(0, 0), '# one\n# two\n'));
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      uri,
      new vscode.Range(0, 0, 0, 0),
      'source.fixAll.stagegate',
    );
    assert.ok(actions[0]?.edit && (await vscode.workspace.applyEdit(actions[0].edit)));
    assert.match(editor.document.getText(), /\n {2}a:\n {4}expires: "\d{4}-\d{2}-\d{2}"\n {4}description: a\n/);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('JSON files get no "disable for this line" comment, which JSON cannot hold', async () => {
    const uri = await writeFile(
      'features/plain.flags.json',
      '{\n  "apiVersion": "stagegate.dev/v1",\n  "kind": "FlagSet",\n  "flags": { "a": { "owner": "o", "description": "d" } }\n}\n',
    );
    await openDocument(uri);
    // VS Code's own JSON support starts with the first JSON file, and its start cancels code action requests
    // already in flight (seen in code-server 4.100.3): let it start first, as it has in any real session by then.
    await vscode.extensions.getExtension('vscode.json-language-features')?.activate();
    const diagnostics = await waitForDiagnostics(uri, hasRule('flag-missing-expiry'));
    const target = diagnostics.find((diagnostic) => ruleId(diagnostic) === 'flag-missing-expiry')!;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      uri,
      target.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    assert.ok(!actions.some((action) => action.title.startsWith('Disable')), actions.map((action) => action.title).join(' | '));
    assert.ok(
      actions.some((action) => action.title.startsWith('Add expires')),
      actions.map((action) => action.title).join(' | '),
    );
  });
});
