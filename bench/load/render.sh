#!/usr/bin/env bash
# What a page cache miss costs: Cheeseshop on the generated index of N projects with a 1 MB page cache, so
# every request renders its page from the database, driven by wrk with a uniform choice of project.
# Prints requests/s and the server's CPU time per request for each of ROUNDS runs, after a warm-up.
# Usage: [ROUNDS=3] [WARMUP=20s] [APP=path/to/cheeseshop.dll] bench/load/render.sh [PROJECTS=100000] [PATH_TEMPLATE=/simple/%s/]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/../.." && pwd)
projects=${1:-100000}; template=${2:-/simple/%s/}
source "$here/common.sh"
CHEESESHOP_Cache__MaxMegabytes=1 CHEESESHOP_RequestLog=false dotnet "$app" serve --data-dir "$data" --urls http://127.0.0.1:8010 \
  >"$work/render-server.log" 2>&1 & server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -fs http://127.0.0.1:8010/health >/dev/null && break; sleep 0.2; done
run() { wrk -t1 -c16 -d"$1" -s "$here/random-project.lua" http://127.0.0.1:8010 -- "$projects" "$template"; }
run "${WARMUP:-20s}" >/dev/null
echo "projects=$projects template=$template load: $(cut -d' ' -f1-3 /proc/loadavg)"
for _ in $(seq "${ROUNDS:-3}"); do
  before=$(awk '{ print $14 + $15 }' "/proc/$server/stat")
  result=$(run 8s | grep '^RESULT')
  after=$(awk '{ print $14 + $15 }' "/proc/$server/stat")
  awk -v r="$result" -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" 'BEGIN {
    split(r, f, " "); split(f[2], a, "="); printf "renders/s=%s  cpu/render=%.0fus  %s %s\n", a[2], t / hz * 1e6 / (a[2] * 8), f[3], f[4] }'
done
