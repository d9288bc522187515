-- wrk script: POST /ofrep/v1/evaluate/flags/bench, OpenFeature's remote evaluation of flag BENCH,
-- for subjects drawn from the same fixed set of 10,000 already assigned as getOrMake.lua's
-- SUBJECTS=repeat (cache hits), so that the two cases compare the same work behind two wires.
-- Run from the repository root, as bench/http.sh does.
dofile("bench/http/report.lua")

function init(args)
  post_json()
  math.randomseed(os.time() + tid)
end

function request()
  local subject = "known-" .. math.random(0, 9999)
  return wrk.format(nil, nil, nil, '{"context":{"targetingKey":"' .. subject .. '"}}')
end
