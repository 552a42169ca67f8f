#!/usr/bin/env bash
# Soak test: SECONDS (default 600) of mixed traffic at a fixed rate against one server on SQLite:
# Simple HTML and JSON, the JSON API, file downloads (recorded in the download statistics), project
# pages and XML-RPC at the read rate, plus 2 uploads and 1 browser sign-in a second. The read rate is
# 70% of the Simple HTML requests/s wrk measures on the same server first (READ_RATE overrides it).
# Passes with no 5xx, no socket error, resident memory after the first minute growing less than 10%
# and a read p99 under 50 ms (bench/Cheeseshop.Bench/SoakRun.cs prints each minute and the verdict).
# Usage: [READ_RATE=N] bench/load/soak.sh [SECONDS=600] [PROJECTS=1000]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/../.." && pwd)
seconds=${1:-600}; projects=${2:-1000}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
work=${BENCH_WORK:-/tmp/cheeseshop-soak}; data="$work/data"
rm -rf "$work"; mkdir -p "$work"
dotnet build -c Release "$root/bench/Cheeseshop.Bench" -v q -nologo >/dev/null
bench="$root/bench/Cheeseshop.Bench/bin/Release/net10.0/Cheeseshop.Bench.dll"
app="$root/src/Cheeseshop/bin/Release/net10.0/cheeseshop.dll"
dotnet "$bench" generate --data-dir "$data" --projects "$projects" --files-per-project 5
password="soak password $(date +%s)"
echo "$password" | dotnet "$app" users create soak-user --email soak@example.invalid --password-stdin --data-dir "$data" >/dev/null
token=$(dotnet "$app" tokens create soak-user --data-dir "$data" | grep -o 'cheeseshop-[A-Za-z0-9_.-]*' | head -1)

# One client sends everything, so the per-client and per-account limits (meant for abuse, not for a
# load generator) are off; the request log is off as in the other read benchmarks.
CHEESESHOP_RateLimits__UploadsPerHourPerClient=0 CHEESESHOP_RateLimits__UploadsPerHourPerAccount=0 \
CHEESESHOP_RateLimits__XmlRpcPerHour=0 CHEESESHOP_RequestLog=false \
    dotnet "$app" serve --data-dir "$data" --urls http://127.0.0.1:8000 >"$work/server.log" 2>&1 & server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -fs http://127.0.0.1:8000/health/ready >/dev/null && break; sleep 0.2; done

wrk -t1 -c64 -d5s -s "$here/random-project.lua" http://127.0.0.1:8000 -- "$projects" "/simple/%s/" >/dev/null
capacity=$(wrk -t1 -c64 -d10s -s "$here/random-project.lua" http://127.0.0.1:8000 -- "$projects" "/simple/%s/" | grep '^RESULT' | sed 's/.*rps=\([0-9]*\).*/\1/')
rate=${READ_RATE:-$(( capacity * 70 / 100 ))}
echo "capacity: $capacity Simple HTML requests/s; soak read rate $rate/s; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet "$bench" soak --url http://127.0.0.1:8000 --rate "$rate" --seconds "$seconds" --projects "$projects" \
    --token "$token" --user soak-user --password "$password" --pid "$server"
