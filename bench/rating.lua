-- rating.lua - wrk script for the rating POST (bench/run.sh).
-- Each request is a new anonymous visitor (no cookie), so every POST is a
-- new rating row written and committed.  BENCH_CSRF is the day's public
-- form token, BENCH_ORIGIN the server's origin (same-origin check).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Origin"] = os.getenv("BENCH_ORIGIN")
local csrf = os.getenv("BENCH_CSRF")
local n = 0

request = function()
  n = n + 1
  return wrk.format(nil, nil, nil, "csrf=" .. csrf .. "&sao=" .. (n % 5 + 1))
end
