// Commands of the "Stagegate" category besides the simulator's: each asks the language server, or writes a
// starting file, and shows the answer the VS Code way.

import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ruleDocUrl } from '../engine/rule-kit/rule';
import { releasePlanTemplate } from '../engine/templates';
import { NewFlagRequest, ReadinessRequest, RulesRequest, StatusRequest } from '../shared/protocol';

export function registerCommands(context: vscode.ExtensionContext, client: LanguageClient): void {
  const register = (id: string, run: (...args: never[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, run));

  register('stagegate.validateWorkspace', async () => {
    const { lastCheck } = await client.sendRequest(StatusRequest, {});
    void vscode.window.setStatusBarMessage(
      `Stagegate: ${lastCheck.files} files, ${lastCheck.errors} errors, ${lastCheck.warnings} warnings`,
      5000,
    );
    return { files: lastCheck.files, errors: lastCheck.errors, warnings: lastCheck.warnings };
  });

  register('stagegate.showRuleDocumentation', async (ruleId?: string) => {
    const id =
      ruleId ??
      (
        await vscode.window.showQuickPick(
          (await client.sendRequest(RulesRequest)).map((meta) => ({
            label: meta.id,
            description: meta.defaultSeverity,
            detail: meta.summary,
          })),
          { placeHolder: 'Show documentation for rule…', matchOnDetail: true },
        )
      )?.label;
    if (!id) return undefined;
    // The rule pages ship inside the extension, so this works offline; the diagnostic links go to the web copy.
    const local = vscode.Uri.joinPath(context.extensionUri, 'docs', 'rules', `${id}.md`);
    try {
      await vscode.workspace.fs.stat(local);
      await vscode.commands.executeCommand('markdown.showPreview', local);
      return local;
    } catch {
      await vscode.env.openExternal(vscode.Uri.parse(ruleDocUrl(id)));
      return vscode.Uri.parse(ruleDocUrl(id));
    }
  });

  register('stagegate.newReleasePlan', async (target?: vscode.Uri) => {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const uri = target ?? (folder ? await uniqueUri(folder, 'new-service', '.release.yaml') : undefined);
    const text = releasePlanTemplate('new-service');
    if (!uri) {
      const document = await vscode.workspace.openTextDocument({ language: 'yaml', content: text });
      await vscode.window.showTextDocument(document);
      return document.uri;
    }
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    await vscode.window.showTextDocument(uri);
    return uri;
  });

  register('stagegate.newFlag', async (key?: string) => {
    const flagKey =
      key ??
      (await vscode.window.showInputBox({
        prompt: 'Key of the new flag',
        value: 'my-new-flag',
        validateInput: (value) => (/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(value) ? undefined : 'Letters, digits, "-", "_" and "."'),
      }));
    if (!flagKey) return undefined;
    const editor = vscode.window.activeTextEditor;
    const answer = await client.sendRequest(NewFlagRequest, { uri: editor?.document.uri.toString(), key: flagKey });
    if ('edit' in answer && editor) {
      // Into the open flag file, where its `flags` mapping ends (YAML) or opens (JSON).
      const { start } = answer.edit.range;
      await editor.edit((builder) => builder.insert(new vscode.Position(start.line, start.character), answer.edit.newText));
      return editor.document.uri;
    }
    const text = 'fileText' in answer ? answer.fileText : '';
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    if (!folder) {
      const document = await vscode.workspace.openTextDocument({ language: 'yaml', content: text });
      await vscode.window.showTextDocument(document);
      return document.uri;
    }
    const uri = await uniqueUri(folder, 'new', '.flags.yaml');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    await vscode.window.showTextDocument(uri);
    return uri;
  });

  register('stagegate.showReadiness', async (target?: vscode.Uri) => {
    const uri = target ?? vscode.window.activeTextEditor?.document.uri;
    if (!uri) return undefined;
    const readiness = await client.sendRequest(ReadinessRequest, { uri: uri.toString() });
    if (readiness.length === 0) {
      void vscode.window.showInformationMessage('Stagegate: the active file is not a release plan.');
      return undefined;
    }
    const markdown = readiness
      .map((plan) =>
        [
          `# Readiness of ${plan.plan}: ${plan.readyCount}/${plan.items.length}`,
          '',
          ...plan.items.map((item) => `- ${item.ready ? '✅' : '❌'} **${item.question}**  \n  ${item.reason}`),
        ].join('\n'),
      )
      .join('\n\n');
    const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown });
    await vscode.commands.executeCommand('markdown.showPreviewToSide', document.uri);
    return readiness;
  });

  register('stagegate.restartServer', () => client.restart());
}

async function uniqueUri(folder: vscode.Uri, stem: string, suffix: string): Promise<vscode.Uri> {
  for (let i = 0; ; i++) {
    const uri = vscode.Uri.joinPath(folder, `${stem}${i === 0 ? '' : `-${i + 1}`}${suffix}`);
    try {
      await vscode.workspace.fs.stat(uri);
    } catch {
      return uri;
    }
  }
}
