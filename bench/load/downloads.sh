#!/usr/bin/env bash
# Download statistics benchmarks (figures in docs/performance.md, "Downloads").
#   bench/load/downloads.sh wrk [DURATION=10s] [ROUNDS=3]   file downloads/s, recording off vs on, same run
#   bench/load/downloads.sh writer [EVENTS=200000]          writer events/s into SQLite (and PostgreSQL if
#                                                           CHEESESHOP_Database__PostgreSQL is set)
#   bench/load/downloads.sh rollup [EVENTS=10000000] [DAYS=30]   generate, roll up, then API latency over HTTP
# Servers listen on 127.0.0.1 only; every loop is bounded by its duration or count.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/../.." && pwd)
what=${1:-wrk}
work=${BENCH_WORK:-/tmp/cheeseshop-bench-downloads}
mkdir -p "$work"
dotnet build -c Release "$root/bench/Downloads" -v q -nologo >/dev/null
bench="dotnet $root/bench/Downloads/bin/Release/net10.0/Cheeseshop.Bench.Downloads.dll"
app="$root/src/Cheeseshop/bin/Release/net10.0/cheeseshop.dll"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT

serve() { # data-dir port enabled
  CHEESESHOP_Downloads__Enabled=$3 CHEESESHOP_RequestLog=false dotnet "$app" serve --data-dir "$1" --urls "http://127.0.0.1:$2" >"$work/server-$2.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$2/health" >/dev/null && return; sleep 0.2; done
  echo "server on $2 did not start" >&2; exit 1
}

case "$what" in
wrk)
  duration=${2:-10s}; rounds=${3:-3}
  command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
  rm -rf "$work/off" "$work/on"
  $bench seed-files --data-dir "$work/off" --files 20 >"$work/urls.txt"
  cp -r "$work/off" "$work/on"
  # The request log is off on both: it is its own cost, measured elsewhere.
  serve "$work/off" 8020 false
  serve "$work/on" 8021 true
  # Warm both up first (JIT, caches), so the rounds compare steady states.
  for port in 8020 8021; do wrk -t1 -c64 -d5s -s "$here/random-file.lua" "http://127.0.0.1:$port" -- "$work/urls.txt" >/dev/null; done
  echo "file downloads/s, 16 KiB wheels, pip's User-Agent, wrk -t1 -c64 -d$duration, alternating; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  for r in $(seq "$rounds"); do
    off=$(wrk -t1 -c64 -d"$duration" -s "$here/random-file.lua" http://127.0.0.1:8020 -- "$work/urls.txt" | grep RESULT)
    on=$(wrk -t1 -c64 -d"$duration" -s "$here/random-file.lua" http://127.0.0.1:8021 -- "$work/urls.txt" | grep RESULT)
    printf 'round %s  off: %s\n          on:  %s\n' "$r" "$off" "$on"
    echo "$off" | sed 's/.*rps=\([0-9]*\).*/\1/' >>"$work/off.rps"; echo "$on" | sed 's/.*rps=\([0-9]*\).*/\1/' >>"$work/on.rps"
  done
  sleep 2 # let the writer flush
  kill "${pids[@]}"; wait 2>/dev/null || true; pids=()
  off_sum=$(paste -sd+ "$work/off.rps" | bc); on_sum=$(paste -sd+ "$work/on.rps" | bc); rm -f "$work/off.rps" "$work/on.rps"
  echo "recording on / off: $(echo "scale=3; $on_sum / $off_sum" | bc)"
  echo "events recorded: $($bench count --data-dir "$work/on")"
  grep -h "dropped" "$work/server-8021.log" || echo "no events dropped"
  ;;
writer)
  events=${2:-200000}
  rm -rf "$work/writer"; $bench seed-files --data-dir "$work/writer" --files 20 >/dev/null
  $bench writer --data-dir "$work/writer" --events "$events"
  ;;
rollup)
  events=${2:-10000000}; days=${3:-30}
  data="$work/rollup-$events"
  [ -f "$data/.generated" ] || { rm -rf "$data"; $bench generate --data-dir "$data" --events "$events" --days "$days" --projects 1000 && touch "$data/.generated"; }
  $bench rollup --data-dir "$data"
  serve "$data" 8022 true
  $bench api --url http://127.0.0.1:8022 --project bench-dl-000000 --requests 200
  $bench api --url http://127.0.0.1:8022 --project bench-dl-000500 --requests 200
  ;;
*) echo "usage: $0 wrk|writer|rollup" >&2; exit 2 ;;
esac
