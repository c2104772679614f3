-- Fix-all on APP_FILE; then, on REVIEW_FILE (a finding with no safe fix), the ignore action,
-- a reason typed after it, and the finding gone. Both files written.
local lsp = dofile(os.getenv("NVIM_SCRIPTS") .. "/common.lua")
local buf, client = lsp.open(os.getenv("APP_FILE"))
lsp.diagnostics(buf)
lsp.apply(lsp.action(buf, client, "Fix all", { "source.fixAll.static-first" }), client)
lsp.diagnostics(buf, 0)

vim.cmd("edit " .. vim.fn.fnameescape(os.getenv("REVIEW_FILE")))
local review = vim.api.nvim_get_current_buf()
vim.lsp.buf_attach_client(review, client.id)
local diagnostics = lsp.diagnostics(review)
local line = diagnostics[1].lnum
lsp.apply(lsp.action(review, client, "Ignore this finding", { "quickfix" }), client)
local comment = vim.api.nvim_buf_get_lines(review, line, line + 1, true)[1]
if not comment:match("^%s*// static%-first%-ignore: $") then
  lsp.fail("no ignore comment above the finding: `" .. comment .. "`")
end
vim.api.nvim_buf_set_text(review, line, #comment, line, #comment, { "the admin checks every asset itself" })
lsp.diagnostics(review, 0)
lsp.finish(client)
