-- wrk script: POST /v1/assignments:getOrMake for experiment BENCH.
-- SUBJECTS=new: a subject never seen before on every request (each makes a durable assignment).
-- SUBJECTS=repeat: subjects drawn from a fixed set of 10,000 that are assigned already (cache hits).
local mode = os.getenv("SUBJECTS") or "repeat"
local run = os.getenv("RUN_ID") or tostring(os.time())
local threads = 0

function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("ALLOT_TOKEN")
  counter = 0
  math.randomseed(os.time() + tid)
end

function request()
  counter = counter + 1
  local subject
  if mode == "new" then
    subject = "new-" .. run .. "-" .. tid .. "-" .. counter
  else
    subject = "known-" .. math.random(0, 9999)
  end
  return wrk.format(nil, nil, nil, '{"subjectId":"' .. subject .. '","experimentIds":["BENCH"]}')
end

function done(summary, latency, requests)
  io.write(string.format("RESULT requests=%d errors=%d non2xx=%d rps=%.0f p50_ms=%.2f p99_ms=%.2f\n",
    summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
