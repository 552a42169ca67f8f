#!/usr/bin/env bash
# Read-path load test: generates an index of N projects, starts Cheeseshop (Release) and a bare
# ASP.NET baseline endpoint, and measures both with wrk in the same run.
# Usage: bench/load/run.sh [PROJECTS=1000] [DURATION=10s]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/../.." && pwd)
projects=${1:-1000}; duration=${2:-10s}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
work=${BENCH_WORK:-/tmp/cheeseshop-bench}; data="$work/data-$projects"
mkdir -p "$work"
dotnet build -c Release "$root/bench/Cheeseshop.Bench" -v q -nologo >/dev/null
bench="$root/bench/Cheeseshop.Bench/bin/Release/net10.0/Cheeseshop.Bench.dll"
app="$root/src/Cheeseshop/bin/Release/net10.0/cheeseshop.dll"
[ -f "$data/cheeseshop.db" ] || dotnet "$bench" generate --data-dir "$data" --projects "$projects" --files-per-project 5

baseline=
dotnet "$app" serve --data-dir "$data" --urls http://127.0.0.1:8000 >"$work/server.log" 2>&1 & server=$!
trap 'kill $server $baseline 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -fs http://127.0.0.1:8000/health >/dev/null && break; sleep 0.2; done
curl -fs http://127.0.0.1:8000/health >/dev/null || { echo "server did not start; see $work/server.log" >&2; exit 1; }
size=$(curl -s http://127.0.0.1:8000/simple/bench-project-000000/ | wc -c)
dotnet "$bench" baseline http://127.0.0.1:8001 "$size" & baseline=$!
for _ in $(seq 50); do curl -fs http://127.0.0.1:8001/page >/dev/null && break; sleep 0.2; done

run() { # name, url, wrk args...
  local name=$1; shift
  # Warm up first: JIT tiers, then every project's page rendered once (one wrk thread walks the
  # projects in order), then measure.
  wrk -t1 -c64 -d"${WARMUP:-10s}" "$@" >/dev/null
  local url=$3; shift 4
  local warm=$(( $1 / 1000 + 5 ))
  wrk -t1 -c8 -d"${warm}s" -s "$here/warm-all.lua" "$url" -- "$@" >/dev/null
  set -- -s "$here/random-project.lua" "$url" -- "$@"
  local line; line=$(wrk -t1 -c64 -d"$duration" --latency "$@" | grep RESULT || true)
  printf '%-28s %s\n' "$name" "$line"
}
echo "projects=$projects page_bytes=$size duration=$duration"
run "baseline fixed page" -s "$here/random-project.lua" http://127.0.0.1:8001 -- 1 /page
run "/simple/{p}/ html" -s "$here/random-project.lua" http://127.0.0.1:8000 -- "$projects" "/simple/%s/"
run "/simple/{p}/ json" -s "$here/random-project.lua" http://127.0.0.1:8000 -- "$projects" "/simple/%s/" "application/vnd.pypi.simple.v1+json"
run "/pypi/{p}/json" -s "$here/random-project.lua" http://127.0.0.1:8000 -- "$projects" "/pypi/%s/json"
run "/simple/ (index)" -s "$here/random-project.lua" http://127.0.0.1:8000 -- 1 "/simple/"
echo "server RSS: $(ps -o rss= -p $server | awk '{printf "%.0f MB", $1/1024}')"
