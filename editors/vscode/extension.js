// The VS Code extension of netc: starts netc's language server
// (`<netc.path> lsp`, over stdio) for .net files, and adds the command
// "netc: Show memory report", which asks the server for the memory report
// of the network under the cursor and shows it as Markdown beside the editor.
'use strict';

const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

/// A LanguageClient without the built-in workspace/executeCommand feature:
/// that feature registers every command the server lists (netc.memoryReport)
/// as a VS Code command, which this extension does itself, with the
/// editor's document and cursor as arguments; VS Code refuses a second
/// registration of one command. The requests are sent directly instead.
class NetcClient extends LanguageClient {
  registerFeature(feature) {
    if (feature.registrationType?.method !== 'workspace/executeCommand')
      super.registerFeature(feature);
  }
}

let client;

function createClient() {
  const config = vscode.workspace.getConfiguration('netc');
  const serverOptions = { command: config.get('path', 'netc'), args: ['lsp'] };
  const clientOptions = {
    documentSelector: [{ scheme: 'file', language: 'netc' }],
    initializationOptions: { defines: config.get('defines', []) },
  };
  return new NetcClient('netc', 'netc', serverOptions, clientOptions);
}

async function startClient() {
  client = createClient();
  try {
    await client.start();
  } catch (error) {
    const path = vscode.workspace.getConfiguration('netc').get('path', 'netc');
    vscode.window.showErrorMessage(
        `netc: could not start the language server \`${path} lsp\` (${error.message}); ` +
        'set netc.path to the netc binary.');
  }
}

async function stopClient() {
  // stop() rejects when the server never started: nothing to stop then.
  await client?.stop().catch(() => {});
  client = undefined;
}

async function showMemoryReport() {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'netc') {
    vscode.window.showInformationMessage('netc: open a .net file to see its memory report.');
    return;
  }
  if (!client || !client.isRunning()) {
    vscode.window.showErrorMessage('netc: the language server is not running.');
    return;
  }
  const convert = client.code2ProtocolConverter;
  const markdown = await client.sendRequest('workspace/executeCommand', {
    command: 'netc.memoryReport',
    arguments: [{
      uri: convert.asUri(editor.document.uri),
      position: convert.asPosition(editor.selection.active),
      format: 'markdown',
    }],
  });
  if (typeof markdown !== 'string') {
    vscode.window.showInformationMessage('netc: no memory report here.');
    return;
  }
  const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown });
  await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preview: false });
}

async function activate(context) {
  context.subscriptions.push(
      vscode.commands.registerCommand('netc.memoryReport', () =>
          showMemoryReport().catch((error) =>
              vscode.window.showErrorMessage(`netc: memory report failed: ${error.message}`))),
      // A new netc.path or netc.defines takes a new server.
      vscode.workspace.onDidChangeConfiguration(async (event) => {
        if (event.affectsConfiguration('netc.path') || event.affectsConfiguration('netc.defines')) {
          await stopClient();
          await startClient();
        }
      }));
  await startClient();
}

function deactivate() {
  return stopClient();
}

module.exports = { activate, deactivate };
