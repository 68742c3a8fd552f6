-- Random valid message bodies and the JSON summary, for wrk scripts.
local data = dofile(os.getenv("BENCH_DATA"))
local M = { data = data }

local words = { "яма", "на", "дороге", "у", "дома", "не", "горит", "фонарь", "во", "дворе",
  "мусор", "не", "вывозят", "третью", "неделю", "прорвало", "трубу", "возле", "остановки",
  "сломана", "скамейка", "в", "парке", "открыт", "люк", "на", "тротуаре", "подъезд", "грязный" }

math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))

function M.text()
  local n = math.random(6, 40)
  local parts = { "Прошу", "помочь:" }
  for i = 1, n do parts[#parts + 1] = words[math.random(#words)] end
  return table.concat(parts, " ")
end

function M.intake(headers)
  local p = data.points[math.random(#data.points)]
  local body = string.format('{"topic_id":%d,"text":"%s","lat":%.6f,"lon":%.6f}',
    data.topics[math.random(#data.topics)], M.text(), p[1], p[2])
  return wrk.format("POST", "/api/v1/messages", headers, body)
end

M.post_headers = {
  ["Authorization"] = "Bearer " .. data.key,
  ["Content-Type"] = "application/json",
}

-- Pace each connection so that all of them together send BENCH_RATE requests/s.
local rate = tonumber(os.getenv("BENCH_RATE") or "")
local connections = tonumber(os.getenv("BENCH_CONNECTIONS") or "1")
function M.delay()
  if rate and rate > 0 then return connections * 1000 / rate end
  return 0
end

function M.summary(name, expected, summary, latency)
  local errors = summary.errors
  local failed = errors.connect + errors.read + errors.write + errors.status + errors.timeout
  io.write(string.format(
    '{"scenario":"%s","requests":%d,"seconds":%.2f,"requests_per_second":%.1f,' ..
    '"p50_ms":%.2f,"p99_ms":%.2f,"errors":%d,"non_%s":%d,"timeouts":%d}\n',
    name, summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, failed, expected,
    errors.status, errors.timeout))
end

return M
