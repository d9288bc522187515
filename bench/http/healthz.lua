-- wrk script: GET /healthz, the ceiling (a request that touches the store, with no JSON body to read).
-- Run from the repository root, as bench/http.sh does.
dofile("bench/http/report.lua")
