-- Opens the app in APP_FILE, waits for the finding, applies its quick fix and writes the file.
local lsp = dofile(os.getenv("NVIM_SCRIPTS") .. "/common.lua")
local buf, client = lsp.open(os.getenv("APP_FILE"))
local diagnostics = lsp.diagnostics(buf)
if diagnostics[1].source ~= "static-first" or diagnostics[1].severity ~= vim.diagnostic.severity.WARN then
  lsp.fail("not a static-first warning: " .. vim.inspect(diagnostics[1]))
end
lsp.apply(lsp.action(buf, client, "Move static middleware before session", { "quickfix" }), client)
-- The fixed text is analysed again: nothing left.
lsp.diagnostics(buf, 0)
lsp.finish(client)
