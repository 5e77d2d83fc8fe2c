// The language server's own entry point (dist/server.js), which the VS Code client starts over IPC. Other editors
// start the same server with `stagegate lsp --stdio`.

import { listen } from './listen';

listen();
