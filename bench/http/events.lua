-- wrk script: POST /v1/events, batches of 100 exposures of new subjects to experiment BENCH, each
-- with an insert_id of its own (so none is a duplicate). Events/s = requests/s x 100.
-- Run from the repository root, as bench/http.sh does.
dofile("bench/http/report.lua")

local run = os.getenv("RUN_ID") or tostring(os.time())

function init(args)
  post_json()
  counter = 0
end

function request()
  local events = {}
  for i = 1, 100 do
    counter = counter + 1
    local id = run .. "-" .. tid .. "-" .. counter
    local variant = (counter % 2 == 0) and "control" or "treatment"
    events[i] = '{"event_type":"$exposure","user_id":"s-' .. id .. '","insert_id":"e-' .. id
      .. '","event_properties":{"flag_key":"bench","variant":"' .. variant .. '"}}'
  end
  return wrk.format(nil, nil, nil, '{"events":[' .. table.concat(events, ",") .. ']}')
end
