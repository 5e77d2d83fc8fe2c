// Starts the server on the transport the command line names (`--stdio`, `--node-ipc`, `--socket=N`), as every
// client of vscode-languageserver expects.

import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';

export function listen(): void {
  startServer(createConnection(ProposedFeatures.all));
}
