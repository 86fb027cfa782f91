-- search.lua - wrk script for the search page (bench/run.sh): rotates
-- through queries typed with and without diacritics, single words and
-- phrases, some matching thousands of the bulk articles, some few, so the
-- figures are the search itself and not one remembered answer.
local queries = {
  "hoi dong", "Hội đồng nhân dân", "giam sat", "ngân sách", "ngan sach 2026",
  "chuyen doi so", "thoát nước", "cu tri kien nghi", "ky hop thu nhat", "giao duc pho thong",
  "\"dau tu cong\"", "moi truong lang nghe", "y te co so", "phong chay", "Đề án 15",
  "nghi quyet", "Hoàn Kiếm", "quy hoach", "an toan thuc pham", "tiep xuc cu tri",
}
local function enc(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
local paths = {}
for i, q in ipairs(queries) do paths[i] = wrk.path .. "?q=" .. enc(q) end
local n = 0

request = function()
  n = n + 1
  return wrk.format("GET", paths[n % #paths + 1])
end
