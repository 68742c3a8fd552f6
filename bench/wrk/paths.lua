-- wrk script: requests the lines of $BENCH_PATHS in turn ("/path" for a GET,
-- "POST /path body" for a form post) and writes a JSON summary to
-- $BENCH_RESULT when the run ends.
local lines = {}
local i = 0

function init(args)
  for line in io.lines(os.getenv("BENCH_PATHS")) do
    if line ~= "" then lines[#lines + 1] = line end
  end
  -- Threads start at different places so they do not ask in lockstep.
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 1000)
  i = math.random(#lines) - 1
end

function request()
  i = i % #lines + 1
  local line = lines[i]
  local path, body = line:match("^POST (%S+) (.*)$")
  if path then
    return wrk.format("POST", path, { ["Content-Type"] = "application/x-www-form-urlencoded" }, body)
  end
  return wrk.format("GET", line)
end

function done(summary, latency, requests)
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.status + e.timeout
  local seconds = summary.duration / 1e6
  local out = assert(io.open(os.getenv("BENCH_RESULT"), "w"))
  out:write(string.format(
    '{"name":"%s","requests":%d,"seconds":%.2f,"rps":%.1f,"p50_ms":%.3f,"p90_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f,"errors":%d,"non_2xx_3xx":%d}\n',
    os.getenv("BENCH_NAME"), summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, errors, e.status))
  out:close()
end
