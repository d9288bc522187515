#!/usr/bin/env bash
# HTTP load benchmark: starts a local Allot on a throwaway data dir, then measures with wrk
# GET /healthz (the ceiling), getOrMake for repeat subjects and getOrMake for new subjects.
#   bench/http.sh                      # 64 connections, 20 s per case
#   DURATION=30s CONNECTIONS=128 bench/http.sh
#   CASES=new bench/http.sh            # only some of the cases: healthz repeat new events ofrep
#   CASES="repeat ofrep" bench/http.sh # OFREP's evaluation of one flag against getOrMake, same subjects (ofrep is not by default)
#   CASES=events bench/http.sh         # exposures through POST /v1/events, 100 a request (not by default)
#   RATE=10000 bench/http.sh           # offer at most 10,000 requests/s instead of as many as possible
#   DATABASE=postgres bench/http.sh    # on a new database on the local PostgreSQL (psql), dropped after
#   DATABASE=jdbc:postgresql://... bench/http.sh   # on a database of your own
#   ASSIGNMENT_EVENTS=off bench/http.sh   # serve with --no-assignment-events (default: on, as users run it)
# Needs wrk (apt-get install wrk). Prints one summary line per case, with the server's CPU time per
# request (Linux: read from /proc).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
command -v wrk >/dev/null || { echo "bench/http.sh needs wrk: apt-get install wrk" >&2; exit 1; }
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
PORT=${PORT:-18555}
DATABASE=${DATABASE:-}
DURABILITY=${DURABILITY:-}
ASSIGNMENT_EVENTS=${ASSIGNMENT_EVENTS:-on}
CASES=${CASES:-healthz repeat new}
RATE=${RATE:-}
export ALLOT_TOKEN=bench-admin-token-0123456789
if [ "$DATABASE" = postgres ]; then
  pgbench_db=allot_bench_$$
  psql -qh 127.0.0.1 -U postgres -d test -c "CREATE DATABASE $pgbench_db"
  DATABASE="jdbc:postgresql://127.0.0.1:5432/$pgbench_db?user=postgres"
fi
data=$(mktemp -d)
log="$data/server.log"
ALLOT_ADMIN_TOKEN=$ALLOT_TOKEN ALLOT_LOG_LEVEL=WARN ./allot serve --host 127.0.0.1 --port "$PORT" --data-dir "$data" \
  ${DATABASE:+--database "$DATABASE"} ${DURABILITY:+--durability "$DURABILITY"} \
  $([ "$ASSIGNMENT_EVENTS" = off ] && echo --no-assignment-events) >"$log" 2>&1 &
server=$!
cleanup() {
  # "|| true": the server ends by the signal, and under set -e its exit status would end the cleanup.
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  rm -rf "$data"
  if [ -n "${pgbench_db:-}" ]; then
    psql -qh 127.0.0.1 -U postgres -d test -c "DROP DATABASE IF EXISTS $pgbench_db WITH (FORCE)"
  fi
}
trap cleanup EXIT
url="http://127.0.0.1:$PORT"
for _ in $(seq 1 600); do
  curl -sf "$url/healthz" >/dev/null 2>&1 && break
  kill -0 $server 2>/dev/null || { cat "$log"; exit 1; }
  sleep 0.2
done
curl -sf -X POST "$url/v1/resources:apply" -H "Authorization: Bearer $ALLOT_TOKEN" -H 'Content-Type: application/yaml' \
  --data-binary @- >/dev/null <<'YAML'
kind: experiment
metadata: {id: bench, status: active}
spec:
  variants: [{id: control, isControl: true}, {id: treatment}]
  cohorts: [{index: 1, variants: [{variant: control, split: 0.5}, {variant: treatment, split: 0.5}]}]
YAML
# The repeat case's subjects, assigned up front so that every request of that case is a cache hit.
for i in $(seq 0 9); do
  ids=$(seq $((i * 1000)) $((i * 1000 + 999)) | sed 's/^/"known-/; s/$/"/' | paste -sd, -)
  curl -sf -X POST "$url/v1/experiments/bench/assignments:getOrMake" -H "Authorization: Bearer $ALLOT_TOKEN" \
    -H 'Content-Type: application/json' -d "{\"subjectIds\":[$ids]}" >/dev/null
done

# Every wrk run gets ids of its own (RUN_ID, which the new-subject and event scripts build their
# subject and insert ids from): the measured run must not start with the subjects or events its
# warm-up already stored, nor one case or server run with another's.
wrk_runs=0
next_run_id() { wrk_runs=$((wrk_runs + 1)); run_id="$$-$(date +%s)-$wrk_runs"; }
wrk_run() { # duration, script, env...
  local duration=$1 script=$2; shift 2
  env RUN_ID="$run_id" "$@" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$duration" -s "bench/http/$script" "$url${path:-}"
}
run() { # name, script, env...
  local name=$1 script=$2; shift 2
  set -- CONNECTIONS="$CONNECTIONS" ${RATE:+RATE="$RATE"} "$@"
  # A short warm-up so the JIT has compiled the path being measured.
  next_run_id
  wrk_run 5s "$script" "$@" >/dev/null
  local line
  next_run_id
  # The server's CPU time (user + system, in clock ticks) over the measured run, per request: on 2
  # cores shared with wrk, whether a change costs CPU or waiting.
  local ticks_before ticks_after requests
  ticks_before=$(awk '{print $14 + $15}' "/proc/$server/stat")
  line=$(wrk_run "$DURATION" "$script" "$@" | grep '^RESULT')
  ticks_after=$(awk '{print $14 + $15}' "/proc/$server/stat")
  requests=$(sed 's/.*requests=\([0-9]*\).*/\1/' <<<"$line")
  printf '%-22s %s cpu_us_per_request=%s\n' "$name" "${line#RESULT }" \
    "$(( (ticks_after - ticks_before) * 1000000 / $(getconf CLK_TCK) / (requests > 0 ? requests : 1) ))"
}
echo "connections=$CONNECTIONS threads=$THREADS duration=$DURATION rate=${RATE:-unlimited}" \
  "database=${DATABASE:-embedded SQLite} assignment-events=$ASSIGNMENT_EVENTS"
for case in $CASES; do
  case $case in
    healthz) path=/healthz run "healthz" healthz.lua ;;
    repeat) path=/v1/assignments:getOrMake run "getOrMake repeat" getOrMake.lua SUBJECTS=repeat ;;
    new) path=/v1/assignments:getOrMake run "getOrMake new" getOrMake.lua SUBJECTS=new ;;
    events) path=/v1/events run "events (x100)" events.lua ;;
    ofrep) path=/ofrep/v1/evaluate/flags/bench run "ofrep repeat" ofrep.lua ;;
    *) echo "unknown case '$case': healthz, repeat, new, events or ofrep" >&2; exit 2 ;;
  esac
done
