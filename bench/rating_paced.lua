-- rating_paced.lua - a bounded rating writer for the mixed read/write
-- bench (bench/run.sh, targets article-mixed*): like rating.lua (every
-- request a new visitor, so a new row committed), but each connection
-- waits between requests so that all BENCH_WRITER_CONNS connections
-- together post about BENCH_WRITE_RATE ratings a second.  wrk waits
-- `delay()` ms after each answer, so the period is delay + latency; the
-- delay is 90 % of the ideal period and run.sh reports the rate reached.
-- BENCH_RATE_PATHS (space-separated paths, optional) spreads the ratings
-- over those articles' rating URLs instead of the URL given to wrk.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Origin"] = os.getenv("BENCH_ORIGIN")
local csrf = os.getenv("BENCH_CSRF")
local rate = tonumber(os.getenv("BENCH_WRITE_RATE") or "300")
local conns = tonumber(os.getenv("BENCH_WRITER_CONNS") or "8")
local period = 1000 * conns / rate * 0.9
local paths = {}
for p in string.gmatch(os.getenv("BENCH_RATE_PATHS") or "", "%S+") do paths[#paths + 1] = p end
local n = 0

delay = function()
  return period
end

request = function()
  n = n + 1
  local path = nil
  if #paths > 0 then path = paths[n % #paths + 1] end
  return wrk.format(nil, path, nil, "csrf=" .. csrf .. "&sao=" .. (n % 5 + 1))
end
