// The editor configurations docs/editors.md gives, run as written: Neovim's (in Debian's Neovim, headless) starts
// the server and shows its diagnostics; Helix's (Helix is not packaged for Debian 12, so its file is read and its
// server command run) names a command that answers initialize.

import * as assert from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO_ROOT } from '../helpers';
import { BIN, LspSession, PUSH_CLIENT } from './lsp-client';

const EDITORS = path.join(REPO_ROOT, 'docs', 'editors');

function nvimVersion(): string | undefined {
  const result = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.split('\n')[0] : undefined;
}

describe('editor configurations from docs/editors.md', function () {
  this.timeout(60_000);
  const nvim = nvimVersion();

  (nvim ? it : it.skip)(
    `Neovim (${nvim ?? "not installed: npm test installs Debian's neovim"}) starts the server with docs/editors/neovim.lua and shows its diagnostics`,
    () => {
      const folder = mkdtempSync(path.join(os.tmpdir(), 'stagegate-nvim-'));
      execFileSync('git', ['init', '-q', folder]);
      const file = path.join(folder, 'team.flags.yaml');
      writeFileSync(
        file,
        [
          'apiVersion: stagegate.dev/v1',
          'kind: FlagSet',
          'flags:',
          '  search-boost:',
          '    description: Boosts fresh results',
          '    default: false',
          '',
        ].join('\n'),
      );
      const check = path.join(folder, 'check.lua');
      // Waits for the server's diagnostics, prints them as JSON on stderr (where headless Neovim prints), and exits
      // 0 only when some arrived from the stagegate client.
      writeFileSync(
        check,
        [
          'local bufnr = vim.api.nvim_get_current_buf()',
          'local ok = vim.wait(20000, function() return #vim.diagnostic.get(bufnr) > 0 end, 50)',
          'local found = {}',
          'for _, d in ipairs(vim.diagnostic.get(bufnr)) do table.insert(found, { line = d.lnum, col = d.col, source = d.source, code = d.user_data and d.user_data.lsp and d.user_data.lsp.code }) end',
          'local roots = {}',
          'for _, c in pairs(vim.lsp.buf_get_clients(bufnr)) do table.insert(roots, c.name .. " " .. tostring(c.config.root_dir)) end',
          'io.stderr:write("RESULT " .. vim.fn.json_encode({ diagnostics = found, clients = roots }) .. "\\n")',
          'if ok then vim.cmd("qall!") else vim.cmd("cquit 1") end',
        ].join('\n'),
      );
      const result = spawnSync('nvim', ['--headless', '-u', path.join(EDITORS, 'neovim.lua'), file, '-c', `luafile ${check}`], {
        encoding: 'utf8',
        cwd: folder,
        timeout: 40_000,
        env: { ...process.env, STAGEGATE_LSP_CMD: `${process.execPath} ${BIN} lsp --stdio` },
      });
      const line = result.stderr.split('\n').find((text) => text.startsWith('RESULT '));
      assert.ok(line, `Neovim printed no result (exit ${result.status}):\n${result.stderr}`);
      const { diagnostics, clients } = JSON.parse(line.slice('RESULT '.length)) as {
        diagnostics: { line: number; col: number; source: string; code: string }[];
        clients: string[];
      };
      assert.strictEqual(result.status, 0);
      assert.deepStrictEqual(clients, [`stagegate ${folder}`], 'one stagegate client, rooted at the repository');
      assert.deepStrictEqual(
        diagnostics.map((diagnostic) => `${diagnostic.source} ${diagnostic.code}@${diagnostic.line}:${diagnostic.col}`).sort(),
        ['stagegate flag-missing-expiry@3:2', 'stagegate flag-missing-owner@3:2'],
      );
    },
  );

  it('Helix: docs/editors/helix-languages.toml attaches stagegate to YAML, JSON and SQL, and its command answers initialize', async () => {
    const toml = readFileSync(path.join(EDITORS, 'helix-languages.toml'), 'utf8');
    const server = /\[language-server\.stagegate\]\s*\ncommand = "([^"]+)"\s*\nargs = \[([^\]]*)\]/.exec(toml);
    assert.ok(server, 'the file declares [language-server.stagegate] with a command and args');
    const args = [...server[2].matchAll(/"([^"]*)"/g)].map((match) => match[1]);
    assert.deepStrictEqual([server[1], ...args], ['npx', '--no', 'stagegate', 'lsp', '--stdio']);
    const languages = [...toml.matchAll(/\[\[language\]\]\s*\nname = "([^"]+)"\s*\nlanguage-servers = \[([^\]]*)\]/g)].map((match) => ({
      name: match[1],
      servers: match[2],
    }));
    assert.deepStrictEqual(
      languages.filter((language) => language.servers.includes('"stagegate"')).map((language) => language.name),
      ['yaml', 'json', 'jsonc', 'sql'],
    );
    // What `npx --no stagegate` runs is the package's bin: give it the arguments the file gives.
    const session = LspSession.start(args.slice(args.indexOf('stagegate') + 1));
    try {
      const result = await session.initialize(mkdtempSync(path.join(os.tmpdir(), 'stagegate-helix-')), PUSH_CLIENT);
      assert.strictEqual(result.serverInfo?.name, 'stagegate');
      assert.strictEqual(await session.stop(), 0);
    } finally {
      session.kill();
    }
  });
});
