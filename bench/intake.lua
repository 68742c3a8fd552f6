-- wrk: POST random valid messages to /api/v1/messages (see intake.sh).
package.path = os.getenv("BENCH_DIR") .. "/?.lua;" .. package.path
local m = require("messages")

request = function() return m.intake(m.post_headers) end
delay = m.delay
done = function(summary, latency) m.summary("intake", "2xx", summary, latency) end
