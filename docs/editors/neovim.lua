-- Stagegate's language server in Neovim's built-in LSP client (Neovim 0.7 or later).
-- Put this in your init.lua, or load it with `nvim -u`. It starts one server for YAML, JSON and SQL buffers, rooted
-- at the nearest folder holding .git, .stagegate.yaml or package.json.
--
-- The command: `npx --no stagegate lsp --stdio` runs the copy a project installed (`npm install -D stagegate`);
-- set STAGEGATE_LSP_CMD to run another one, for example "node /path/to/stagegate/bin/stagegate.js lsp --stdio".

local cmd = vim.env.STAGEGATE_LSP_CMD and vim.split(vim.env.STAGEGATE_LSP_CMD, ' ', { trimempty = true })
  or { 'npx', '--no', 'stagegate', 'lsp', '--stdio' }

local function root_of(bufnr)
  local dir = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(bufnr), ':p:h')
  local git = vim.fn.finddir('.git', dir .. ';')
  -- ':p' gives a folder a trailing '/', so its parent is ':h:h'.
  if git ~= '' then return vim.fn.fnamemodify(git, ':p:h:h') end
  for _, marker in ipairs({ '.stagegate.yaml', 'package.json' }) do
    local found = vim.fn.findfile(marker, dir .. ';')
    if found ~= '' then return vim.fn.fnamemodify(found, ':p:h') end
  end
  return dir
end

local client_id = nil

vim.api.nvim_create_autocmd('FileType', {
  pattern = { 'yaml', 'json', 'jsonc', 'sql' },
  callback = function(args)
    if client_id == nil or vim.lsp.get_client_by_id(client_id) == nil then
      client_id = vim.lsp.start_client({ name = 'stagegate', cmd = cmd, root_dir = root_of(args.buf) })
    end
    if client_id then vim.lsp.buf_attach_client(args.buf, client_id) end
  end,
})
