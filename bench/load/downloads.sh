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

median() { sort -n "$1" | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }

case "$what" in
wrk)
  duration=${2:-10s}; rounds=${3:-3}
  command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
  rm -rf "$work/off" "$work/on"
  $bench seed-files --data-dir "$work/off" --files 20 >"$work/urls.txt"
  # A country database as production has one (the tests' copy, when present): recording looks every client up.
  geoip=${CHEESESHOP_TEST_GEOIP:-$HOME/.cache/cheeseshop-tests/geoip}/country.mmdb
  [ -f "$geoip" ] && { mkdir -p "$work/off/geoip"; cp "$geoip" "$work/off/geoip/country.mmdb"; }
  cp -r "$work/off" "$work/on"
  # The request log is off on both: it is its own cost, measured elsewhere.
  serve "$work/off" 8020 false
  serve "$work/on" 8021 true
  pid_off=${pids[0]}; pid_on=${pids[1]}
  # CPU time (user + system, in clock ticks) the server used: divided by the requests served, a cost per
  # download that moves far less with the machine's load than the rate does.
  ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
  hz=$(getconf CLK_TCK)
  # Warm both up first (JIT, caches), so the rounds compare steady states.
  for port in 8020 8021; do wrk -t1 -c64 -d5s -s "$here/random-file.lua" "http://127.0.0.1:$port" -- "$work/urls.txt" >/dev/null; done
  echo "file downloads/s, 16 KiB wheels, pip's User-Agent, wrk -t1 -c64 -d$duration, alternating; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  for r in $(seq "$rounds"); do
    c0=$(ticks "$pid_off"); off=$(wrk -t1 -c64 -d"$duration" -s "$here/random-file.lua" http://127.0.0.1:8020 -- "$work/urls.txt" | grep RESULT); c1=$(ticks "$pid_off")
    off="$off cpu_us=$(echo "$off" | awk -v t=$((c1 - c0)) -v hz="$hz" '{split($5, n, "="); printf "%.1f", t * 1e6 / hz / n[2]}')"
    c0=$(ticks "$pid_on"); on=$(wrk -t1 -c64 -d"$duration" -s "$here/random-file.lua" http://127.0.0.1:8021 -- "$work/urls.txt" | grep RESULT); c1=$(ticks "$pid_on")
    on="$on cpu_us=$(echo "$on" | awk -v t=$((c1 - c0)) -v hz="$hz" '{split($5, n, "="); printf "%.1f", t * 1e6 / hz / n[2]}')"
    printf 'round %s  off: %s\n          on:  %s  (load %s)\n' "$r" "$off" "$on" "$(cut -d' ' -f1 /proc/loadavg)"
    echo "$off" | sed 's/.*cpu_us=//' >>"$work/off.cpu"; echo "$on" | sed 's/.*cpu_us=//' >>"$work/on.cpu"
    echo "$off" | sed 's/.*rps=\([0-9]*\).*/\1/' >>"$work/off.rps"; echo "$on" | sed 's/.*rps=\([0-9]*\).*/\1/' >>"$work/on.rps"
  done
  sleep 2 # let the writer flush
  kill "${pids[@]}"; wait 2>/dev/null || true; pids=()
  off_sum=$(paste -sd+ "$work/off.rps" | bc); on_sum=$(paste -sd+ "$work/on.rps" | bc); rm -f "$work/off.rps" "$work/on.rps"
  echo "recording on / off: $(echo "scale=3; $on_sum / $off_sum" | bc)"
  echo "server CPU per download, median of the rounds: off $(median "$work/off.cpu") us, on $(median "$work/on.cpu") us"; rm -f "$work/off.cpu" "$work/on.cpu"
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
