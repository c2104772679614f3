-- Shared by the Neovim scripts: start `static-first lsp` on the current buffer with Neovim's
-- built-in client, wait for diagnostics, ask for code actions, fail loudly.
local M = {}

local patience = 60000

function M.fail(message)
  io.stderr:write("nvim script failed: " .. message .. "\n")
  vim.cmd("cquit 3")
end

-- Opens `file`, attaches the server to its buffer; the buffer and the client.
function M.open(file)
  vim.cmd("edit " .. vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()
  local id = vim.lsp.start_client({
    name = "static-first",
    cmd = { os.getenv("STATIC_FIRST_BIN"), "lsp" },
    root_dir = vim.fn.fnamemodify(file, ":p:h"),
    init_options = { debounceMs = 0 },
    on_exit = function(code)
      if code ~= 0 then
        io.stderr:write("the server exited with " .. code .. "\n")
      end
    end,
  })
  if not id or not vim.lsp.buf_attach_client(buf, id) then
    M.fail("the server did not start")
  end
  return buf, vim.lsp.get_client_by_id(id)
end

-- Waits until the buffer has `count` diagnostics from the server (at least one when nil).
function M.diagnostics(buf, count)
  local ok = vim.wait(patience, function()
    local n = #vim.diagnostic.get(buf)
    if count == nil then
      return n > 0
    end
    return n == count
  end, 20)
  if not ok then
    M.fail("expected " .. tostring(count or "some") .. " diagnostic(s), have " .. #vim.diagnostic.get(buf))
  end
  return vim.diagnostic.get(buf)
end

-- The code action titled `title` (a prefix) over the whole buffer, of `only` kinds if given.
function M.action(buf, client, title, only)
  local last = vim.api.nvim_buf_line_count(buf)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = { start = { line = 0, character = 0 }, ["end"] = { line = last, character = 0 } },
    context = { diagnostics = {}, only = only },
  }
  local response, err = client.request_sync("textDocument/codeAction", params, patience, buf)
  if not response or response.err then
    M.fail("codeAction failed: " .. vim.inspect(err or response))
  end
  for _, action in ipairs(response.result or {}) do
    if vim.startswith(action.title, title) then
      return action
    end
  end
  M.fail("no code action `" .. title .. "` in " .. vim.inspect(response.result))
end

function M.apply(action, client)
  vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding)
end

-- Writes every buffer and ends Neovim with the server shut down.
function M.finish(client)
  vim.cmd("wall")
  client.stop()
  vim.wait(patience, function() return client.is_stopped() end, 20)
  vim.cmd("qall!")
end

return M
