-- Shared by the wrk scripts: thread numbers, JSON POSTs with the admin token, one summary line
-- that bench/http.sh picks up, and, with RATE set,
-- a pause before each request so that the connections together offer at most RATE requests/s
-- (a pause of CONNECTIONS/RATE seconds; the response time comes on top, so the rps reported is
-- what was actually served).
local rate = tonumber(os.getenv("RATE") or "")
if rate then
  local pause = tonumber(os.getenv("CONNECTIONS")) * 1000 / rate
  function delay()
    return pause
  end
end

-- Each thread's number, as the global tid in its own Lua state: scripts build unique ids from it.
local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

-- Called from a script's init(): every request is a JSON POST as the admin.
function post_json()
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("ALLOT_TOKEN")
end

function done(summary, latency, requests)
  io.write(string.format("RESULT requests=%d errors=%d non2xx=%d rps=%.0f p50_ms=%.2f p99_ms=%.2f\n",
    summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
