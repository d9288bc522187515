-- wrk script: POST /v1/assignments:getOrMake for experiment BENCH.
-- SUBJECTS=new: a subject never seen before on every request (each makes a durable assignment).
-- SUBJECTS=repeat: subjects drawn from a fixed set of 10,000 that are assigned already (cache hits).
-- Run from the repository root, as bench/http.sh does.
dofile("bench/http/report.lua")

local mode = os.getenv("SUBJECTS") or "repeat"
local run = os.getenv("RUN_ID") or tostring(os.time())

function init(args)
  post_json()
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
