-- wrk: a mix of intake (20 %), public reads (60 %) and an organisation's
-- reads through its API key (20 %) (see mixed.sh).
package.path = os.getenv("BENCH_DIR") .. "/?.lua;" .. package.path
local m = require("messages")
local ids = m.data.ids
local key = { ["Authorization"] = "Bearer " .. m.data.key }

local public = {
  function() return "/api/v1/messages?limit=20" end,
  function() return "/api/v1/messages/" .. ids[math.random(#ids)] end,
  function() return "/messages/" .. ids[math.random(#ids)] end,
  function() return "/" end,
  function() return "/api/v1/catalogue" end,
  function() return "/api/v1/messages?limit=20&q=" .. "%D1%8F%D0%BC%D0%B0" end,
}

request = function()
  local roll = math.random(100)
  if roll <= 20 then return m.intake(m.post_headers) end
  if roll <= 80 then return wrk.format("GET", public[math.random(#public)]()) end
  return wrk.format("GET", "/api/v1/messages?limit=50&status=moderation", key)
end
delay = m.delay
done = function(summary, latency) m.summary("mixed", "2xx", summary, latency) end
